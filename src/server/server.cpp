#include "server/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/ids.h"
#include "core/paths.h"
#include "modules/registry.h"
#include "server/api.h"
#include "server/library_routes.h"
#include "server/protocol.h"
#include "server/static_files.h"
#include "server/tls.h"

namespace medvision {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// Shared by every connection of one server.
struct ServerState {
  ApiContext& api;
  const ServerConfig& config;
  std::string web_root;
  ssl::context* tls = nullptr;
};

void add_security_headers(HttpResponse& res) {
  res.set(http::field::server, "MedVision");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
}

HttpResponse static_response(const ServerState& s, const HttpRequest& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return error_response(
        req, http::status::method_not_allowed,
        make_error(ErrorCode::invalid_input, "only GET and HEAD are allowed here"));
  }
  auto file = load_static_file(s.web_root, req.target());
  if (!file) {
    const std::string why =
        s.web_root.empty() ? "the web client is not built (run `make demo`, or pass --web-root)"
                           : "no such file: " + std::string(req.target());
    return error_response(req, http::status::not_found, make_error(ErrorCode::not_found, why));
  }
  HttpResponse res{http::status::ok, req.version()};
  res.set(http::field::content_type, file->content_type);
  res.set(http::field::cache_control,
          file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.keep_alive(req.keep_alive());
  res.body() = req.method() == http::verb::head ? std::string() : std::move(file->body);
  res.prepare_payload();
  return res;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// One WebSocket participant of a live session.
template <class Stream>
class WsConnection : public SessionClient,
                     public std::enable_shared_from_this<WsConnection<Stream>> {
 public:
  WsConnection(Stream&& stream, const ServerState& server, std::string remote)
      : ws_(std::move(stream)), server_(server), remote_(std::move(remote)) {}

  void run(HttpRequest req, std::shared_ptr<LiveSession> live, UserRecord user) {
    live_ = std::move(live);
    user_ = std::move(user);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "MedVision"); }));
    ws_.read_message_max(server_.config.max_frame_bytes);
    ws_.binary(true);
    req_ = std::move(req);
    ws_.async_accept(req_,
                     beast::bind_front_handler(&WsConnection::on_accept, this->shared_from_this()));
  }

  void send(std::shared_ptr<const std::string> frame) override {
    ++queued_;
    net::post(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)] {
      if (self->closing_) {
        --self->queued_;
        return;
      }
      self->out_.push_back(frame);
      if (!self->writing_) self->write_next();
    });
  }

  // The session's own close: every frame queued before it is sent first (the
  // last EVENTS frame carries the session's end and its assessment).
  void close(std::uint16_t code, const std::string& reason) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason] {
      self->close_after_queue(code, reason);
    });
  }

  bool backlogged() const override { return queued_.load() > 2; }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    auto number = live_->join(this->shared_from_this(), user_);
    if (!number.ok()) {
      close_now(1008, number.error().message);
      return;
    }
    participant_ = *number;
    spdlog::info("session {}: {} joined as participant {} from {}", live_->id(), user_.username,
                 participant_, remote_);
    window_start_ = std::chrono::steady_clock::now();
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_,
                   beast::bind_front_handler(&WsConnection::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        spdlog::warn("session {}: participant {} sent a frame over {} bytes; closed", live_->id(),
                     participant_, server_.config.max_frame_bytes);
      }
      left();
      return;
    }
    if (closing_) return;
    if (!ws_.got_binary()) {
      close_now(1003, "binary frames only (protocol v1)");
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - window_start_ >= std::chrono::seconds(1)) {
      window_start_ = now;
      frames_in_window_ = 0;
    }
    if (++frames_in_window_ > server_.config.max_frames_per_second) {
      close_now(1008, "rate limit exceeded: more than " +
                          std::to_string(static_cast<int>(server_.config.max_frames_per_second)) +
                          " frames in one second");
      return;
    }
    const auto data = buffer_.cdata();
    auto frame = wire::decode_client_frame(
        std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (!frame.ok()) {
      close_now(1002, frame.error().message);
      return;
    }
    switch (frame->header.type) {
      case wire::MessageType::action:
        take_action(frame->header.seq, frame->body);
        break;
      case wire::MessageType::control:
        take_control(frame->header.seq, frame->body);
        break;
      default:
        live_->submit_input(participant_, frame->input, frame->header.seq);
        break;
    }
    read_next();
  }

  void reply(std::uint32_t ref, const Status& status) {
    nlohmann::json j = {{"ref", ref}, {"ok", status.ok()}};
    if (!status.ok()) {
      j["code"] = to_string(status.error().code);
      j["error"] = status.error().message;
    }
    live_->reply(participant_, j.dump());
  }

  void take_action(std::uint32_t ref, const std::string& body) {
    auto action = wire::parse_action_request(body);
    reply(ref, action.ok() ? live_->act(participant_, *action) : Status(action.error()));
  }

  void take_control(std::uint32_t ref, const std::string& body) {
    auto control = wire::parse_control_request(body);
    if (!control.ok()) return reply(ref, control.error());
    auto allowed = may_instruct(server_.api, live_->id(), user_);
    if (!allowed.ok()) return reply(ref, allowed.error());
    if (!*allowed) {
      audit(server_.api, user_.id, "control", "/api/sessions/" + live_->id(), "denied",
            control->control, remote_);
      return reply(ref, make_error(ErrorCode::forbidden, "you do not teach session " + live_->id() +
                                                             ", so you may not " +
                                                             control->control + " it"));
    }
    audit(server_.api, user_.id, "control", "/api/sessions/" + live_->id(), "ok", control->control,
          remote_);
    reply(ref, live_->control(*control, user_.id));
  }

  void write_next() {
    if (out_.empty()) {
      writing_ = false;
      if (pending_close_) start_close();
      return;
    }
    writing_ = true;
    auto frame = out_.front();
    ws_.async_write(net::buffer(*frame),
                    [self = this->shared_from_this(), frame](beast::error_code ec, std::size_t) {
                      self->out_.pop_front();
                      --self->queued_;
                      if (ec) {
                        self->writing_ = false;
                        self->out_.clear();
                        return;
                      }
                      self->write_next();
                    });
  }

  void close_after_queue(std::uint16_t code, const std::string& reason) {
    if (closing_) return;
    closing_ = true;
    close_reason_ =
        websocket::close_reason(static_cast<websocket::close_code>(code), reason.substr(0, 120));
    if (writing_) {
      pending_close_ = true;
    } else {
      start_close();
    }
  }

  void close_now(std::uint16_t code, const std::string& reason) {
    if (closing_) return;
    closing_ = true;
    // A close reason must fit in a control frame (125 bytes with the code).
    close_reason_ =
        websocket::close_reason(static_cast<websocket::close_code>(code), reason.substr(0, 120));
    if (code != 1000)
      spdlog::warn("session {}: closing participant {} ({}): {}", live_ ? live_->id() : "-",
                   participant_, remote_, reason);
    queued_ -= out_.size() - (writing_ ? 1 : 0);
    if (writing_) {
      out_.erase(out_.begin() + 1, out_.end());
      pending_close_ = true;
    } else {
      out_.clear();
      start_close();
    }
  }

  void start_close() {
    pending_close_ = false;
    ws_.async_close(close_reason_,
                    [self = this->shared_from_this()](beast::error_code) { self->left(); });
  }

  void left() {
    if (left_ || participant_ == 0) return;
    left_ = true;
    live_->leave(participant_);
    spdlog::info("session {}: participant {} ({}) left", live_->id(), participant_, user_.username);
  }

  websocket::stream<Stream> ws_;
  const ServerState& server_;
  std::string remote_;
  HttpRequest req_;
  std::shared_ptr<LiveSession> live_;
  UserRecord user_;
  int participant_ = 0;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> out_;
  std::atomic<std::size_t> queued_{0};
  bool writing_ = false;
  bool closing_ = false;
  bool pending_close_ = false;
  bool left_ = false;
  websocket::close_reason close_reason_;
  std::chrono::steady_clock::time_point window_start_;
  double frames_in_window_ = 0;
};

