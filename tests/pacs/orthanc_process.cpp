#include "orthanc_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace medvision::pacs::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

HttpReply loopback_request(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body) {
  HttpReply reply;
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(30s);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "127.0.0.1");
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 30);
    http::read(stream, buffer, parser);
    reply.status = static_cast<int>(parser.get().result_int());
    reply.body = parser.get().body();
  } catch (const std::exception&) {
    reply.status = 0;
  }
  return reply;
}

std::uint16_t free_port() {
  // The kernel may hand out the same free port twice in a row; Orthanc's two
  // ports and our move port must differ.
  static std::set<std::uint16_t> given;
  for (;;) {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(
        io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const std::uint16_t port = acceptor.local_endpoint().port();
    if (given.insert(port).second) return port;
  }
}

OrthancProcess::OrthancProcess(const std::filesystem::path& folder, const std::string& client_aet,
                               std::uint16_t client_move_port)
    : folder_(folder), http_port_(free_port()), dicom_port_(free_port()) {
  // FIELD-NOTES: Orthanc cannot bind to loopback only; the ports are random and high.
  const nlohmann::json config = {
      {"Name", "medvision-test"},
      {"StorageDirectory", (folder / "storage").string()},
      {"IndexDirectory", (folder / "storage").string()},
      {"HttpPort", http_port_},
      {"DicomPort", dicom_port_},
      {"DicomAet", "ORTHANC"},
      {"RemoteAccessAllowed", false},
      {"AuthenticationEnabled", false},
      {"Plugins", {"/usr/share/orthanc/plugins/libOrthancDicomWeb.so"}},
      {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
      {"DicomModalities", {{"medvision", {client_aet, "127.0.0.1", client_move_port}}}},
  };
  std::ofstream(folder / "orthanc.json") << config.dump(2);
  const std::string config_path = (folder / "orthanc.json").string();
  const std::string log_path = (folder / "orthanc.log").string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("cannot fork Orthanc");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // no Orthanc left behind by a crashed test
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log >= 0) {
      ::dup2(log, 1);
      ::dup2(log, 2);
    }
    ::execlp("Orthanc", "Orthanc", config_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (loopback_request(http_port_, "GET", "/system").status == 200) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("Orthanc exited at start: " + log());
    }
    std::this_thread::sleep_for(50ms);
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  throw std::runtime_error("Orthanc did not answer within 20 s: " + log());
}

OrthancProcess::~OrthancProcess() {
  if (pid_ <= 0) return;
  loopback_request(http_port_, "POST", "/tools/shutdown");
  // Waiting for the exit frees the database (FIELD-NOTES: "database is locked").
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
}

std::string OrthancProcess::dicomweb_url() const {
  return "http://127.0.0.1:" + std::to_string(http_port_) + "/dicom-web";
}

std::string OrthancProcess::dimse_url() const {
  return "dicom://ORTHANC@127.0.0.1:" + std::to_string(dicom_port_);
}

int OrthancProcess::upload_folder(const std::filesystem::path& folder) const {
  int stored = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (loopback_request(http_port_, "POST", "/instances", read_file(entry.path())).status == 200)
      ++stored;
  return stored;
}

std::string OrthancProcess::log() const { return read_file(folder_ / "orthanc.log"); }

}  // namespace medvision::pacs::testing
