// Fuzz target: the server's request paths with arbitrary bytes, in process
// and through the real router. The first byte picks the path and the
// caller: an HTTP request (target, headers, body parsed by Beast, then the
// route table with its authentication, origin, membership and handlers, or
// the static files) or a WebSocket frame from a session member (decoded,
// checked against the member's session role and applied to a live session).
// Nothing may throw out, crash, or answer with a 5xx or a body that is not
// valid UTF-8 JSON.

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

#include "core/ids.h"
#include "core/utf8.h"
#include "modules/registry.h"
#include "server/api.h"
#include "server/client_frames.h"
#include "server/static_files.h"
#include "store/record_cipher.h"

namespace {

using namespace medvision;
namespace http = boost::beast::http;

class NullClient : public SessionClient {
 public:
  void send(std::shared_ptr<const std::string>) override {}
  void close(std::uint16_t, const std::string&) override {}
  bool backlogged() const override { return false; }
};

struct World {
  boost::asio::io_context io;
  std::unique_ptr<RecordStore> store;
  ServerConfig config;
  LoginThrottles throttle;
  ConnectionRegistry connections;
  RefusalCounter refusals;
  RecordCipher cipher{RecordCipher::Key{}};
  std::unique_ptr<SessionHub> hub;
  std::unique_ptr<ApiContext> api;
  std::shared_ptr<LiveSession> live;
  std::shared_ptr<NullClient> client = std::make_shared<NullClient>();
  UserRecord admin, trainee;
  std::string admin_token, trainee_token;
  int participant = 0;
  std::string web_root;

  World() {
    store = std::move(open_store("sqlite::memory:").value());
    if (!store->migrate().ok()) std::abort();
    config.content_root = MEDVISION_SOURCE_DIR "/content";
    hub = std::make_unique<SessionHub>(io, *store, LiveSessionSettings{},
                                       modules::module_factory(config.content_root, 1000));
    api = std::make_unique<ApiContext>(ApiContext{*store, *hub, throttle, config, nullptr,
                                                  &connections, &refusals, &cipher,
                                                  InstanceInfo{"ins_fuzz", "http://127.0.0.1"}});
    admin = add_user("admin", Role::admin, admin_token);
    trainee = add_user("trainee", Role::trainee, trainee_token);
    SessionRecord s;
    s.id = new_id("ses_");
    s.title = "fuzz";
    s.kind = "emergency/acls-vf";
    s.created_by = trainee.id;
    s.seed = 1;
    s.created_us = wall_time_us();
    s.instance_id = "ins_fuzz";
    if (!store->create_session(s).ok()) std::abort();
    if (!store
             ->put_session_member(
                 SessionMember{s.id, trainee.id, SessionRole::driver, "", trainee.id, 1})
             .ok())
      std::abort();
    auto started = hub->start(s);
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start the fuzz session: %s\n", started.error().message.c_str());
      std::abort();
    }
    live = *started;
    live->set_driver(trainee.id);
    participant = live->join(client, trainee, SessionRole::driver, "").value();
    web_root = (std::filesystem::temp_directory_path() / "medvision-fuzz-web").string();
    std::filesystem::create_directories(web_root + "/assets");
    std::ofstream(web_root + "/index.html") << "<!doctype html>";
    std::ofstream(web_root + "/assets/a.js") << "1";
  }

  UserRecord add_user(const std::string& name, Role role, std::string& token) {
    UserRecord u;
    u.id = new_id("usr_");
    u.username = name;
    u.display_name = name;
    u.role = role;
    u.password_hash = hash_password("fuzz password").value();
    u.created_us = 1;
    if (!store->create_user(u).ok()) std::abort();
    token = new_secret(32);
    if (!store->put_token(TokenRecord{token_hash(token), u.id, 1, INT64_MAX / 2}).ok())
      std::abort();
    return u;
  }
};

World& world() {
  static World w;
  return w;
}

void check_answer(const HttpResponse& res) {
  if (res.result_int() >= 500 && res.result_int() != 503) std::abort();
  const std::string& body = res.body();
  if (!is_valid_utf8(body)) std::abort();
  const auto type = res.find(http::field::content_type);
  if (type != res.end() && type->value() == "application/json" &&
      nlohmann::json::parse(body, nullptr, false).is_discarded())
    std::abort();
}

void http_path(World& w, std::uint8_t who, std::string_view bytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(1 << 20);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < bytes.size() && !parser.is_done()) {
    const std::size_t n =
        parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec || n == 0) break;
    used += n;
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return;
    parser.put_eof(ec);
    if (!parser.is_done()) return;
  }
  HttpRequest req = parser.release();
  switch (who % 4) {
    case 1:
      req.set(http::field::authorization, "Bearer " + w.admin_token);
      break;
    case 2:
      req.set(http::field::cookie, "mv_token=" + w.trainee_token);
      break;
    case 3:
      req.set(http::field::authorization, "Bearer " + w.trainee_token);
      break;
    default:
      break;
  }
  if (req.target().substr(0, 5) == "/api/") {
    check_answer(handle_api(*w.api, req, "127.0.0.1"));
  } else {
    (void)load_static_file(w.web_root, req.target());
  }
}

void frame_path(World& w, std::string_view bytes) {
  ClientFrameContext c{*w.api, *w.live, w.trainee, w.participant, "127.0.0.1"};
  const ClientFrameOutcome out = handle_client_frame(c, bytes);
  if (out.reply_json && nlohmann::json::parse(*out.reply_json, nullptr, false).is_discarded())
    std::abort();
  if (out.close && out.close->second.size() > 1000) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  World& w = world();
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] & 1) {
      frame_path(w, rest);
    } else {
      http_path(w, static_cast<std::uint8_t>(data[0] >> 1), rest);
    }
  } catch (...) {
    std::abort();  // nothing may leave a handler
  }
  return 0;
}
