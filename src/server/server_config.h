#pragma once
// Settings of `medvision serve`, resolved from command line > MEDVISION_*
// environment > config file > defaults (see read_server_config).

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"

namespace medvision {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string db;  // "" means sqlite:<data>/medvision.db
  std::string data_dir = "var";
  std::string web_root;      // "" means the first of ./web/dist, <exe>/../share/medvision/web
  std::string content_root;  // "" means the first of ./content, <exe>/../share/medvision/content
  std::string tls_cert, tls_key;  // PEM files
  bool tls_self_signed = false;
  int threads = 2;
  double tick_rate_hz = 1000.0;
  double snapshot_rate_hz = 90.0;
  std::int64_t token_ttl_s = 12 * 3600;
  std::size_t max_frame_bytes = 64 * 1024;
  double max_frames_per_second = 240.0;
  std::size_t max_body_bytes = 1024 * 1024;
  std::string log_level = "info";
  // "bundled": build the bundled anatomy (Colin27 + AAL, head CT) in the
  // background at first start; "none": do not (tests that do not need it).
  std::string library = "bundled";

  bool tls() const { return tls_self_signed || !tls_cert.empty(); }
  std::string db_url() const { return db.empty() ? "sqlite:" + data_dir + "/medvision.db" : db; }
};

// The keys accepted on the command line, as MEDVISION_<KEY> and in the file.
const std::vector<std::string>& server_config_keys();

Result<ServerConfig> read_server_config(const ConfigLayers& layers);

}  // namespace medvision