template <class Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  HttpConnection(Stream&& stream, const ServerState& server, std::string remote)
      : stream_(std::move(stream)), server_(server), remote_(std::move(remote)) {}

  void run() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read_next();
                              });
    } else {
      read_next();
    }
  }

 private:
  void read_next() {
    parser_.emplace();
    parser_->body_limit(server_.config.max_body_bytes);
    parser_->header_limit(16 * 1024);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpConnection::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec == http::error::body_limit) {
      HttpRequest dummy;
      dummy.version(11);
      return write(
          error_response(dummy, http::status::payload_too_large,
                         make_error(ErrorCode::invalid_input,
                                    "request body is larger than " +
                                        std::to_string(server_.config.max_body_bytes) + " bytes")),
          true);
    }
    if (ec) {
      if (ec != beast::error::timeout && ec != net::error::operation_aborted &&
          ec != net::error::eof && ec != net::error::connection_reset) {
        HttpRequest dummy;
        dummy.version(11);
        write(error_response(
                  dummy, http::status::bad_request,
                  make_error(ErrorCode::invalid_input, "malformed HTTP request: " + ec.message())),
              true);
      }
      return;
    }
    HttpRequest req = parser_->release();
    if (websocket::is_upgrade(req)) return upgrade(std::move(req));
    HttpResponse res = starts_with(req.target(), "/api/") ? handle_api(server_.api, req, remote_)
                                                          : static_response(server_, req);
    write(std::move(res), false);
  }

  void upgrade(HttpRequest req) {
    const std::string_view target = req.target();
    const auto fail = [&](http::status status, const Error& e) {
      audit(server_.api, "", "join", std::string(target.substr(0, target.find('?'))), "denied",
            e.message, remote_);
      write(error_response(req, status, e), true);
    };
    if (!starts_with(target, "/ws?") && target != "/ws") {
      return fail(http::status::not_found,
                  make_error(ErrorCode::not_found, "WebSocket endpoint is /ws?session=ID"));
    }
    auto caller = authenticate(server_.api, req);
    if (!caller.ok()) return fail(status_of(caller.error().code), caller.error());
    const std::string id = query_param(target, "session");
    if (id.empty())
      return fail(http::status::bad_request,
                  make_error(ErrorCode::invalid_input, "missing ?session=ID"));
    auto live = server_.api.hub.find(id);
    if (!live) {
      auto record = server_.api.store.get_session(id);
      if (!record.ok())
        return fail(http::status::not_found,
                    make_error(ErrorCode::not_found, "session " + id + " not found"));
      return fail(http::status::conflict,
                  make_error(ErrorCode::conflict, "session " + id + " has ended"));
    }
    audit(server_.api, caller->user.id, "join", "/api/sessions/" + id, "ok", "websocket", remote_);
    std::make_shared<WsConnection<Stream>>(std::move(stream_), server_, remote_)
        ->run(std::move(req), std::move(live), std::move(caller->user));
  }

  void write(HttpResponse res, bool close_after) {
    add_security_headers(res);
    if (close_after) res.keep_alive(false);
    auto sp = std::make_shared<HttpResponse>(std::move(res));
    http::async_write(stream_, *sp,
                      [self = this->shared_from_this(), sp](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (!sp->keep_alive()) return self->shutdown();
                        self->read_next();
                      });
  }

  void shutdown() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      // Lingering close: read and drop what the client still sends (the rest
      // of a body over the limit) for up to 2 s, so that closing with unread
      // data does not reset the connection and destroy the answer in flight.
      stream_.expires_after(std::chrono::seconds(2));
      drain();
    }
  }

  void drain() {
    if constexpr (!std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      if (!drain_buffer_) drain_buffer_ = std::make_shared<std::array<char, 16 * 1024>>();
      stream_.async_read_some(net::buffer(*drain_buffer_),
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                if (!ec) self->drain();
                              });
    }
  }

  std::shared_ptr<std::array<char, 16 * 1024>> drain_buffer_;
  Stream stream_;
  const ServerState& server_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, const ServerState& server)
      : io_(io), acceptor_(io), server_(server) {}

  Result<std::uint16_t> open(const std::string& host, std::uint16_t port) {
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec)
      return make_error(ErrorCode::invalid_input, "--host '" + host + "' is not an IP address");
    const tcp::endpoint endpoint(address, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return make_error(ErrorCode::unavailable,
                        "cannot listen on " + host + ":" + std::to_string(port) + ": " +
                            ec.message() +
                            (ec == net::error::address_in_use
                                 ? " (another program uses this port; choose one with --port)"
                                 : ""));
    }
    return acceptor_.local_endpoint().port();
  }

  void accept_next() {
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      beast::error_code ignored;
      const auto peer = socket.remote_endpoint(ignored);
      std::string remote = peer.address().to_string();
      if (server_.tls) {
        std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(std::move(socket), *server_.tls), server_,
            std::move(remote))
            ->run();
      } else {
        std::make_shared<HttpConnection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                            server_, std::move(remote))
            ->run();
      }
    }
    accept_next();
  }

  net::io_context& io_;
  tcp::acceptor acceptor_;
  const ServerState& server_;
};

