#include "store/session_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "store/duct_plot_svg.h"
#include "store/pattern_cut_svg.h"

namespace medvision {
namespace {

using nlohmann::json;

// Events that are samples or raw input: plotted or counted, not listed.
const std::set<std::string> kNotInTimeline = {"input",        "vitals",        "compression",
                                              "grab",         "release",       "scenario_action",
                                              "variable_set", "trigger_fired", "tool_sample"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
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

struct Series {
  const char* key;
  const char* label;
  const char* colour;
};

// A plot of vital signs over time with markers for shocks and drugs.
std::string vitals_svg(const std::vector<std::pair<double, json>>& vitals,
                       const std::vector<std::pair<double, std::string>>& markers,
                       const std::vector<Series>& series, double y_max, const std::string& title) {
  const double w = 860, h = 220, left = 50, right = 20, top = 28, bottom = 30;
  const double t_end = std::max(1.0, vitals.empty() ? 1.0 : vitals.back().first);
  auto x = [&](double t) { return left + (w - left - right) * t / t_end; };
  auto y = [&](double v) {
    return top + (h - top - bottom) * (1.0 - std::clamp(v, 0.0, y_max) / y_max);
  };
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
      << "' role='img' aria-label='" << escape(title) << "'>";
  svg << "<text x='" << left << "' y='16' font-size='13' font-weight='bold'>" << escape(title)
      << "</text>";
  svg << "<rect x='" << left << "' y='" << top << "' width='" << (w - left - right) << "' height='"
      << (h - top - bottom) << "' fill='none' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    svg << "<text x='" << (left - 6) << "' y='" << (y(v) + 4)
        << "' font-size='10' text-anchor='end'>" << fmt(v, 0) << "</text>";
  }
  for (const auto& [t, label] : markers) {
    svg << "<line x1='" << x(t) << "' x2='" << x(t) << "' y1='" << top << "' y2='" << (h - bottom)
        << "' stroke='#bbb' stroke-dasharray='3,3'><title>" << escape(clock(t) + " " + label)
        << "</title></line>";
  }
  double legend_x = w - right - 10;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    std::ostringstream path;
    bool first = true;
    for (const auto& [t, v] : vitals) {
      if (!v.contains(it->key) || !v[it->key].is_number()) continue;
      path << (first ? "M" : "L") << fmt(x(t), 1) << "," << fmt(y(v[it->key].get<double>()), 1)
           << " ";
      first = false;
    }
    svg << "<path d='" << path.str() << "' fill='none' stroke='" << it->colour
        << "' stroke-width='1.5'/>";
    svg << "<text x='" << legend_x << "' y='" << (top + 14)
        << "' font-size='11' text-anchor='end' fill='" << it->colour << "'>" << it->label
        << "</text>";
    legend_x -= 80;
  }
  svg << "<text x='" << (w / 2) << "' y='" << (h - 6)
      << "' font-size='10' text-anchor='middle'>time (m:ss), 0:00 - " << clock(t_end) << "</text>";
  svg << "</svg>";
  return svg.str();
}

struct TipSample {
  double t = 0;
  double x[2] = {0, 0}, z[2] = {0, 0};  // left, right tips seen from above (m)
};

// The instruments' tip paths seen from above (the trainee's view of the
// board), with the places objects were put down and dropped.
std::string paths_svg(const std::vector<TipSample>& tips,
                      const std::vector<std::pair<double, double>>& placed,
                      const std::vector<std::pair<double, double>>& dropped) {
  const double w = 860, h = 420, pad = 30;
  double lo_x = 1e9, hi_x = -1e9, lo_z = 1e9, hi_z = -1e9;
  for (const auto& s : tips) {
    for (int k = 0; k < 2; ++k) {
      lo_x = std::min(lo_x, s.x[k]), hi_x = std::max(hi_x, s.x[k]);
      lo_z = std::min(lo_z, s.z[k]), hi_z = std::max(hi_z, s.z[k]);
    }
  }
  const double span = std::max({hi_x - lo_x, hi_z - lo_z, 1e-3});
  const double scale = std::min((w - 2 * pad) / std::max(hi_x - lo_x, 1e-3),
                                (h - 2 * pad - 20) / std::max(hi_z - lo_z, 1e-3));
  auto px = [&](double x) { return pad + (x - lo_x) * scale; };
  auto pz = [&](double z) { return pad + 20 + (z - lo_z) * scale; };
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
      << "' role='img' aria-label='Instrument tip paths seen from above'>";
  svg << "<text x='" << pad << "' y='16' font-size='13' font-weight='bold'>Tip paths from above ("
      << fmt(span * 1000, 0)
      << " mm across): blue left, orange right; objects placed (green) and dropped (red)</text>";
  const char* colour[2] = {"#1565c0", "#ef6c00"};
  for (int k = 0; k < 2; ++k) {
    std::ostringstream path;
    bool first = true;
    for (const auto& s : tips) {
      path << (first ? "M" : "L") << fmt(px(s.x[k]), 1) << "," << fmt(pz(s.z[k]), 1) << " ";
      first = false;
    }
    svg << "<path d='" << path.str() << "' fill='none' stroke='" << colour[k]
        << "' stroke-width='1' opacity='0.8'/>";
  }
  for (const auto& [x, z] : placed)
    svg << "<circle cx='" << fmt(px(x), 1) << "' cy='" << fmt(pz(z), 1)
        << "' r='5' fill='#2e7d32'/>";
  for (const auto& [x, z] : dropped)
    svg << "<circle cx='" << fmt(px(x), 1) << "' cy='" << fmt(pz(z), 1)
        << "' r='6' fill='#c62828'/>";
  svg << "</svg>";
  return svg.str();
}

}  // namespace

