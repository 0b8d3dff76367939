#include "app/run_command.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "modules/emergency/emergency_assessment.h"
#include "modules/emergency/emergency_module.h"
#include "session/session.h"
#include "store/session_report.h"

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
  double grace_s = 10.0;
};

// One line of a trace: who does what, when.
struct TraceEntry {
  double t_s = 0;
  int line = 0;
  json body;
};

Result<std::vector<TraceEntry>> read_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::not_found, "trace " + path + " cannot be opened");
  std::vector<TraceEntry> out;
  std::string text;
  int line = 0;
  const std::string name = fs::path(path).filename().string();
  while (std::getline(in, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos || text[text.find_first_not_of(" \t")] == '#') continue;
    const auto where = name + " line " + std::to_string(line) + ": ";
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return make_error(ErrorCode::invalid_input, where + "not a JSON object");
    if (!j.contains("t") || !j["t"].is_number() || !std::isfinite(j["t"].get<double>()) || j["t"].get<double>() < 0) {
      return make_error(ErrorCode::invalid_input, where + "`t` (seconds) must be a number >= 0");
    }
    const double t = j["t"].get<double>();
    if (!out.empty() && t < out.back().t_s) {
      return make_error(ErrorCode::invalid_input, where + "times must not go backwards (" + std::to_string(t) + " s after " +
                                                      std::to_string(out.back().t_s) + " s)");
    }
    const int kinds = (j.contains("join") ? 1 : 0) + (j.contains("action") ? 1 : 0) + (j.contains("cue") ? 1 : 0) +
                      (j.contains("pause") ? 1 : 0) + (j.contains("resume") ? 1 : 0) + (j.contains("observation") ? 1 : 0);
    if (kinds != 1) {
      return make_error(ErrorCode::invalid_input,
                        where + "expected exactly one of `join`, `action`, `cue`, `pause`, `resume`, `observation`");
    }
    out.push_back(TraceEntry{t, line, std::move(j)});
  }
  return out;
}

fs::path resolve_content_root(const std::string& given) {
  if (!given.empty()) return given;
  std::error_code ec;
  if (fs::is_directory("content/scenarios", ec)) return fs::absolute("content");
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const auto& candidate : {exe.parent_path() / ".." / ".." / ".." / "content",
                                  exe.parent_path() / ".." / "share" / "medvision" / "content"}) {
      if (fs::is_directory(candidate / "scenarios", ec)) return candidate.lexically_normal();
    }
  }
  return "content";
}

Status apply_entry(Session& s, const TraceEntry& e, std::map<std::string, int>& people, const std::string& source) {
  const json& j = e.body;
  const auto where = source + " line " + std::to_string(e.line) + ": ";
  if (j.contains("join")) {
    if (!j["join"].is_string()) return make_error(ErrorCode::invalid_input, where + "`join` must be a name");
    const std::string role = j.value("role", std::string("trainee"));
    people[j["join"].get<std::string>()] = s.add_participant("trace", j["join"].get<std::string>(), role);
    return {};
  }
  if (j.contains("action")) {
    if (!j["action"].is_string()) return make_error(ErrorCode::invalid_input, where + "`action` must be a string");
    const std::string who = j.value("by", std::string());
    const auto it = people.find(who);
    if (it == people.end()) return make_error(ErrorCode::invalid_input, where + "`by` must name someone who joined earlier");
    const json params = j.contains("params") ? j["params"] : json::object();
    if (!params.is_object()) return make_error(ErrorCode::invalid_input, where + "`params` must be an object");
    s.act(it->second, j["action"].get<std::string>(), params.dump());
    return {};
  }
  if (j.contains("cue")) {
    if (!j["cue"].is_string()) return make_error(ErrorCode::invalid_input, where + "`cue` must be a string");
    s.instruct(InstructorControl::cue, j["cue"].get<std::string>(), "instructor");
    return {};
  }
  if (j.contains("pause")) s.instruct(InstructorControl::pause, "", "instructor");
  if (j.contains("resume")) s.instruct(InstructorControl::resume, "", "instructor");
  if (j.contains("observation")) {
    s.record("observation", json{{"text", j["observation"].is_string() ? j["observation"].get<std::string>() : j["observation"].dump()},
                                 {"by", "instructor"}}.dump());
  }
  return {};
}

Status write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) return make_error(ErrorCode::unavailable, "cannot write " + path.string());
  return {};
}