Status ensure_admin(RecordStore& store) {
  auto count = store.count_users();
  if (!count.ok()) return count.error();
  if (*count > 0) return {};
  const char* given = std::getenv("MEDVISION_ADMIN_PASSWORD");
  const bool generated = given == nullptr || *given == '\0';
  const std::string password = generated ? new_id("").substr(0, 16) : std::string(given);
  if (!generated) MV_TRY(check_password_policy(password));
  auto hash = hash_password(password);
  if (!hash.ok()) return hash.error();
  UserRecord admin;
  admin.id = new_id("usr_");
  admin.username = "admin";
  admin.display_name = "Administrator";
  admin.role = Role::admin;
  admin.password_hash = *hash;
  admin.must_change_password = generated;
  admin.created_us = wall_time_us();
  MV_TRY(store.create_user(admin));
  if (generated) {
    std::printf(
        "\nMedVision created the administrator account.\n"
        "  username: admin\n"
        "  one-time password: %s\n"
        "This password is shown once: log in and change it.\n\n",
        password.c_str());
  } else {
    std::printf(
        "MedVision created the administrator account 'admin' with the password from "
        "MEDVISION_ADMIN_PASSWORD.\n");
  }
  std::fflush(stdout);
  return {};
}

}  // namespace

Status serve(const ServerConfig& config) {
  std::error_code fs_ec;
  std::filesystem::create_directories(config.data_dir, fs_ec);
  if (fs_ec)
    return make_error(ErrorCode::unavailable,
                      "cannot create data folder " + config.data_dir + ": " + fs_ec.message());

  auto opened = open_store(config.db_url());
  if (!opened.ok()) return opened.error();
  RecordStore& store = **opened;
  MV_TRY(store.migrate());
  auto abandoned = close_abandoned_sessions(store);
  if (!abandoned.ok()) return abandoned.error();
  MV_TRY(ensure_admin(store));

  std::optional<ssl::context> tls;
  std::string fingerprint;
  if (config.tls()) {
    tls.emplace(ssl::context::tls_server);
    std::string cert = config.tls_cert, key = config.tls_key;
    if (config.tls_self_signed) {
      auto files = ensure_self_signed(config.data_dir + "/tls", config.host);
      if (!files.ok()) return files.error();
      cert = files->cert_path;
      key = files->key_path;
      fingerprint = files->sha256_fingerprint;
    }
    MV_TRY(configure_tls(*tls, cert, key));
  }

  // Scenarios are read from the content folder; a broken file is reported here
  // and left out of the listing, the others run.
  ServerConfig resolved = config;
  if (resolved.content_root.empty())
    resolved.content_root = find_run_folder("content", "content", "scenarios");
  if (resolved.content_root.empty()) {
    spdlog::warn("no content folder found (give --content); only sandbox sessions can be created");
  } else {
    const auto listing = modules::list_scenarios(resolved.content_root);
    for (const auto& error : listing.errors) spdlog::error("scenario not offered: {}", error);
    spdlog::info("content {}: {} scenario(s)", resolved.content_root, listing.scenarios.size());
  }

  net::io_context io(config.threads);
  LoginThrottle throttle;
  SessionHub hub(io, store, LiveSessionSettings{config.tick_rate_hz, config.snapshot_rate_hz},
                 modules::module_factory(resolved.content_root, config.tick_rate_hz));
  auto image_library = start_image_library(store, config);
  if (!image_library.ok()) return image_library.error();
  ApiContext api{store, hub, throttle, resolved, image_library->get()};
  const ServerState state{api, resolved, resolve_web_root(config.web_root), tls ? &*tls : nullptr};
  if (state.web_root.empty())
    spdlog::warn("no built web client found; only the API is served (build it with `make demo`)");

  auto listener = std::make_shared<Listener>(io, state);
  auto port = listener->open(config.host, config.port);
  if (!port.ok()) return port.error();
  listener->accept_next();

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: ending {} running session(s)", signal, hub.size());
    listener->stop();
    hub.end_all("server shutting down");
    // Give close frames a moment to leave before the loop stops.
    auto timer = std::make_shared<net::steady_timer>(io, std::chrono::milliseconds(200));
    timer->async_wait([&io, timer](const beast::error_code&) { io.stop(); });
  });

  const std::string scheme = tls ? "https" : "http";
  std::printf("MedVision listening on %s://%s:%u (store: %s)\n", scheme.c_str(),
              config.host.c_str(), static_cast<unsigned>(*port), store.backend_name().c_str());
  if (!fingerprint.empty())
    std::printf("TLS certificate (self-signed) SHA-256 fingerprint: %s\n", fingerprint.c_str());
  std::fflush(stdout);

  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  spdlog::info("stopped cleanly");
  return {};
}

}  // namespace medvision
