#include "server/server_config.h"

namespace medvision {

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
                                                "library"};
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
