#pragma once
// Test harness: runs the real `medvision` binary on a free loopback port with
// a temporary data folder, and talks to it over HTTP and WebSocket.

#include <sys/types.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace medvision::testing {

// A fresh temporary folder, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  // Starts `medvision serve --host 127.0.0.1 --port 0 --data DIR [extra]` and
  // waits until it prints its address.
  ServerProcess(const std::string& data_dir, std::vector<std::string> extra_args = {},
                std::map<std::string, std::string> env = {});
  ~ServerProcess();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string stdout_text();
  std::string stderr_text() const;

  void kill9();
  // SIGTERM, then waits; returns the exit status (-1 if it had to be killed).
  int terminate();
  bool running();

 private:
  void drain_stdout();
  std::string data_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int stdout_fd_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::string out_;
  std::string err_path_;
};

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const;
};

HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::string& body = "", const std::string& token = "",
                        const std::map<std::string, std::string>& headers = {});
std::string login(int port, const std::string& username, const std::string& password);
// Creates a user through the API as `admin_token`; returns its id.
std::string create_user(int port, const std::string& admin_token, const std::string& username,
                        const std::string& role, const std::string& password = "correct horse");

// Sends `bytes` as they are (any request, well-formed or not) and returns
// what the server answered until it closed or `timeout_s` passed; status is
// the status line's code (0 when there was none).
struct RawResult {
  int status = 0;
  std::string text;  // the whole answer, headers and body
};
RawResult raw_http(int port, const std::string& bytes, double timeout_s = 3.0);

// A WebSocket upgrade of `target` with `headers`; the status the server
// answered with (101 when it upgraded).
int ws_upgrade_status(int port, const std::string& target,
                      const std::map<std::string, std::string>& headers);

// A WebSocket participant using protocol v2.
class WsClient {
 public:
  WsClient(int port, const std::string& session_id, const std::string& token);
  // With extra handshake headers (Origin, Cookie) instead of the bearer token.
  WsClient(int port, const std::string& session_id,
           const std::map<std::string, std::string>& headers);
  ~WsClient();

  void send_binary(const std::string& frame);
  void send_text(const std::string& text);
  // Next frame from the server; nullopt when the connection closed (then
  // close_code()/close_reason() say why) or on timeout.
  std::optional<std::string> read(double timeout_s = 5.0);
  int close_code() const { return close_code_; }
  const std::string& close_reason() const { return close_reason_; }
  bool closed() const { return closed_; }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<boost::beast::websocket::stream<boost::asio::ip::tcp::socket>> ws_;
  boost::beast::flat_buffer buffer_;
  int close_code_ = 0;
  std::string close_reason_;
  bool closed_ = false;
};

// Decoded server frames (independent of the server's own codec).
struct BodyOnWire {
  std::uint32_t id;
  float position[3];
  float orientation[4];
};
struct ServerFrame {
  std::uint8_t type = 0;
  std::uint32_t tick = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t participant = 0;
  std::vector<BodyOnWire> bodies;
  nlohmann::json json;  // EVENTS: the array of events; REPLY: the answer
};
ServerFrame parse_server_frame(const std::string& frame);

// An INPUT frame built by hand from docs/protocol.md.
std::string input_frame(std::uint32_t seq, const float right_hand[3], bool grip);
// An ACTION (0x02) or CONTROL (0x03) frame with `body` as its JSON text.
std::string json_frame(std::uint8_t type, std::uint32_t seq, const std::string& body);

}  // namespace medvision::testing
