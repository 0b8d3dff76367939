#pragma once
// The debrief plot of FLS pattern cutting: the gauze seen from above with
// the marked circle, the band around it within which a cut costs nothing,
// and each snip's cut line (green on the line, red where it strayed), from
// the `gauze_ready` and `cut` events (modules/laparoscopy/pattern_cutting_run.h).

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace medvision {

struct PatternCutPlot {
  double radius_mm = 0, band_mm = 0, side_mm = 0;
  struct Line {
    double x0, z0, x1, z1;
    bool strayed;
  };
  std::vector<Line> cuts;

  // Reads what it needs from one event; ignores every other type.
  void add(const std::string& type, const nlohmann::json& p) {
    if (type == "gauze_ready") {
      radius_mm = p.value("radius_mm", 0.0);
      band_mm = p.value("band_mm", 0.0);
      side_mm = p.value("side_mm", 0.0);
    } else if (type == "cut") {
      const auto& a = p.value("from_mm", nlohmann::json::array());
      const auto& b = p.value("to_mm", nlohmann::json::array());
      if (a.size() == 2 && b.size() == 2 && a[0].is_number() && b[0].is_number())
        cuts.push_back({a[0].get<double>(), a[1].get<double>(), b[0].get<double>(),
                        b[1].get<double>(), p.value("strayed", false)});
    }
  }

  bool empty() const { return radius_mm <= 0; }

  std::string svg() const {
    const double size = 420, pad = 20, half_mm = std::max(side_mm / 2, radius_mm + band_mm + 5);
    const double scale = (size - 2 * pad) / (2 * half_mm);
    const auto px = [&](double x) { return pad + (x + half_mm) * scale; };
    const auto num = [](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", v);
      return std::string(buf);
    };
    std::ostringstream s;
    s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << size << "' height='" << (size + 24)
      << "' role='img' aria-label='The cut line over the marked circle'>";
    s << "<text x='" << pad << "' y='16' font-size='13' font-weight='bold'>The cut over the "
      << num(2 * radius_mm) << " mm circle (band &#177;" << num(band_mm)
      << " mm): green on the line, red off it</text><g transform='translate(0,24)'>";
    s << "<rect x='" << num(px(-side_mm / 2)) << "' y='" << num(px(-side_mm / 2)) << "' width='"
      << num(side_mm * scale) << "' height='" << num(side_mm * scale)
      << "' fill='#f4f1ea' stroke='#bbb'/>";
    s << "<circle cx='" << num(px(0)) << "' cy='" << num(px(0)) << "' r='"
      << num((radius_mm + band_mm) * scale) << "' fill='#dbe9f6' stroke='none'/>";
    s << "<circle cx='" << num(px(0)) << "' cy='" << num(px(0)) << "' r='"
      << num((radius_mm - band_mm) * scale) << "' fill='#f4f1ea' stroke='none'/>";
    s << "<circle cx='" << num(px(0)) << "' cy='" << num(px(0)) << "' r='" << num(radius_mm * scale)
      << "' fill='none' stroke='#1d232b' stroke-dasharray='4 3'/>";
    for (const Line& c : cuts) {
      s << "<line x1='" << num(px(c.x0)) << "' y1='" << num(px(c.z0)) << "' x2='" << num(px(c.x1))
        << "' y2='" << num(px(c.z1)) << "' stroke='" << (c.strayed ? "#c62828" : "#2e7d32")
        << "' stroke-width='2'/>";
    }
    s << "</g></svg>";
    return s.str();
  }
};

}  // namespace medvision
