#include "modules/laparoscopy/laparoscopy_report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "modules/laparoscopy/duct_plot_svg.h"
#include "modules/laparoscopy/pattern_cut_svg.h"
#include "records/svg_plot.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;

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
      << records::fixed(span * 1000, 0)
      << " mm across): blue left, orange right; objects placed (green) and dropped (red)</text>";
  const char* colour[2] = {"#1565c0", "#ef6c00"};
  for (int k = 0; k < 2; ++k) {
    std::ostringstream path;
    bool first = true;
    for (const auto& s : tips) {
      path << (first ? "M" : "L") << records::fixed(px(s.x[k]), 1) << ","
           << records::fixed(pz(s.z[k]), 1) << " ";
      first = false;
    }
    svg << "<path d='" << path.str() << "' fill='none' stroke='" << colour[k]
        << "' stroke-width='1' opacity='0.8'/>";
  }
  for (const auto& [x, z] : placed)
    svg << "<circle cx='" << records::fixed(px(x), 1) << "' cy='" << records::fixed(pz(z), 1)
        << "' r='5' fill='#2e7d32'/>";
  for (const auto& [x, z] : dropped)
    svg << "<circle cx='" << records::fixed(px(x), 1) << "' cy='" << records::fixed(pz(z), 1)
        << "' r='6' fill='#c62828'/>";
  svg << "</svg>";
  return svg.str();
}

}  // namespace

std::vector<records::ReportSection> laparoscopy_report_sections(std::span<const Event> log,
                                                                double tick_rate_hz) {
  std::vector<TipSample> tips;
  std::vector<std::pair<double, json>> tool_series;  // speed and force per instrument
  std::vector<std::pair<double, std::string>> task_markers;
  std::vector<std::pair<double, double>> placed, dropped;
  PatternCutPlot cut_plot;
  DuctPlot duct_plot;
  for (const Event& e : log) {
    if (e.type == "input") continue;
    const double t = static_cast<double>(e.tick) / tick_rate_hz;
    json p = json::parse(e.payload, nullptr, false);
    if (!p.is_object()) p = json::object();
    cut_plot.add(e.type, p);
    duct_plot.add(e.type, p);
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
  }
  if (tips.size() < 2) return {};
  double top_speed = 50, top_force = 1;
  for (const auto& [t, row] : tool_series) {
    for (const char* key : {"left_speed_mm_s", "right_speed_mm_s"})
      if (row.contains(key)) top_speed = std::max(top_speed, row[key].get<double>());
    for (const char* key : {"left_force_N", "right_force_N"})
      top_force = std::max(top_force, row[key].get<double>());
  }
  records::ReportSection section;
  std::string& h = section.html;
  h = "<h2>Instruments</h2>";
  h += paths_svg(tips, placed, dropped);
  if (!cut_plot.empty()) h += cut_plot.svg();
  if (!duct_plot.empty()) h += duct_plot.svg();
  h += records::time_series_svg(
      tool_series, task_markers,
      {{"left_speed_mm_s", "left mm/s", "#1565c0"}, {"right_speed_mm_s", "right mm/s", "#ef6c00"}},
      std::ceil(top_speed / 50) * 50,
      "Tip speed over time (dashed lines: objects placed and dropped)");
  h += records::time_series_svg(
      tool_series, task_markers,
      {{"left_force_N", "left N", "#1565c0"}, {"right_force_N", "right N", "#ef6c00"}},
      std::ceil(top_force), "Force on each instrument over time");
  return {section};
}

}  // namespace medvision::laparoscopy
