#pragma once
// Test harness: a real Orthanc (Debian `orthanc` + `orthanc-dicomweb`) on
// random loopback ports with a temporary config and storage folder, as a
// PACS to query and retrieve from. One per test program: it starts in about
// a second.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace medvision::pacs::testing {

struct HttpReply {
  int status = 0;
  std::string body;
};

// A request to 127.0.0.1:port (test side only; the client under test has its own).
HttpReply loopback_request(std::uint16_t port, const std::string& method, const std::string& target,
                           const std::string& body = "");

// A port that was free on 127.0.0.1 a moment ago, never the same twice.
std::uint16_t free_port();

class OrthancProcess {
 public:
  // Starts Orthanc with DICOM AE title "ORTHANC" and `client_aet` listed as
  // a C-MOVE destination at 127.0.0.1:client_move_port. Throws when
  // Orthanc does not start.
  OrthancProcess(const std::filesystem::path& folder, const std::string& client_aet,
                 std::uint16_t client_move_port);
  // POST /tools/shutdown, then waits for the process to end.
  ~OrthancProcess();
  OrthancProcess(const OrthancProcess&) = delete;
  OrthancProcess& operator=(const OrthancProcess&) = delete;

  std::uint16_t http_port() const { return http_port_; }
  std::uint16_t dicom_port() const { return dicom_port_; }
  std::string dicomweb_url() const;
  std::string dimse_url() const;
  // Stores every file of `folder` (POST /instances); returns how many were accepted.
  int upload_folder(const std::filesystem::path& folder) const;
  std::string log() const;

 private:
  std::filesystem::path folder_;
  std::uint16_t http_port_ = 0;
  std::uint16_t dicom_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace medvision::pacs::testing
