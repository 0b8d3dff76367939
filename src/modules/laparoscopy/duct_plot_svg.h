#pragma once
// The debrief plot of the tissue-dissection task: the duct drawn straight,
// its proximal end on the left, with the clips where they closed, the gap
// the scenario asks between them, and the cut (green between the clips, red
// outside them), from the `dissection_ready`, `clip_applied` and `duct_cut`
// events (modules/laparoscopy/tissue_dissection_run.h).

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace medvision {

struct DuctPlot {
  double length_mm = 0;
  std::vector<double> clips;  // along the duct, 0..1
  struct Cut {
    double at;
    bool between;
  };
  std::vector<Cut> cuts;

  // Reads what it needs from one event; ignores every other type.
  void add(const std::string& type, const nlohmann::json& p) {
    if (type == "dissection_ready") {
      length_mm = p.value("duct_length_mm", 0.0);
    } else if (type == "clip_applied" && p.contains("along_duct") && p["along_duct"].is_number()) {
      clips.push_back(p["along_duct"].get<double>());
    } else if (type == "duct_cut" && p.contains("along_duct") && p["along_duct"].is_number()) {
      cuts.push_back({p["along_duct"].get<double>(), p.value("between_clips", false)});
    }
  }

  bool empty() const { return length_mm <= 0; }

  std::string svg() const {
    const double width = 520, pad = 30, y = 70;
    const double scale = (width - 2 * pad);  // per unit of the duct's length
    const auto px = [&](double f) { return pad + f * scale; };
    const auto num = [](double v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f", v);
      return std::string(buf);
    };
    std::ostringstream s;
    s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width
      << "' height='130' role='img' aria-label='Clips and cut along the duct'>";
    s << "<text x='" << pad << "' y='16' font-size='13' font-weight='bold'>The " << num(length_mm)
      << " mm duct: clips (grey) and the cut (green between the clips, red outside)</text>";
    s << "<text x='" << pad << "' y='" << num(y - 22) << "' font-size='11'>proximal</text>";
    s << "<text x='" << num(width - pad) << "' y='" << num(y - 22)
      << "' font-size='11' text-anchor='end'>distal</text>";
    s << "<rect x='" << num(px(0)) << "' y='" << num(y - 6) << "' width='" << num(scale)
      << "' height='12' rx='6' fill='#e8d27a' stroke='#b79b2e'/>";
    for (std::size_t i = 0; i < clips.size(); ++i) {
      s << "<rect x='" << num(px(clips[i]) - 3) << "' y='" << num(y - 14)
        << "' width='6' height='28' fill='#607d8b'/>";
      s << "<text x='" << num(px(clips[i])) << "' y='" << num(y + 30)
        << "' font-size='11' text-anchor='middle'>clip " << (i + 1) << " at "
        << num(clips[i] * length_mm) << " mm</text>";
    }
    if (clips.size() >= 2) {
      const double a = std::min(clips[0], clips[1]), b = std::max(clips[0], clips[1]);
      s << "<text x='" << num(px((a + b) / 2)) << "' y='" << num(y + 46)
        << "' font-size='11' text-anchor='middle'>gap " << num((b - a) * length_mm) << " mm</text>";
    }
    for (const Cut& c : cuts) {
      s << "<line x1='" << num(px(c.at)) << "' y1='" << num(y - 20) << "' x2='" << num(px(c.at))
        << "' y2='" << num(y + 20) << "' stroke='" << (c.between ? "#2e7d32" : "#c62828")
        << "' stroke-width='3'/>";
    }
    s << "</svg>";
    return s.str();
  }
};

}  // namespace medvision
