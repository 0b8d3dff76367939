#include "server/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/ids.h"
#include "core/paths.h"
#include "core/utf8.h"
#include "library/image_library.h"
#include "modules/registry.h"
#include "server/api.h"
#include "server/client_frames.h"
#include "server/library_routes.h"
#include "server/protocol.h"
#include "server/static_files.h"
#include "server/tls.h"
#include "session/event.h"

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
  // Request handlers run here, off the network threads: they wait on the
  // store and hash passwords (argon2id takes tens of milliseconds).
  net::thread_pool* workers = nullptr;
};

// The page's script comes only from the server itself (no inline script);
// styles may be inline (three.js and the pages set element styles); the
// WebSocket is the page's own origin.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' data: blob:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void add_security_headers(HttpResponse& res, bool tls) {
  res.set(http::field::server, "MedVision");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  // A route that set its own policy (the self-contained report page) keeps it.
  if (res.find("Content-Security-Policy") == res.end())
    res.set("Content-Security-Policy", kContentSecurityPolicy);
  if (tls) res.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

HttpResponse static_response(const ServerState& s, const HttpRequest& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return error_response(
        req, http::status::method_not_allowed,
        make_error(ErrorCode::invalid_input, "only GET and HEAD are allowed here"));
  }
  auto file = load_static_file(s.web_root, req.target());
  if (!file) {
    // A fixed answer: the request is never echoed.
    const std::string why =
        s.web_root.empty() ? "the web client is not built (run `make demo`, or pass --web-root)"
                           : "not found";
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
                     public ClosableConnection,
                     public std::enable_shared_from_this<WsConnection<Stream>> {
 public:
  WsConnection(Stream&& stream, const ServerState& server, std::string remote)
      : ws_(std::move(stream)), server_(server), remote_(std::move(remote)) {}

  void run(HttpRequest req, std::shared_ptr<LiveSession> live, Caller caller, SessionRole role,
           std::string team_role) {
    live_ = std::move(live);
    user_ = std::move(caller.user);
    token_hash_ = std::move(caller.token_hash);
    role_ = role;
    team_role_ = std::move(team_role);
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
    // A client that cannot keep up with the session's events is let go with
    // a reason, rather than holding an ever longer queue in the server.
    if (++queued_ > server_.config.max_send_queue_frames) {
      --queued_;
      if (!overflowed_.exchange(true)) {
        close_from_server(1008, "too slow: this connection could not keep up with the session");
      }
      return;
    }
    net::post(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame)] {
      if (self->closing_) {
        --self->queued_;
        return;
      }
      self->out_.push_back(frame);
      if (!self->writing_) self->write_next();
    });
  }

  void close_from_server(std::uint16_t code, const std::string& reason) override {
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), code, reason] { self->close_now(code, reason); });
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
    if (server_.api.connections &&
        !server_.api.connections->add(user_.id, token_hash_, this->shared_from_this(),
                                      server_.config.max_sockets_per_user)) {
      close_now(1008, "too many open connections for this account (limit " +
                          std::to_string(server_.config.max_sockets_per_user) + ")");
      return;
    }
    auto number = live_->join(this->shared_from_this(), user_, role_, team_role_);
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

  void on_read(beast::error_code ec, std::size_t n) {
    // Nothing a client sends may end the process: a fault in handling one
    // frame closes this connection only.
    try {
      handle_read(ec, n);
    } catch (const std::exception& e) {
      spdlog::error("session {}: participant {} ({}): frame handling failed: {}",
                    live_ ? live_->id() : "-", participant_, remote_, e.what());
      close_now(1011, "internal error while handling a frame");
    }
  }

  void handle_read(beast::error_code ec, std::size_t) {
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
    ClientFrameContext context{server_.api, *live_, user_, participant_, remote_, told_observer_};
    const ClientFrameOutcome outcome = handle_client_frame(
        context, std::string_view(static_cast<const char*>(data.data()), data.size()));
    told_observer_ = context.told_observer;
    buffer_.consume(buffer_.size());
    if (outcome.close) return close_now(outcome.close->first, outcome.close->second);
    if (outcome.reply_json) live_->reply(participant_, *outcome.reply_json);
    read_next();
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
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code),
                                            utf8_prefix(reason, 120, true));
    if (writing_) {
      pending_close_ = true;
    } else {
      start_close();
    }
  }

  void close_now(std::uint16_t code, const std::string& reason) {
    if (closing_) return;
    closing_ = true;
    // A close reason must fit in a control frame (125 bytes with the code),
    // cut on a code-point boundary: it is UTF-8 text (RFC 6455 section 5.5.1).
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code),
                                            utf8_prefix(reason, 120, true));
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
  std::string token_hash_;
  SessionRole role_ = SessionRole::observer;
  std::string team_role_;
  std::atomic<bool> overflowed_{false};
  bool told_observer_ = false;
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

  void on_read(beast::error_code ec, std::size_t n) {
    try {
      handle_read(ec, n);
    } catch (const std::exception& e) {
      spdlog::error("{}: request handling failed: {}", remote_, e.what());
      HttpRequest dummy;
      dummy.version(11);
      write(error_response(dummy, http::status::internal_server_error,
                           make_error(ErrorCode::internal, "internal error")),
            true);
    }
  }

  void handle_read(beast::error_code ec, std::size_t) {
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
    if (websocket::is_upgrade(req)) {
      // The upgrade reads the store: off the network thread, then back.
      auto self = this->shared_from_this();
      auto shared = std::make_shared<HttpRequest>(std::move(req));
      net::post(*server_.workers, [self, shared] {
        auto decision = self->decide_upgrade(*shared);
        net::post(self->stream_.get_executor(),
                  [self, shared, decision = std::move(decision)]() mutable {
                    try {
                      self->finish_upgrade(std::move(*shared), std::move(decision));
                    } catch (const std::exception& e) {
                      spdlog::error("{}: WebSocket upgrade failed: {}", self->remote_, e.what());
                    }
                  });
      });
      return;
    }
    if (!starts_with(req.target(), "/api/")) return write(static_response(server_, req), false);
    auto self = this->shared_from_this();
    auto shared = std::make_shared<HttpRequest>(std::move(req));
    net::post(*server_.workers, [self, shared] {
      auto res = std::make_shared<HttpResponse>(
          handle_api(self->server_.api, *shared,
                     client_address(self->server_.config, *shared, self->remote_)));
      net::post(self->stream_.get_executor(), [self, res] { self->write(std::move(*res), false); });
    });
  }

  // Who may open the session's WebSocket, decided on a worker thread.
  struct UpgradeDecision {
    std::optional<HttpResponse> refusal;
    std::shared_ptr<LiveSession> live;
    std::optional<Caller> caller;
    SessionRole role = SessionRole::observer;
    std::string team_role;
  };

  UpgradeDecision decide_upgrade(const HttpRequest& req) {
    UpgradeDecision d;
    const std::string remote = client_address(server_.config, req, remote_);
    const std::string_view target = req.target();
    const auto fail = [&](const Error& e, const std::string& actor) {
      audit(server_.api, actor, "join", printable_text(target.substr(0, target.find('?')), 200),
            "denied", e.message, remote);
      d.refusal = error_response(req, status_of(e.code), e);
      return d;
    };
    try {
      if (!starts_with(target, "/ws?") && target != "/ws")
        return fail(make_error(ErrorCode::not_found, "WebSocket endpoint is /ws?session=ID"), "");
      // A page of another site must not open a socket with the visitor's cookie.
      if (auto origin = check_origin(server_.api, req); !origin.ok())
        return fail(origin.error(), "");
      auto caller = authenticate(server_.api, req);
      if (!caller.ok()) return fail(caller.error(), "");
      const std::string actor = caller->user.id;
      if (caller->user.must_change_password)
        return fail(make_error(ErrorCode::forbidden, "change your password first"), actor);
      const std::string id = query_param(target, "session");
      if (id.empty() || id.size() > 64 ||
          id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        return fail(make_error(ErrorCode::invalid_input, "missing or malformed ?session=ID"),
                    actor);
      auto record = server_.api.store.get_session(id);
      if (!record.ok())
        return fail(make_error(ErrorCode::not_found, "session " + id + " not found"), actor);
      auto member = membership(server_.api, id, caller->user.id);
      if (!member.ok()) return fail(member.error(), actor);
      if (!*member && caller->user.role != Role::admin)
        return fail(make_error(ErrorCode::forbidden, "you are not a member of session " + id),
                    actor);
      d.role = *member ? (*member)->role : SessionRole::observer;
      d.team_role = *member ? (*member)->team_role : std::string();
      d.live = server_.api.hub.find(id);
      if (!d.live) {
        if (record->status != SessionStatus::running)
          return fail(make_error(ErrorCode::conflict, "session " + id + " has ended"), actor);
        return fail(make_error(ErrorCode::conflict,
                               "session " + id + " runs on instance " +
                                   (record->instance_id.empty() ? std::string("(unknown)")
                                                                : record->instance_id)),
                    actor);
      }
      audit(server_.api, actor, "join", "/api/sessions/" + id, "ok",
            std::string("websocket as ") + to_string(d.role), remote);
      d.caller = std::move(*caller);
    } catch (const std::exception& e) {
      spdlog::error("{}: WebSocket upgrade check failed: {}", remote, e.what());
      d.refusal = error_response(req, http::status::internal_server_error,
                                 make_error(ErrorCode::internal, "internal error"));
    }
    return d;
  }

  void finish_upgrade(HttpRequest req, UpgradeDecision d) {
    if (d.refusal) return write(std::move(*d.refusal), true);
    std::make_shared<WsConnection<Stream>>(std::move(stream_), server_, remote_)
        ->run(std::move(req), std::move(d.live), std::move(*d.caller), d.role,
              std::move(d.team_role));
  }

  void write(HttpResponse res, bool close_after) {
    add_security_headers(res, server_.tls != nullptr);
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

// This instance's id: configured, else kept in <data>/instance.id so that a
// restarted process takes over (and closes) the sessions its predecessor left.
Result<std::string> instance_id_of(const ServerConfig& config) {
  if (!config.instance_id.empty()) return config.instance_id;
  const std::filesystem::path file = std::filesystem::path(config.data_dir) / "instance.id";
  std::ifstream in(file);
  std::string id;
  if (in && std::getline(in, id) && !id.empty() && id.size() <= 64 &&
      id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos)
    return id;
  id = new_id("ins_");
  std::ofstream out(file, std::ios::trunc);
  out << id << "\n";
  if (!out) return make_error(ErrorCode::unavailable, "cannot write " + file.string());
  return id;
}

// Closes the sessions no live instance runs: a final `session_ended` event,
// then ended_abnormally. Another instance sweeping the same session at the
// same moment loses the race on the event's seq and leaves it.
int close_orphans(RecordStore& store, const std::string& restarting_instance) {
  auto orphans = store.list_orphaned_sessions(restarting_instance, wall_time_us());
  if (!orphans.ok()) {
    spdlog::error("cannot look for abandoned sessions: {}", orphans.error().message);
    return 0;
  }
  int closed = 0;
  for (const auto& s : *orphans) {
    auto last = store.last_event_seq(s.id);
    if (!last.ok()) continue;
    std::uint64_t tick = 0;
    if (*last > 0) {
      auto events = store.list_events(s.id, *last - 1, 1);
      if (events.ok() && !events->empty()) tick = events->front().tick;
    }
    const EventRecord ended{
        s.id,
        *last + 1,
        tick,
        wall_time_us(),
        event_type::session_ended,
        nlohmann::json{{"reason", "the server instance running it stopped"}, {"abnormal", true}}
            .dump()};
    if (!store.append_events({ended}).ok()) continue;
    if (!store.end_session(s.id, SessionStatus::ended_abnormally, wall_time_us()).ok()) continue;
    spdlog::warn("session {} ('{}') was left running by instance '{}'; marked ended abnormally",
                 s.id, s.title, s.instance_id);
    ++closed;
  }
  return closed;
}

// Renews this instance's lease every heartbeat, closes the sessions of
// instances whose lease expired, writes the counted unauthenticated refusals
// to the audit and forgets expired tokens.
class Housekeeping : public std::enable_shared_from_this<Housekeeping> {
 public:
  Housekeeping(net::io_context& io, ApiContext& api, InstanceLease lease)
      : timer_(io), api_(api), lease_(std::move(lease)) {}

  void start() { tick(); }
  void stop() {
    net::post(timer_.get_executor(), [self = shared_from_this()] {
      self->stopped_ = true;
      self->timer_.cancel();
    });
  }

 private:
  void tick() {
    if (stopped_) return;
    try {
      const std::int64_t now = wall_time_us();
      lease_.heartbeat_us = now;
      lease_.expires_us = now + api_.config.lease_s * 1'000'000;
      if (auto renewed = api_.store.renew_instance_lease(lease_); !renewed.ok())
        spdlog::error("cannot renew this instance's lease: {}", renewed.error().message);
      close_orphans(api_.store, "");
      if (api_.refusals) {
        for (const auto& [remote, counted] : api_.refusals->drain()) {
          audit(api_, "", "unauthenticated", counted.second, "denied",
                std::to_string(counted.first) + " request(s) without a valid login", remote);
        }
      }
      (void)api_.store.purge_expired_tokens(now);
    } catch (const std::exception& e) {
      spdlog::error("housekeeping failed: {}", e.what());
    }
    timer_.expires_after(std::chrono::seconds(api_.config.heartbeat_s));
    timer_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
      if (!ec) self->tick();
    });
  }

  net::steady_timer timer_;
  ApiContext& api_;
  InstanceLease lease_;
  bool stopped_ = false;
};

