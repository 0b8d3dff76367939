#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace medvision::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

TempDir::TempDir() {
  char name[] = "/tmp/medvision-test-XXXXXX";
  if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = name;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(const std::string& data_dir, std::vector<std::string> extra_args,
                             std::map<std::string, std::string> env)
    : data_dir_(data_dir), err_path_(data_dir + "/server-stderr.log") {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {MEDVISION_BINARY, "serve", "--host", "127.0.0.1",
                                   "--port",         "0",     "--data", data_dir,
                                   "--log-level",    "info"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (err >= 0) dup2(err, STDERR_FILENO);
    close(pipe_fds[0]);
    // Tests skip the bundled anatomy unless they ask for it (--library
    // bundled on the command line wins over this).
    setenv("MEDVISION_LIBRARY", "none", 1);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  reader_ = std::thread([this] { drain_stdout(); });

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const std::string marker = "listening on http";
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = stdout_text();
    const auto at = text.find(marker);
    if (at != std::string::npos) {
      const auto colon = text.find(':', text.find("127.0.0.1", at));
      const auto end = text.find_first_not_of("0123456789", colon + 1);
      if (colon != std::string::npos && end != std::string::npos) {
        port_ = std::stoi(text.substr(colon + 1, end - colon - 1));
        return;
      }
    }
    if (!running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string message =
      "medvision did not start; stdout:\n" + stdout_text() + "\nstderr:\n" + stderr_text();
  if (running()) kill9();
  reader_.join();
  close(stdout_fd_);
  throw std::runtime_error(message);
}

ServerProcess::~ServerProcess() {
  if (running()) terminate();
  if (reader_.joinable()) reader_.join();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

void ServerProcess::drain_stdout() {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) return;
    std::lock_guard lock(mu_);
    out_.append(buf, static_cast<std::size_t>(n));
  }
}

std::string ServerProcess::stdout_text() {
  std::lock_guard lock(mu_);
  return out_;
}

std::string ServerProcess::stderr_text() const {
  std::ifstream in(err_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill9();
  return -1;
}

nlohmann::json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::string& body, const std::string& token,
                        const std::map<std::string, std::string>& headers) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  // A server may answer before the whole body is sent (413) and stop reading:
  // the write then fails, but the answer is there to read.
  beast::error_code write_ec;
  http::write(stream, req, write_ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

std::string login(int port, const std::string& username, const std::string& password) {
  const auto res =
      http_request(port, "POST", "/api/login",
                   nlohmann::json{{"username", username}, {"password", password}}.dump());
  if (res.status != 200) throw std::runtime_error("login as " + username + " failed: " + res.body);
  return res.json()["token"].get<std::string>();
}

std::string create_user(int port, const std::string& admin_token, const std::string& username,
                        const std::string& role, const std::string& password) {
  const auto res = http_request(
      port, "POST", "/api/users",
      nlohmann::json{{"username", username}, {"password", password}, {"role", role}}.dump(),
      admin_token);
  if (res.status != 201) throw std::runtime_error("creating " + username + " failed: " + res.body);
  return res.json()["id"].get<std::string>();
}

WsClient::WsClient(int port, const std::string& session_id, const std::string& token) {
  tcp::socket socket(io_);
  socket.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  ws_ = std::make_unique<websocket::stream<tcp::socket>>(std::move(socket));
  ws_->set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
    req.set(http::field::authorization, "Bearer " + token);
  }));
  ws_->handshake("127.0.0.1", "/ws?session=" + session_id);
  ws_->binary(true);
}

WsClient::WsClient(int port, const std::string& session_id,
                   const std::map<std::string, std::string>& headers) {
  tcp::socket socket(io_);
  socket.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  ws_ = std::make_unique<websocket::stream<tcp::socket>>(std::move(socket));
  ws_->set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  ws_->handshake("127.0.0.1", "/ws?session=" + session_id);
  ws_->binary(true);
}

RawResult raw_http(int port, const std::string& bytes, double timeout_s) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  beast::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
  RawResult out;
  std::array<char, 4096> chunk;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout_s));
  socket.non_blocking(true);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::size_t n = socket.read_some(net::buffer(chunk), ec);
    if (ec == net::error::would_block) {
      // A whole answer (headers and a Content-Length body) ends the wait.
      const auto head_end = out.text.find("\r\n\r\n");
      if (head_end != std::string::npos && out.text.rfind("HTTP/1.1 101", 0) == 0) break;
      if (head_end != std::string::npos) {
        const auto cl = out.text.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end) {
          const std::size_t length = std::stoul(out.text.substr(cl + 16));
          if (out.text.size() >= head_end + 4 + length) break;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) break;
    out.text.append(chunk.data(), n);
  }
  if (out.text.rfind("HTTP/1.1 ", 0) == 0 && out.text.size() >= 12)
    out.status = std::atoi(out.text.substr(9, 3).c_str());
  socket.close(ec);
  return out;
}

