#include "store/session_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace medvision {
namespace {

using nlohmann::json;

// Events that are samples or raw input: plotted or counted, not listed.
const std::set<std::string> kNotInTimeline = {"input", "vitals", "compression", "grab", "release",
                                               "scenario_action", "variable_set", "trigger_fired"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string clock(double t_s) {
  char buf[16];
  const int total = static_cast<int>(std::floor(t_s));
  std::snprintf(buf, sizeof buf, "%d:%02d", total / 60, total % 60);
  return buf;
}

std::string fmt(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// One line of the timeline: the event in words.
std::string describe(const std::string& type, const json& p) {
  std::string out = type;
  std::replace(out.begin(), out.end(), '_', ' ');
  std::vector<std::string> parts;
  if (p.is_object()) {
    for (const auto& [k, v] : p.items()) {
      if (k == "participant" || k == "by" || v.is_object() || v.is_array() || v.is_null()) continue;
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      parts.push_back(k + " " + value);
    }
  }
  if (!parts.empty()) {
    out += ": ";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  }
  return out;
}

struct Series {
  const char* key;
  const char* label;
  const char* colour;
};

// A plot of vital signs over time with markers for shocks and drugs.
std::string vitals_svg(const std::vector<std::pair<double, json>>& vitals, const std::vector<std::pair<double, std::string>>& markers,
                       const std::vector<Series>& series, double y_max, const std::string& title) {
  const double w = 860, h = 220, left = 50, right = 20, top = 28, bottom = 30;
  const double t_end = std::max(1.0, vitals.empty() ? 1.0 : vitals.back().first);
  auto x = [&](double t) { return left + (w - left - right) * t / t_end; };
  auto y = [&](double v) { return top + (h - top - bottom) * (1.0 - std::clamp(v, 0.0, y_max) / y_max); };
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' role='img' aria-label='"
      << escape(title) << "'>";
  svg << "<text x='" << left << "' y='16' font-size='13' font-weight='bold'>" << escape(title) << "</text>";
  svg << "<rect x='" << left << "' y='" << top << "' width='" << (w - left - right) << "' height='" << (h - top - bottom)
      << "' fill='none' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    svg << "<text x='" << (left - 6) << "' y='" << (y(v) + 4) << "' font-size='10' text-anchor='end'>" << fmt(v, 0) << "</text>";
  }
  for (const auto& [t, label] : markers) {
    svg << "<line x1='" << x(t) << "' x2='" << x(t) << "' y1='" << top << "' y2='" << (h - bottom)
        << "' stroke='#bbb' stroke-dasharray='3,3'><title>" << escape(clock(t) + " " + label) << "</title></line>";
  }
  double legend_x = w - right - 10;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    std::ostringstream path;
    bool first = true;
    for (const auto& [t, v] : vitals) {
      if (!v.contains(it->key) || !v[it->key].is_number()) continue;
      path << (first ? "M" : "L") << fmt(x(t), 1) << "," << fmt(y(v[it->key].get<double>()), 1) << " ";
      first = false;
    }
    svg << "<path d='" << path.str() << "' fill='none' stroke='" << it->colour << "' stroke-width='1.5'/>";
    svg << "<text x='" << legend_x << "' y='" << (top + 14) << "' font-size='11' text-anchor='end' fill='" << it->colour
        << "'>" << it->label << "</text>";
    legend_x -= 80;
  }
  svg << "<text x='" << (w / 2) << "' y='" << (h - 6) << "' font-size='10' text-anchor='middle'>time (m:ss), 0:00 - "
      << clock(t_end) << "</text>";
  svg << "</svg>";
  return svg.str();
}

}  // namespace

