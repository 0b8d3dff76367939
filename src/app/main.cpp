// `medvision`: the command line of the MedVision platform.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/import_command.h"
#include "app/keys_command.h"
#include "app/model_command.h"
#include "app/pacs_command.h"
#include "app/physio_command.h"
#include "app/plan_command.h"
#include "app/run_command.h"
#include "core/config.h"
#include "core/log.h"
#include "modules/registry.h"
#include "server/route_table.h"
#include "server/server.h"
#include "server/server_config.h"

extern char** environ;

int main(int argc, char** argv) {
  using namespace medvision;
  CLI::App app{"MedVision: an open platform for immersive medicine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", MEDVISION_VERSION);

  auto* serve_cmd = app.add_subcommand("serve", "Serve the platform over HTTP(S) and WebSocket");
  std::map<std::string, std::string> given;
  std::string config_file;
  serve_cmd->add_option("--config", config_file,
                        "Config file of 'key = value' lines (also MEDVISION_CONFIG)");
  const std::map<std::string, std::string> help = {
      {"host", "Address to listen on (default 127.0.0.1; 0.0.0.0 for the LAN)"},
      {"port", "TCP port (default 8080; 0 picks a free one)"},
      {"db",
       "Records store: sqlite:PATH or postgres://user@host:port/dbname (default "
       "sqlite:<data>/medvision.db)"},
      {"data", "Data folder (default ./var)"},
      {"web-root", "Folder of the built web client (default ./web/dist)"},
      {"content", "Content folder: scenarios, physiology presets (default ./content)"},
      {"tls-cert", "TLS certificate chain (PEM)"},
      {"tls-key", "TLS private key (PEM)"},
      {"threads", "Network threads (default 2)"},
      {"tick-rate", "Session ticks per second (default 1000)"},
      {"snapshot-rate", "Snapshots per second to each client (default 90)"},
      {"token-ttl", "Login lifetime in seconds (default 43200)"},
      {"max-frame-bytes", "Largest WebSocket frame accepted (default 65536)"},
      {"max-frame-rate", "Most WebSocket frames per second per connection (default 240)"},
      {"max-body-bytes", "Largest HTTP request body (default 1048576)"},
      {"log-level", "trace, debug, info, warn, error or off (default info)"},
      {"library",
       "bundled: build the bundled anatomy (Colin27 + AAL atlas, head CT) in the background at "
       "first start (the default); none: do not"},
      {"allowed-origins",
       "Origins allowed besides the server's own, comma-separated (https://host behind a proxy)"},
      {"trusted-proxies", "Proxy addresses whose X-Forwarded-For is believed, comma-separated"},
      {"session-event-window", "Events a running session keeps in memory (default 2000)"},
      {"session-idle", "Seconds without a connected member before a session ends (default 900)"},
      {"max-send-queue", "Frames queued to one socket before it is closed (default 512)"},
      {"max-running-sessions", "Running sessions one user may have created (default 10)"},
      {"max-model-builds", "Model builds one user may run at once (default 2)"},
      {"max-sockets", "WebSocket connections one user may hold (default 8)"},
      {"worker-threads", "Request handler threads (default 2)"},
      {"emergency-access", "Seconds emergency access to a patient lasts (default 3600)"},
      {"invite-ttl", "Longest life of a session invite code, in seconds (default 604800)"},
      {"instance-id", "This instance's id (default: kept in <data>/instance.id)"},
      {"public-url", "How clients reach this instance (default http(s)://host:port)"},
      {"lease", "Instance lease in seconds (default 30)"},
      {"heartbeat", "Lease renewal period in seconds (default 10)"},
      {"record-key-file",
       "File holding the record key, outside the data folder (default MEDVISION_RECORD_KEY, else "
       "<data>/record.key)"},
  };
  for (const auto& key : server_config_keys()) {
    if (key == "tls-self-signed") {
      serve_cmd->add_flag_callback(
          "--tls-self-signed", [&given] { given["tls-self-signed"] = "true"; },
          "Serve HTTPS with a self-signed certificate kept in <data>/tls");
      continue;
    }
    const auto it = help.find(key);
    serve_cmd
        ->add_option_function<std::string>(
            "--" + key, [&given, key](const std::string& v) { given[key] = v; },
            it == help.end() ? "" : it->second)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }

  app.add_subcommand("routes", "Print the REST route table as docs/api.md shows it")->callback([] {
    std::fputs(route_table_markdown().c_str(), stdout);
  });

  app.add_subcommand("modules",
                     "Print every module's client-facing specs (GET /api/modules) as JSON")
      ->callback([] {
        nlohmann::json out = nlohmann::json::array();
        for (const auto* m : modules::all_modules()) out.push_back(modules::module_json(*m));
        std::printf("%s\n", out.dump(1).c_str());
      });
  add_physio_commands(app);
  add_run_command(app);
  add_plan_command(app);
  add_import_command(app);
  add_keys_command(app);
  add_model_command(app);
  add_pacs_command(app);

  CLI11_PARSE(app, argc, argv);

  if (serve_cmd->parsed()) {
    ConfigLayers layers;
    for (const auto& [k, v] : given) layers.set_command_line(k, v);
    layers.read_environment(server_config_keys(), environ);
    if (config_file.empty()) {
      if (const char* env = std::getenv("MEDVISION_CONFIG")) config_file = env;
    }
    if (!config_file.empty()) {
      const Status read = layers.read_file(config_file, server_config_keys());
      if (!read.ok()) {
        std::fprintf(stderr, "medvision: %s\n", read.error().message.c_str());
        return 2;
      }
    }
    auto config = read_server_config(layers);
    if (!config.ok()) {
      std::fprintf(stderr, "medvision: %s\n", config.error().message.c_str());
      return 2;
    }
    const Status logging = init_logging(config->log_level);
    if (!logging.ok()) {
      std::fprintf(stderr, "medvision: %s\n", logging.error().message.c_str());
      return 2;
    }
    const Status served = serve(*config);
    if (!served.ok()) {
      spdlog::error("{}", served.error().message);
      std::fprintf(stderr, "medvision: %s\n", served.error().message.c_str());
      return 1;
    }
  }
  return 0;
}