int ws_upgrade_status(int port, const std::string& target,
                      const std::map<std::string, std::string>& headers) {
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "\r\n";
  return raw_http(port, req, 2.0).status;
}

WsClient::~WsClient() {
  beast::error_code ec;
  if (!closed_) ws_->close(websocket::close_code::normal, ec);
}

void WsClient::send_binary(const std::string& frame) {
  ws_->binary(true);
  beast::error_code ec;
  ws_->write(net::buffer(frame), ec);
}

void WsClient::send_text(const std::string& text) {
  ws_->text(true);
  beast::error_code ec;
  ws_->write(net::buffer(text), ec);
  ws_->binary(true);
}

std::optional<std::string> WsClient::read(double timeout_s) {
  if (closed_) return std::nullopt;
  buffer_.clear();
  bool done = false;
  beast::error_code ec;
  ws_->async_read(buffer_, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  io_.restart();
  io_.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(timeout_s)));
  if (!done) {
    // Timed out: cancel the read; the connection is not used again.
    beast::error_code ignored;
    ws_->next_layer().cancel(ignored);
    io_.restart();
    io_.run();
    closed_ = true;
    return std::nullopt;
  }
  if (ec) {
    closed_ = true;
    close_code_ = ws_->reason().code;
    close_reason_ = std::string(ws_->reason().reason.c_str());
    return std::nullopt;
  }
  return beast::buffers_to_string(buffer_.data());
}

namespace {

std::uint32_t u32_at(const std::string& f, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(f.at(at + static_cast<std::size_t>(i)));
  return v;
}

float f32_at(const std::string& f, std::size_t at) {
  const std::uint32_t bits = u32_at(f, at);
  float v;
  std::memcpy(&v, &bits, 4);
  return v;
}

void put_u32(std::string& f, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) f.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_f32(std::string& f, float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  put_u32(f, bits);
}

}  // namespace

ServerFrame parse_server_frame(const std::string& f) {
  ServerFrame out;
  out.type = static_cast<std::uint8_t>(f.at(1));
  out.tick = u32_at(f, 4);
  out.seq = u32_at(f, 8);
  out.ack = u32_at(f, 12);
  if (out.type == 0x10) {
    out.participant = u32_at(f, 16);
    const std::uint32_t n = u32_at(f, 20);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::size_t at = 24 + i * 52;
      BodyOnWire b{u32_at(f, at), {}, {}};
      for (int k = 0; k < 3; ++k)
        b.position[k] = f32_at(f, at + 24 + 4 * static_cast<std::size_t>(k));
      for (int k = 0; k < 4; ++k)
        b.orientation[k] = f32_at(f, at + 36 + 4 * static_cast<std::size_t>(k));
      out.bodies.push_back(b);
    }
  } else if (out.type == 0x11) {
    const std::uint32_t n = u32_at(f, 16);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::size_t at = 20 + i * 32;
      BodyOnWire b{u32_at(f, at), {}, {}};
      for (int k = 0; k < 3; ++k)
        b.position[k] = f32_at(f, at + 4 + 4 * static_cast<std::size_t>(k));
      for (int k = 0; k < 4; ++k)
        b.orientation[k] = f32_at(f, at + 16 + 4 * static_cast<std::size_t>(k));
      out.bodies.push_back(b);
    }
  } else if (out.type == 0x12) {
    out.json = nlohmann::json::parse(f.substr(16));
  } else if (out.type == 0x13) {
    out.json = nlohmann::json::parse(f.substr(12));
  }
  return out;
}

std::string json_frame(std::uint8_t type, std::uint32_t seq, const std::string& body) {
  std::string f;
  f.push_back(2);  // version (docs/protocol.md)
  f.push_back(static_cast<char>(type));
  f.append(2, '\0');  // flags
  f.append(4, '\0');  // tick
  for (int i = 0; i < 4; ++i) f.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  return f + body;
}

std::string input_frame(std::uint32_t seq, const float right_hand[3], bool grip) {
  std::string f;
  f.push_back(2);     // version (docs/protocol.md)
  f.push_back(0x01);  // INPUT
  f.push_back(0);
  f.push_back(0);
  put_u32(f, 0);
  put_u32(f, seq);
  const float head[7] = {0, 1.6f, 0.4f, 0, 0, 0, 1};
  for (float v : head) put_f32(f, v);
  const float left[7] = {-0.3f, 1.0f, 0, 0, 0, 0, 1};
  for (float v : left) put_f32(f, v);
  put_u32(f, 0);
  for (int i = 0; i < 3; ++i) put_f32(f, right_hand[i]);
  const float q[4] = {0, 0, 0, 1};
  for (float v : q) put_f32(f, v);
  put_u32(f, grip ? 2u : 0u);
  return f;
}

}  // namespace medvision::testing
