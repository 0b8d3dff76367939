#include "records/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "assess/rubric.h"
#include "records/svg_plot.h"

namespace medvision::records {
namespace {

using nlohmann::json;

// Events of the platform itself that are raw input or the scenario runtime's
// bookkeeping: never listed (a module adds its own samples).
const std::set<std::string> kNotInTimeline = {"input",           "grab",         "release",
                                              "scenario_action", "variable_set", "trigger_fired"};

// One line of the timeline: the event in words.
std::string describe(const std::string& type, const json& p) {
  std::string out = type;
  std::replace(out.begin(), out.end(), '_', ' ');
  std::vector<std::string> parts;
  if (p.is_object()) {
    for (const auto& [k, v] : p.items()) {
      if (k == "participant" || k == "by" || v.is_object() || v.is_array() || v.is_null()) continue;
      std::string value = v.is_string()
                              ? v.get<std::string>()
                              : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      parts.push_back(k + " " + value);
    }
  }
  if (!parts.empty()) {
    out += ": ";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  }
  return out;
}

}  // namespace

SessionReport build_session_report(const SessionInfo& info, std::span<const Event> log,
                                   const ModuleReport& module) {
  // An object, so that a module session without an `assessment` event gets
  // the report's defaults below instead of a type error (value() on null).
  json assessment = json::object();
  json timeline = json::array();
  std::string scenario_title;
  json participants = json::array();
  const std::set<std::string> samples(module.sample_events.begin(), module.sample_events.end());
  for (const Event& e : log) {
    const double t = static_cast<double>(e.tick) / info.tick_rate_hz;
    if (e.type == "assessment") {
      json p = json::parse(e.payload, nullptr, false);
      if (p.is_object()) assessment = std::move(p);
      continue;
    }
    if (kNotInTimeline.count(e.type) || samples.count(e.type)) continue;
    json p = json::parse(e.payload, nullptr, false);
    if (!p.is_object()) p = json::object();
    if (e.type == "scenario_loaded" && p.contains("title") && p["title"].is_string())
      scenario_title = p["title"];
    if (e.type == "participant_joined") {
      participants.push_back({{"number", p.value("participant", 0)},
                              {"user_id", p.value("user_id", std::string())},
                              {"username", p.value("username", std::string())}});
    }
    timeline.push_back({{"time_s", t}, {"type", e.type}, {"text", describe(e.type, p)}});
  }
  const std::vector<ReportSection> sections =
      module.sections ? module.sections(log, info.tick_rate_hz) : std::vector<ReportSection>{};

  SessionReport report;
  json& j = report.json;
  j["session"] = {
      {"id", info.id}, {"title", info.title}, {"kind", info.kind}, {"participants", participants}};
  j["scenario"] = assessment.value("scenario", info.kind);
  j["outcome"] = assessment.value("outcome", std::string("aborted"));
  j["attempted"] = assessment.value("attempted", true);
  j["score"] = assessment.value("score", 0.0);
  j["passed"] = assessment.value("passed", false);
  j["proficiency"] = assessment.value("proficiency", 0.0);
  j["metrics"] = assessment.value("metrics", json::object());
  j["rubric"] = assessment.value("items", json::array());
  j["feedback"] = assessment.value("feedback", json::array());
  j["timeline"] = timeline;
  for (const auto& section : sections) {
    for (const auto& [key, value] : section.fields.items()) j[key] = value;
  }

  std::ostringstream h;
  const std::string heading = scenario_title.empty() ? info.title : scenario_title;
  h << "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Debrief: "
    << escape_html(heading) << "</title>"
    << "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:920px;color:#1d232b}"
       "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px "
       "8px;text-align:left}"
       ".pass{color:#1a7f37}.fail{color:#b42318}.score{font-size:2em;font-weight:bold}"
       "li{margin:4px 0}</style></head><body>";
  h << "<h1>Debrief: " << escape_html(heading) << "</h1>";
  h << "<p>Session " << escape_html(info.id) << " (" << escape_html(info.kind) << "), outcome <b>"
    << escape_html(j["outcome"].get<std::string>()) << "</b></p>";
  const bool passed = j["passed"].get<bool>();
  h << "<p class='score " << (passed ? "pass" : "fail") << "'>"
    << fixed(j["score"].get<double>(), 0) << " / 100 &mdash; "
    << (passed                       ? "passed"
        : j["attempted"].get<bool>() ? "not yet proficient"
                                     : "not attempted")
    << "</p><p>Proficiency level: " << fixed(j["proficiency"].get<double>(), 0) << "</p>";
  h << "<h2>What to work on</h2>";
  if (j["feedback"].empty()) {
    h << "<p>Every rubric item was met.</p>";
  } else {
    h << "<ol>";
    for (const auto& f : j["feedback"]) h << "<li>" << escape_html(f.get<std::string>()) << "</li>";
    h << "</ol>";
  }
  h << "<h2>Rubric</h2><table><tr><th>metric</th><th>value</th><th>target</th><th>weight</"
       "th><th>met</th></tr>";
  for (const auto& item : j["rubric"]) {
    const std::string value =
        item["value"].is_number()
            ? assess::describe_value(item["value"].get<double>(), item.value("unit", std::string()))
            : "not done";
    h << "<tr><td>" << escape_html(item.value("label", item.value("metric", std::string())))
      << "</td><td>" << escape_html(value) << "</td><td>"
      << escape_html(item.value("target", std::string())) << "</td><td>"
      << fixed(item.value("weight", 0.0), 0) << "</td><td class='"
      << (item.value("met", false) ? "pass'>yes" : "fail'>no") << "</td></tr>";
  }
  h << "</table>";
  for (const auto& section : sections) h << section.html;
  h << "<h2>Timeline</h2><table><tr><th>time</th><th>event</th></tr>";
  for (const auto& e : timeline) {
    h << "<tr><td>" << clock_text(e["time_s"].get<double>()) << "</td><td>"
      << escape_html(e["text"].get<std::string>()) << "</td></tr>";
  }
  h << "</table></body></html>\n";
  report.html = h.str();
  return report;
}

}  // namespace medvision::records
