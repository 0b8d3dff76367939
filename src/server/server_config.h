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

  // Requests from other sites (docs/security.md). Origins allowed besides the
  // server's own (scheme://host[:port], comma-separated): for deployments
  // behind a reverse proxy whose public address differs from --host/--port.
  std::vector<std::string> allowed_origins;
  // Proxies whose X-Forwarded-For is believed for the client address.
  std::vector<std::string> trusted_proxies;

  // Limits (docs/security.md lists them with their defaults).
  std::size_t session_event_window = 2000;    // events a running session keeps in memory
  std::int64_t session_idle_s = 900;          // no member connected this long: aborted
  std::size_t max_send_queue_frames = 512;    // frames queued to one socket before it is closed
  int max_running_sessions_per_user = 10;     // sessions a user created that are still running
  int max_model_builds_per_user = 2;          // model builds of one user at once
  int max_sockets_per_user = 8;               // WebSocket connections of one user at once
  int worker_threads = 2;                     // request handlers (store, password hashing)
  std::int64_t emergency_access_s = 3600;     // how long break-the-glass access lasts
  std::int64_t invite_ttl_s = 7 * 24 * 3600;  // default lifetime of a session invite code

  // Instances sharing one store (docs/security.md, "Several instances").
  std::string instance_id;  // "" means the id kept in <data>/instance.id
  std::string public_url;   // how clients reach this instance ("" means http(s)://host:port)
  std::int64_t lease_s = 30;
  std::int64_t heartbeat_s = 10;

  // Encryption at rest: a file holding the record key (64 hex digits), kept
  // outside the data folder so that it is not in the database's backup;
  // "" means MEDVISION_RECORD_KEY, else <data>/record.key.
  std::string record_key_file;

  bool tls() const { return tls_self_signed || !tls_cert.empty(); }
  std::string db_url() const { return db.empty() ? "sqlite:" + data_dir + "/medvision.db" : db; }
};

// The keys accepted on the command line, as MEDVISION_<KEY> and in the file.
const std::vector<std::string>& server_config_keys();

Result<ServerConfig> read_server_config(const ConfigLayers& layers);

}  // namespace medvision