// Whether `inner` is `outer` or lies inside it (both resolved).
bool lies_inside(const std::filesystem::path& outer, const std::filesystem::path& inner) {
  std::error_code ec;
  const auto o = std::filesystem::weakly_canonical(outer, ec);
  if (ec) return false;
  const auto i = std::filesystem::weakly_canonical(inner, ec);
  if (ec) return false;
  auto a = o.begin(), b = i.begin();
  for (; a != o.end(); ++a, ++b) {
    if (b == i.end() || *a != *b) return false;
  }
  return true;
}

// The web root is served to anyone: the data folder (the database, the
// record key) and the key file must not lie inside it.
Status check_secrets_outside(const std::string& web_root, const ServerConfig& config) {
  if (web_root.empty()) return {};
  if (lies_inside(web_root, config.data_dir) || lies_inside(config.data_dir, web_root))
    return make_error(ErrorCode::invalid_input,
                      "the data folder " + config.data_dir + " and the web root " + web_root +
                          " overlap: the database and the record key would be served");
  if (!config.record_key_file.empty() && lies_inside(web_root, config.record_key_file))
    return make_error(ErrorCode::invalid_input, "the record key file " + config.record_key_file +
                                                    " lies inside the web root " + web_root);
  return {};
}

// Runs the loop until it is stopped; a handler that throws is logged and the
// loop goes on (the connection it belonged to is dropped with it).
void run_loop(net::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("a network handler failed: {}; serving on", e.what());
    } catch (...) {
      spdlog::error("a network handler failed; serving on");
    }
  }
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
  auto instance = instance_id_of(config);
  if (!instance.ok()) return instance.error();
  const std::string public_url = !config.public_url.empty()
                                     ? config.public_url
                                     : std::string(config.tls() ? "https://" : "http://") +
                                           config.host + ":" + std::to_string(config.port);
  const std::int64_t started_us = wall_time_us();
  // The lease first: then the sweep cannot take this instance for a dead one.
  InstanceLease lease{*instance, public_url, started_us, started_us,
                      started_us + config.lease_s * 1'000'000};
  MV_TRY(store.renew_instance_lease(lease));
  close_orphans(store, *instance);
  MV_TRY(ensure_admin(store));
  auto cipher = library::record_cipher_for(config.data_dir, config.record_key_file);
  if (!cipher.ok()) return cipher.error();

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
  net::thread_pool workers(static_cast<std::size_t>(config.worker_threads));
  LoginThrottles throttle;
  ConnectionRegistry connections;
  RefusalCounter refusals;
  LiveSessionSettings live_settings{config.tick_rate_hz, config.snapshot_rate_hz,
                                    config.session_event_window,
                                    std::chrono::seconds(config.session_idle_s), *instance};
  SessionHub hub(io, store, live_settings,
                 modules::module_factory(resolved.content_root, config.tick_rate_hz));
  auto image_library = start_image_library(store, config);
  if (!image_library.ok()) return image_library.error();
  ApiContext api{store,
                 hub,
                 throttle,
                 resolved,
                 image_library->get(),
                 &connections,
                 &refusals,
                 &*cipher,
                 InstanceInfo{*instance, public_url}};
  const ServerState state{api, resolved, resolve_web_root(config.web_root), tls ? &*tls : nullptr,
                          &workers};
  MV_TRY(check_secrets_outside(state.web_root, config));
  if (state.web_root.empty())
    spdlog::warn("no built web client found; only the API is served (build it with `make demo`)");

  auto listener = std::make_shared<Listener>(io, state);
  auto port = listener->open(config.host, config.port);
  if (!port.ok()) return port.error();
  listener->accept_next();
  auto housekeeping = std::make_shared<Housekeeping>(io, api, lease);
  housekeeping->start();

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: ending {} running session(s)", signal, hub.size());
    listener->stop();
    housekeeping->stop();
    hub.end_all("server shutting down");
    // Give close frames a moment to leave before the loop stops.
    auto timer = std::make_shared<net::steady_timer>(io, std::chrono::milliseconds(200));
    timer->async_wait([&io, timer](const beast::error_code&) { io.stop(); });
  });

  const std::string scheme = tls ? "https" : "http";
  std::printf("MedVision listening on %s://%s:%u (store: %s, instance: %s)\n", scheme.c_str(),
              config.host.c_str(), static_cast<unsigned>(*port), store.backend_name().c_str(),
              instance->c_str());
  if (!fingerprint.empty())
    std::printf("TLS certificate (self-signed) SHA-256 fingerprint: %s\n", fingerprint.c_str());
  std::fflush(stdout);

  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) threads.emplace_back([&io] { run_loop(io); });
  run_loop(io);
  for (auto& t : threads) t.join();
  workers.join();
  // Retire the lease so that another instance may close what is left at once.
  lease.expires_us = wall_time_us();
  (void)store.renew_instance_lease(lease);
  spdlog::info("stopped cleanly");
  return {};
}

}  // namespace medvision
