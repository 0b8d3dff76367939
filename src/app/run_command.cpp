#include "app/run_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "modules/registry.h"
#include "session/session.h"
#include "session/trace.h"

namespace medvision {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct RunOptions {
  std::string scenario;  // "emergency/acls-vf"
  std::string input;
  std::string report_dir;
  std::string variant;
  std::string content;
  std::uint64_t seed = 1;
  double grace_s = 120.0;
};

fs::path resolve_content_root(const std::string& given) {
  if (!given.empty()) return given;
  const std::string found = find_run_folder("content", "content", "scenarios");
  return found.empty() ? fs::path("content") : fs::path(found);
}

Status write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) return make_error(ErrorCode::unavailable, "cannot write " + path.string());
  return {};
}

Status run(const RunOptions& o) {
  constexpr double kTickRate = 1000.0;
  const fs::path content = resolve_content_root(o.content);
  const std::string kind = o.scenario + (o.variant.empty() ? "" : ":" + o.variant);
  const modules::ScenarioListing listing = modules::list_scenarios(content);
  const auto entry =
      std::find_if(listing.scenarios.begin(), listing.scenarios.end(),
                   [&](const modules::ScenarioEntry& e) { return e.kind == o.scenario; });
  if (entry == listing.scenarios.end()) {
    std::string known;
    for (const auto& e : listing.scenarios) known += (known.empty() ? "" : ", ") + e.kind;
    std::string why = "no scenario '" + o.scenario + "' under " + content.string() +
                      " (there are: " + known + ")";
    for (const auto& error : listing.errors) why += "; " + error;
    return make_error(ErrorCode::invalid_input, why);
  }
  auto module = modules::module_factory(content, kTickRate)(kind, o.seed);
  if (!module.ok()) return module.error();
  auto trace = read_trace_file(o.input);
  if (!trace.ok()) return trace.error();

  Session s(
      SessionSetup{kind, o.seed, kTickRate}, [] { return std::int64_t{0}; }, std::move(*module));
  PlayOptions play;
  play.grace_s = o.grace_s;
  play.progress = [](Tick tick) {
    std::fprintf(stderr, "run: %llu min simulated\n",
                 static_cast<unsigned long long>(tick / 60'000));
  };
  auto played = play_trace(s, *trace, play);
  if (!played.ok()) return played.error();
  std::vector<Event> log = std::move(*played);

  s.finish(log, s.module_finished() ? "scenario ended" : "trace finished");
  auto rest = s.drain_events();
  log.insert(log.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));

  std::error_code ec;
  fs::create_directories(o.report_dir, ec);
  if (ec)
    return make_error(ErrorCode::unavailable,
                      "cannot create " + o.report_dir + ": " + ec.message());
  const records::SessionReport report = modules::session_report(
      records::SessionInfo{"headless", entry->def->title, kind, kTickRate}, log);
  std::string events;
  for (const auto& e : log) {
    events += json{{"seq", e.seq},
                   {"tick", e.tick},
                   {"type", e.type},
                   {"payload", json::parse(e.payload, nullptr, false)}}
                  .dump() +
              "\n";
  }
  MV_TRY(write_file(fs::path(o.report_dir) / "report.json", report.json.dump(2) + "\n"));
  MV_TRY(write_file(fs::path(o.report_dir) / "report.html", report.html));
  MV_TRY(write_file(fs::path(o.report_dir) / "events.jsonl", events));
  std::printf("%s: outcome %s, score %.0f/100 (%s; proficiency %.0f), %zu events\n", kind.c_str(),
              report.json["outcome"].get<std::string>().c_str(), report.json["score"].get<double>(),
              report.json["passed"].get<bool>() ? "passed" : "not passed",
              report.json["proficiency"].get<double>(), log.size());
  for (const auto& f : report.json["feedback"])
    std::printf("  - %s\n", f.get<std::string>().c_str());
  std::printf("report: %s/report.html\n", o.report_dir.c_str());
  return {};
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run", "Play a scenario headless from a trace and write its debrief report");
  cmd->add_option("scenario", options->scenario,
                  "Scenario, e.g. emergency/acls-vf or laparoscopy/peg-transfer")
      ->required();
  cmd->add_option("--input", options->input, "Trace of the team's actions (JSON lines)")
      ->required();
  cmd->add_option("--report", options->report_dir,
                  "Folder for report.json, report.html and events.jsonl")
      ->required();
  cmd->add_option("--variant", options->variant, "Scenario variant (e.g. a reversible cause)");
  cmd->add_option("--seed", options->seed, "Seed for the patient's chance events (default 1)");
  cmd->add_option("--content", options->content, "Content folder (default ./content)");
  cmd->add_option(
      "--grace", options->grace_s,
      "Seconds simulated after the trace's last line unless the scenario ends first (default 120)");
  cmd->callback([options] {
    const Status done = run(*options);
    if (!done.ok()) {
      std::fprintf(stderr, "medvision run: %s\n", done.error().message.c_str());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace medvision
