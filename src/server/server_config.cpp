#include "server/server_config.h"

#include <type_traits>

namespace medvision {
namespace {

// "a, b,c" -> {"a", "b", "c"}; empty items are dropped.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& server_config_keys() {
  static const std::vector<std::string> keys = {"host",
                                                "port",
                                                "db",
                                                "data",
                                                "web-root",
                                                "tls-cert",
                                                "tls-key",
                                                "tls-self-signed",
                                                "threads",
                                                "tick-rate",
                                                "snapshot-rate",
                                                "token-ttl",
                                                "max-frame-bytes",
                                                "max-frame-rate",
                                                "max-body-bytes",
                                                "log-level",
                                                "content",
                                                "library",
                                                "allowed-origins",
                                                "trusted-proxies",
                                                "session-event-window",
                                                "session-idle",
                                                "max-send-queue",
                                                "max-running-sessions",
                                                "max-model-builds",
                                                "max-sockets",
                                                "worker-threads",
                                                "emergency-access",
                                                "invite-ttl",
                                                "instance-id",
                                                "public-url",
                                                "lease",
                                                "heartbeat",
                                                "record-key-file"};
  return keys;
}

Result<ServerConfig> read_server_config(const ConfigLayers& layers) {
  ServerConfig c;
  auto str = [&](const char* key, std::string& out) -> Status {
    auto v = layers.get_string(key, out);
    if (!v.ok()) return v.error();
    out = *v;
    return {};
  };
  MV_TRY(str("host", c.host));
  MV_TRY(str("db", c.db));
  MV_TRY(str("data", c.data_dir));
  MV_TRY(str("web-root", c.web_root));
  MV_TRY(str("content", c.content_root));
  MV_TRY(str("tls-cert", c.tls_cert));
  MV_TRY(str("tls-key", c.tls_key));
  MV_TRY(str("log-level", c.log_level));
  MV_TRY(str("library", c.library));
  if (c.library != "bundled" && c.library != "none") {
    return make_error(ErrorCode::invalid_input,
                      "--library must be 'bundled' or 'none', not '" + c.library + "'");
  }

  const auto port = layers.get_int("port", c.port, 0, 65535);
  if (!port.ok()) return port.error();
  c.port = static_cast<std::uint16_t>(*port);
  const auto threads = layers.get_int("threads", c.threads, 1, 64);
  if (!threads.ok()) return threads.error();
  c.threads = static_cast<int>(*threads);
  const auto self_signed = layers.get_bool("tls-self-signed", false);
  if (!self_signed.ok()) return self_signed.error();
  c.tls_self_signed = *self_signed;
  const auto tick = layers.get_double("tick-rate", c.tick_rate_hz, 10, 10000);
  if (!tick.ok()) return tick.error();
  c.tick_rate_hz = *tick;
  const auto snap = layers.get_double("snapshot-rate", c.snapshot_rate_hz, 1, 240);
  if (!snap.ok()) return snap.error();
  c.snapshot_rate_hz = *snap;
  const auto ttl = layers.get_int("token-ttl", c.token_ttl_s, 60, 30LL * 24 * 3600);
  if (!ttl.ok()) return ttl.error();
  c.token_ttl_s = *ttl;
  const auto frame = layers.get_int("max-frame-bytes", static_cast<std::int64_t>(c.max_frame_bytes),
                                    128, 16 << 20);
  if (!frame.ok()) return frame.error();
  c.max_frame_bytes = static_cast<std::size_t>(*frame);
  const auto rate = layers.get_double("max-frame-rate", c.max_frames_per_second, 1, 10000);
  if (!rate.ok()) return rate.error();
  c.max_frames_per_second = *rate;
  const auto body = layers.get_int("max-body-bytes", static_cast<std::int64_t>(c.max_body_bytes),
                                   1024, 1LL << 30);
  if (!body.ok()) return body.error();
  c.max_body_bytes = static_cast<std::size_t>(*body);

  std::string origins, proxies;
  MV_TRY(str("allowed-origins", origins));
  MV_TRY(str("trusted-proxies", proxies));
  c.allowed_origins = split_list(origins);
  c.trusted_proxies = split_list(proxies);
  for (const auto& o : c.allowed_origins) {
    if (!(o.starts_with("http://") || o.starts_with("https://")) || o.back() == '/') {
      return make_error(
          ErrorCode::invalid_input,
          "--allowed-origins: '" + o + "' is not an origin like https://medvision.example.org");
    }
  }
  MV_TRY(str("instance-id", c.instance_id));
  MV_TRY(str("public-url", c.public_url));
  MV_TRY(str("record-key-file", c.record_key_file));
  auto int_setting = [&](const char* key, auto& out, std::int64_t min, std::int64_t max) -> Status {
    const auto v = layers.get_int(key, static_cast<std::int64_t>(out), min, max);
    if (!v.ok()) return v.error();
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return {};
  };
  MV_TRY(int_setting("session-event-window", c.session_event_window, 10, 1'000'000));
  MV_TRY(int_setting("session-idle", c.session_idle_s, 1, 7 * 24 * 3600));
  MV_TRY(int_setting("max-send-queue", c.max_send_queue_frames, 16, 1'000'000));
  MV_TRY(int_setting("max-running-sessions", c.max_running_sessions_per_user, 1, 10'000));
  MV_TRY(int_setting("max-model-builds", c.max_model_builds_per_user, 1, 1'000));
  MV_TRY(int_setting("max-sockets", c.max_sockets_per_user, 1, 10'000));
  MV_TRY(int_setting("worker-threads", c.worker_threads, 1, 64));
  MV_TRY(int_setting("emergency-access", c.emergency_access_s, 60, 24 * 3600));
  MV_TRY(int_setting("invite-ttl", c.invite_ttl_s, 60, 365LL * 24 * 3600));
  MV_TRY(int_setting("lease", c.lease_s, 2, 3600));
  MV_TRY(int_setting("heartbeat", c.heartbeat_s, 1, 3600));
  if (c.heartbeat_s >= c.lease_s) {
    return make_error(ErrorCode::invalid_input, "--heartbeat (" + std::to_string(c.heartbeat_s) +
                                                    " s) must be shorter than --lease (" +
                                                    std::to_string(c.lease_s) + " s)");
  }
  if (c.instance_id.size() > 64 ||
      c.instance_id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
          std::string::npos) {
    return make_error(ErrorCode::invalid_input,
                      "--instance-id must be at most 64 of a-z, 0-9, '_' and '-'");
  }

  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return make_error(ErrorCode::invalid_input, "--tls-cert and --tls-key must be given together");
  }
  if (c.tls_self_signed && !c.tls_cert.empty()) {
    return make_error(ErrorCode::invalid_input,
                      "use either --tls-self-signed or --tls-cert/--tls-key, not both");
  }
  return c;
}

}  // namespace medvision
