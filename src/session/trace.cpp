#include "session/trace.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace medvision {
namespace {

using nlohmann::json;

Error at(const Trace& trace, int line, const std::string& why) {
  return make_error(ErrorCode::invalid_input,
                    trace.source + " line " + std::to_string(line) + ": " + why);
}

// A pose in an `input` line, in the `input` event's layout (docs/events.md);
// absent: left as it was. Hand-written quaternions are normalised.
Status read_pose(const json& j, const char* name, Pose* pose, std::uint32_t* buttons,
                 const Trace& trace, int line) {
  if (!j.contains(name)) return {};
  const Status read = pose_from_json(j[name], pose, buttons);
  if (!read.ok()) return at(trace, line, "`" + std::string(name) + "` " + read.error().message);
  const Eigen::Quaterniond q = pose->orientation;
  pose->orientation = q.squaredNorm() > 1e-12 ? q.normalized() : Eigen::Quaterniond::Identity();
  return {};
}

Status apply_entry(Session& s, const Trace& trace, const TraceEntry& e,
                   std::map<std::string, int>& people,
                   std::map<int, std::pair<InputFrame, std::uint32_t>>& inputs) {
  const json& j = e.body;
  if (j.contains("input")) {
    // A controller sample: head and hands as the WebSocket INPUT carries
    // them; a part left out keeps its previous value.
    if (!j["input"].is_string())
      return at(trace, e.line, "`input` must name someone who joined earlier");
    const auto it = people.find(j["input"].get<std::string>());
    if (it == people.end())
      return at(trace, e.line, "`input` must name someone who joined earlier");
    auto& [frame, seq] = inputs[it->second];
    MV_TRY(read_pose(j, "head", &frame.head, nullptr, trace, e.line));
    MV_TRY(read_pose(j, "left", &frame.hands[0].pose, &frame.hands[0].buttons, trace, e.line));
    MV_TRY(read_pose(j, "right", &frame.hands[1].pose, &frame.hands[1].buttons, trace, e.line));
    s.submit_input(it->second, frame, ++seq);
    return {};
  }
  if (j.contains("join")) {
    if (!j["join"].is_string()) return at(trace, e.line, "`join` must be a name");
    const std::string role =
        j.contains("role") && j["role"].is_string() ? j["role"].get<std::string>() : "trainee";
    const std::string name = j["join"].get<std::string>();
    if (people.count(name)) return at(trace, e.line, "'" + name + "' has already joined");
    people[name] = s.add_participant("trace:" + name, name, role);
    return {};
  }
  if (j.contains("action")) {
    if (!j["action"].is_string()) return at(trace, e.line, "`action` must be a string");
    const std::string who =
        j.contains("by") && j["by"].is_string() ? j["by"].get<std::string>() : "";
    const auto it = people.find(who);
    if (it == people.end()) return at(trace, e.line, "`by` must name someone who joined earlier");
    const json params = j.contains("params") ? j["params"] : json::object();
    if (!params.is_object()) return at(trace, e.line, "`params` must be an object");
    s.act(it->second, j["action"].get<std::string>(),
          params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return {};
  }
  if (j.contains("cue")) {
    if (!j["cue"].is_string()) return at(trace, e.line, "`cue` must be a string");
    s.instruct(InstructorControl::cue, j["cue"].get<std::string>(), "instructor");
  } else if (j.contains("pause")) {
    s.instruct(InstructorControl::pause, "", "instructor");
  } else if (j.contains("resume")) {
    s.instruct(InstructorControl::resume, "", "instructor");
  } else if (j.contains("observation")) {
    if (!j["observation"].is_string()) return at(trace, e.line, "`observation` must be a string");
    s.record("observation",
             json{{"text", j["observation"].get<std::string>()}, {"by", "instructor"}}.dump(
                 -1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return {};
}

}  // namespace

Result<Trace> parse_trace(const std::string& text, const std::string& source) {
  Trace trace{source, {}};
  std::istringstream in(text);
  std::string line_text;
  int line = 0;
  while (std::getline(in, line_text)) {
    ++line;
    const auto first = line_text.find_first_not_of(" \t\r");
    if (first == std::string::npos || line_text[first] == '#') continue;
    json j = json::parse(line_text, nullptr, false);
    if (!j.is_object()) return at(trace, line, "not a JSON object");
    if (!j.contains("t") || !j["t"].is_number() || !std::isfinite(j["t"].get<double>()) ||
        j["t"].get<double>() < 0 || j["t"].get<double>() > 7 * 24 * 3600.0) {
      return at(trace, line, "`t` (seconds) must be a number from 0 to 604800");
    }
    const double t = j["t"].get<double>();
    if (!trace.entries.empty() && t < trace.entries.back().t_s) {
      return at(trace, line,
                "times must not go backwards (" + std::to_string(t) + " s after " +
                    std::to_string(trace.entries.back().t_s) + " s)");
    }
    int kinds = 0;
    for (const char* k : {"join", "input", "action", "cue", "pause", "resume", "observation"})
      kinds += j.contains(k) ? 1 : 0;
    if (kinds != 1) {
      return at(trace, line,
                "expected exactly one of `join`, `input`, `action`, `cue`, `pause`, `resume`, "
                "`observation`");
    }
    trace.entries.push_back(TraceEntry{t, line, std::move(j)});
  }
  return trace;
}

Result<Trace> read_trace_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "trace " + path + " cannot be opened");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_trace(ss.str(), std::filesystem::path(path).filename().string());
}

Result<std::vector<Event>> play_trace(Session& s, const Trace& trace, const PlayOptions& options) {
  const double rate = s.setup().tick_rate_hz;
  std::vector<Event> log;
  std::map<std::string, int> people;
  std::map<int, std::pair<InputFrame, std::uint32_t>>
      inputs;  // latest frame and client seq per participant
  const auto minute = static_cast<Tick>(60.0 * rate);
  Tick next_progress = minute;
  auto advance_to = [&](Tick tick) {
    while (s.tick() < tick && !s.module_finished()) {
      s.step();
      if (s.tick() >= next_progress) {
        if (options.progress) options.progress(s.tick());
        next_progress += minute;
      }
    }
    auto fresh = s.drain_events();
    log.insert(log.end(), std::make_move_iterator(fresh.begin()),
               std::make_move_iterator(fresh.end()));
  };
  for (const auto& e : trace.entries) {
    advance_to(static_cast<Tick>(std::llround(e.t_s * rate)));
    if (s.module_finished()) break;
    MV_TRY(apply_entry(s, trace, e, people, inputs));
  }
  const double last = trace.entries.empty() ? 0.0 : trace.entries.back().t_s;
  advance_to(static_cast<Tick>(std::llround((last + options.grace_s) * rate)));
  return log;
}

}  // namespace medvision