SessionReport build_session_report(const SessionInfo& info, std::span<const Event> log) {
  // An object, so that a module session without an `assessment` event gets
  // the report's defaults below instead of a type error (value() on null).
  json assessment = json::object();
  json timeline = json::array();
  std::vector<std::pair<double, json>> vitals;
  std::vector<std::pair<double, std::string>> markers;
  std::string scenario_title;
  std::size_t compressions = 0;
  json participants = json::array();
  std::vector<TipSample> tips;
  std::vector<std::pair<double, json>> tool_series;  // speed and force per instrument
  std::vector<std::pair<double, std::string>> task_markers;
  std::vector<std::pair<double, double>> placed, dropped;
  PatternCutPlot cut_plot;
  DuctPlot duct_plot;
  for (const Event& e : log) {
    const double t = static_cast<double>(e.tick) / info.tick_rate_hz;
    json p = json::parse(e.payload, nullptr, false);
    if (!p.is_object()) p = json::object();
    if (e.type == "assessment") assessment = p;
    cut_plot.add(e.type, p);
    duct_plot.add(e.type, p);
    if (e.type == "scenario_loaded" && p.contains("title") && p["title"].is_string())
      scenario_title = p["title"];
    if (e.type == "vitals") vitals.emplace_back(t, p);
    if (e.type == "compression") ++compressions;
    if (e.type == "participant_joined") {
      participants.push_back({{"number", p.value("participant", 0)},
                              {"user_id", p.value("user_id", std::string())},
                              {"username", p.value("username", std::string())}});
    }
    if (e.type == "tool_sample") {
      TipSample tip{t};
      json row = json::object();
      bool whole = true;
      for (int k = 0; k < 2; ++k) {
        const json& s = p.value(k == 0 ? "left" : "right", json::object());
        if (!s.is_object() || !s.contains("tip") || !s["tip"].is_array() || s["tip"].size() != 3) {
          whole = false;
          break;
        }
        tip.x[k] = s["tip"][0].get<double>();
        tip.z[k] = s["tip"][2].get<double>();
        const std::string side = k == 0 ? "left" : "right";
        row[side + "_force_N"] = s.value("force_N", 0.0);
        if (!tips.empty()) {
          const TipSample& last = tips.back();
          const double dt = t - last.t;
          if (dt > 0)
            row[side + "_speed_mm_s"] =
                1000 * std::hypot(tip.x[k] - last.x[k], tip.z[k] - last.z[k]) / dt;
        }
      }
      if (whole) {
        tips.push_back(tip);
        tool_series.emplace_back(t, row);
      }
    }
    if (e.type == "placed" || e.type == "dropped") {
      task_markers.emplace_back(t, e.type);
      if (!tips.empty()) {
        // Where it ended: the position the event gives, else the last tips' midpoint.
        double x = 0.5 * (tips.back().x[0] + tips.back().x[1]),
               z = 0.5 * (tips.back().z[0] + tips.back().z[1]);
        if (p.contains("position") && p["position"].is_array() && p["position"].size() == 3) {
          x = p["position"][0].get<double>();
          z = p["position"][2].get<double>();
        }
        (e.type == "placed" ? placed : dropped).emplace_back(x, z);
      }
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
  h << "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Debrief: "
    << escape(heading) << "</title>"
    << "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:920px;color:#1d232b}"
       "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px "
       "8px;text-align:left}"
       ".pass{color:#1a7f37}.fail{color:#b42318}.score{font-size:2em;font-weight:bold}"
       "li{margin:4px 0}</style></head><body>";
  h << "<h1>Debrief: " << escape(heading) << "</h1>";
  h << "<p>Session " << escape(info.id) << " (" << escape(info.kind) << "), outcome <b>"
    << escape(j["outcome"].get<std::string>()) << "</b></p>";
  const bool passed = j["passed"].get<bool>();
  h << "<p class='score " << (passed ? "pass" : "fail") << "'>" << fmt(j["score"].get<double>(), 0)
    << " / 100 &mdash; " << (passed ? "passed" : "not yet proficient")
    << "</p><p>Proficiency level: " << fmt(j["proficiency"].get<double>(), 0) << "</p>";
  h << "<h2>What to work on</h2>";
  if (j["feedback"].empty()) {
    h << "<p>Every rubric item was met.</p>";
  } else {
    h << "<ol>";
    for (const auto& f : j["feedback"]) h << "<li>" << escape(f.get<std::string>()) << "</li>";
    h << "</ol>";
  }
  h << "<h2>Rubric</h2><table><tr><th>metric</th><th>value</th><th>target</th><th>weight</"
       "th><th>met</th></tr>";
  for (const auto& item : j["rubric"]) {
    const std::string value = item["value"].is_number() ? fmt(item["value"].get<double>()) + " " +
                                                              item.value("unit", std::string())
                                                        : "not done";
    h << "<tr><td>" << escape(item.value("metric", std::string())) << "</td><td>" << escape(value)
      << "</td><td>" << escape(item.value("target", std::string())) << "</td><td>"
      << fmt(item.value("weight", 0.0), 0) << "</td><td class='"
      << (item.value("met", false) ? "pass'>yes" : "fail'>no") << "</td></tr>";
  }
  h << "</table>";
  if (!vitals.empty()) {
    h << "<h2>Vital signs</h2>";
    h << vitals_svg(vitals, markers,
                    {{"heart_rate_per_min", "HR /min", "#c62828"},
                     {"map_mmHg", "MAP mmHg", "#2e7d32"},
                     {"systolic_mmHg", "SBP mmHg", "#1565c0"}},
                    200, "Heart rate and blood pressure (dashed lines: shocks and drugs)");
    h << vitals_svg(vitals, markers,
                    {{"spo2_pct", "SpO2 %", "#6a1b9a"}, {"etco2_mmHg", "EtCO2 mmHg", "#ef6c00"}},
                    100, "Oxygen saturation and end-tidal CO2");
  }
  if (tips.size() >= 2) {
    double top_speed = 50, top_force = 1;
    for (const auto& [t, row] : tool_series) {
      for (const char* key : {"left_speed_mm_s", "right_speed_mm_s"})
        if (row.contains(key)) top_speed = std::max(top_speed, row[key].get<double>());
      for (const char* key : {"left_force_N", "right_force_N"})
        top_force = std::max(top_force, row[key].get<double>());
    }
    h << "<h2>Instruments</h2>";
    h << paths_svg(tips, placed, dropped);
    if (!cut_plot.empty()) h << cut_plot.svg();
    if (!duct_plot.empty()) h << duct_plot.svg();
    h << vitals_svg(tool_series, task_markers,
                    {{"left_speed_mm_s", "left mm/s", "#1565c0"},
                     {"right_speed_mm_s", "right mm/s", "#ef6c00"}},
                    std::ceil(top_speed / 50) * 50,
                    "Tip speed over time (dashed lines: objects placed and dropped)");
    h << vitals_svg(
        tool_series, task_markers,
        {{"left_force_N", "left N", "#1565c0"}, {"right_force_N", "right N", "#ef6c00"}},
        std::ceil(top_force), "Force on each instrument over time");
  }
  h << "<h2>Timeline</h2><table><tr><th>time</th><th>event</th></tr>";
  for (const auto& e : timeline) {
    h << "<tr><td>" << clock(e["time_s"].get<double>()) << "</td><td>"
      << escape(e["text"].get<std::string>()) << "</td></tr>";
  }
  h << "</table></body></html>\n";
  report.html = h.str();
  return report;
}

}  // namespace medvision