Status run(const RunOptions& o) {
  constexpr double kTickRate = 1000.0;
  const auto slash = o.scenario.find('/');
  if (slash == std::string::npos || o.scenario.substr(0, slash) != "emergency") {
    return make_error(ErrorCode::invalid_input, "scenario must be emergency/<id> (the modules that run headless so far); got '" +
                                                    o.scenario + "'");
  }
  const std::string id = o.scenario.substr(slash + 1);
  const fs::path content = resolve_content_root(o.content);
  auto def = emergency::load_emergency_scenario(content, id);
  if (!def.ok()) return def.error();
  auto module = emergency::make_emergency_module(*def, emergency::EmergencySetup{id, o.variant, o.seed, kTickRate});
  if (!module.ok()) return module.error();
  auto trace = read_trace(o.input);
  if (!trace.ok()) return trace.error();

  const std::string kind = o.scenario + (o.variant.empty() ? "" : ":" + o.variant);
  Session s(SessionSetup{kind, o.seed, kTickRate}, [] { return std::int64_t{0}; }, std::move(*module));
  std::vector<Event> log;
  std::map<std::string, int> people;
  const std::string source = fs::path(o.input).filename().string();
  std::uint64_t next_report_tick = 60'000;
  auto advance_to = [&](std::uint64_t tick) {
    while (s.tick() < tick && !s.module_finished()) {
      s.step();
      if (s.tick() >= next_report_tick) {
        std::fprintf(stderr, "run: %llu min simulated\n", static_cast<unsigned long long>(s.tick() / 60'000));
        next_report_tick += 60'000;
      }
    }
    auto fresh = s.drain_events();
    log.insert(log.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
  };
  for (const auto& e : *trace) {
    advance_to(static_cast<std::uint64_t>(std::llround(e.t_s * kTickRate)));
    if (s.module_finished()) break;
    MV_TRY(apply_entry(s, e, people, source));
  }
  const double last_s = trace->empty() ? 0.0 : trace->back().t_s;
  advance_to(static_cast<std::uint64_t>(std::llround((last_s + o.grace_s) * kTickRate)));

  const json assessment = emergency::assess_emergency_session(**def, o.variant, log, kTickRate);
  s.record("assessment", assessment.dump());
  s.end(s.module_finished() ? "scenario ended" : "trace finished");
  auto rest = s.drain_events();
  log.insert(log.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));

  std::error_code ec;
  fs::create_directories(o.report_dir, ec);
  if (ec) return make_error(ErrorCode::unavailable, "cannot create " + o.report_dir + ": " + ec.message());
  const SessionReport report = build_session_report(SessionInfo{"headless", (*def)->title, kind, kTickRate}, log);
  std::string events;
  for (const auto& e : log) {
    events += json{{"seq", e.seq}, {"tick", e.tick}, {"type", e.type}, {"payload", json::parse(e.payload, nullptr, false)}}.dump() + "\n";
  }
  MV_TRY(write_file(fs::path(o.report_dir) / "report.json", report.json.dump(2) + "\n"));
  MV_TRY(write_file(fs::path(o.report_dir) / "report.html", report.html));
  MV_TRY(write_file(fs::path(o.report_dir) / "events.jsonl", events));
  std::printf("%s: outcome %s, score %.0f/100 (%s; proficiency %.0f), %zu events\n", kind.c_str(),
              report.json["outcome"].get<std::string>().c_str(), report.json["score"].get<double>(),
              report.json["passed"].get<bool>() ? "passed" : "not passed", report.json["proficiency"].get<double>(), log.size());
  for (const auto& f : report.json["feedback"]) std::printf("  - %s\n", f.get<std::string>().c_str());
  std::printf("report: %s/report.html\n", o.report_dir.c_str());
  return {};
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Play a scenario headless from a trace and write its debrief report");
  cmd->add_option("scenario", options->scenario, "Scenario, e.g. emergency/acls-vf")->required();
  cmd->add_option("--input", options->input, "Trace of the team's actions (JSON lines)")->required();
  cmd->add_option("--report", options->report_dir, "Folder for report.json, report.html and events.jsonl")->required();
  cmd->add_option("--variant", options->variant, "Scenario variant (e.g. a reversible cause)");
  cmd->add_option("--seed", options->seed, "Seed for the patient's chance events (default 1)");
  cmd->add_option("--content", options->content, "Content folder (default ./content)");
  cmd->add_option("--grace", options->grace_s, "Seconds simulated after the trace's last line (default 10)");
  cmd->callback([options] {
    const Status done = run(*options);
    if (!done.ok()) {
      std::fprintf(stderr, "medvision run: %s\n", done.error().message.c_str());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace medvision