SessionReport build_session_report(const SessionInfo& info, std::span<const Event> log) {
  json assessment;
  json timeline = json::array();
  std::vector<std::pair<double, json>> vitals;
  std::vector<std::pair<double, std::string>> markers;
  std::string scenario_title;
  std::size_t compressions = 0;
  json participants = json::array();
  for (const Event& e : log) {
    const double t = static_cast<double>(e.tick) / info.tick_rate_hz;
    json p = json::parse(e.payload, nullptr, false);
    if (!p.is_object()) p = json::object();
    if (e.type == "assessment") assessment = p;
    if (e.type == "scenario_loaded" && p.contains("title") && p["title"].is_string()) scenario_title = p["title"];
    if (e.type == "vitals") vitals.emplace_back(t, p);
    if (e.type == "compression") ++compressions;
    if (e.type == "participant_joined") {
      participants.push_back({{"number", p.value("participant", 0)},
                              {"user_id", p.value("user_id", std::string())},
                              {"username", p.value("username", std::string())}});
    }
    if (e.type == "shock_delivered") markers.emplace_back(t, "shock");
    if (e.type == "drug_given") markers.emplace_back(t, p.value("drug", std::string("drug")));
    if (kNotInTimeline.count(e.type) || e.type == "assessment") continue;
    timeline.push_back({{"time_s", t}, {"type", e.type}, {"text", describe(e.type, p)}});
  }

  SessionReport report;
  json& j = report.json;
  j["session"] = {
      {"id", info.id}, {"title", info.title}, {"kind", info.kind}, {"participants", participants}};
  j["scenario"] = assessment.value("scenario", info.kind);
  j["outcome"] = assessment.value("outcome", std::string("aborted"));
  j["score"] = assessment.value("score", 0.0);
  j["passed"] = assessment.value("passed", false);
  j["proficiency"] = assessment.value("proficiency", 0.0);
  j["metrics"] = assessment.value("metrics", json::object());
  j["rubric"] = assessment.value("items", json::array());
  j["feedback"] = assessment.value("feedback", json::array());
  j["timeline"] = timeline;
  j["compressions_count"] = compressions;
  j["vitals_samples"] = vitals.size();

  std::ostringstream h;
  const std::string heading = scenario_title.empty() ? info.title : scenario_title;
  h << "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Debrief: " << escape(heading) << "</title>"
    << "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:920px;color:#1d232b}"
       "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}"
       ".pass{color:#1a7f37}.fail{color:#b42318}.score{font-size:2em;font-weight:bold}"
       "li{margin:4px 0}</style></head><body>";
  h << "<h1>Debrief: " << escape(heading) << "</h1>";
  h << "<p>Session " << escape(info.id) << " (" << escape(info.kind) << "), outcome <b>" << escape(j["outcome"].get<std::string>())
    << "</b></p>";
  const bool passed = j["passed"].get<bool>();
  h << "<p class='score " << (passed ? "pass" : "fail") << "'>" << fmt(j["score"].get<double>(), 0) << " / 100 &mdash; "
    << (passed ? "passed" : "not yet proficient") << "</p><p>Proficiency level: " << fmt(j["proficiency"].get<double>(), 0)
    << "</p>";
  h << "<h2>What to work on</h2>";
  if (j["feedback"].empty()) {
    h << "<p>Every rubric item was met.</p>";
  } else {
    h << "<ol>";
    for (const auto& f : j["feedback"]) h << "<li>" << escape(f.get<std::string>()) << "</li>";
    h << "</ol>";
  }
  h << "<h2>Rubric</h2><table><tr><th>metric</th><th>value</th><th>target</th><th>weight</th><th>met</th></tr>";
  for (const auto& item : j["rubric"]) {
    const std::string value = item["value"].is_number() ? fmt(item["value"].get<double>()) + " " + item.value("unit", std::string())
                                                         : "not done";
    h << "<tr><td>" << escape(item.value("metric", std::string())) << "</td><td>" << escape(value) << "</td><td>"
      << escape(item.value("target", std::string())) << "</td><td>" << fmt(item.value("weight", 0.0), 0) << "</td><td class='"
      << (item.value("met", false) ? "pass'>yes" : "fail'>no") << "</td></tr>";
  }
  h << "</table>";
  if (!vitals.empty()) {
    h << "<h2>Vital signs</h2>";
    h << vitals_svg(vitals, markers,
                    {{"heart_rate_per_min", "HR /min", "#c62828"}, {"map_mmHg", "MAP mmHg", "#2e7d32"},
                     {"systolic_mmHg", "SBP mmHg", "#1565c0"}},
                    200, "Heart rate and blood pressure (dashed lines: shocks and drugs)");
    h << vitals_svg(vitals, markers,
                    {{"spo2_pct", "SpO2 %", "#6a1b9a"}, {"etco2_mmHg", "EtCO2 mmHg", "#ef6c00"}}, 100,
                    "Oxygen saturation and end-tidal CO2");
  }
  h << "<h2>Timeline</h2><table><tr><th>time</th><th>event</th></tr>";
  for (const auto& e : timeline) {
    h << "<tr><td>" << clock(e["time_s"].get<double>()) << "</td><td>" << escape(e["text"].get<std::string>()) << "</td></tr>";
  }
  h << "</table></body></html>\n";
  report.html = h.str();
  return report;
}

}  // namespace medvision
