#include "records/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace medvision::records {

using nlohmann::json;

std::string escape_html(const std::string& s) {
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

std::string clock_text(double t_s) {
  char buf[16];
  const int total = static_cast<int>(std::floor(t_s));
  std::snprintf(buf, sizeof buf, "%d:%02d", total / 60, total % 60);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string time_series_svg(const std::vector<std::pair<double, json>>& vitals,
                            const std::vector<std::pair<double, std::string>>& markers,
                            const std::vector<PlotSeries>& series, double y_max,
                            const std::string& title) {
  const double w = 860, h = 220, left = 50, right = 20, top = 28, bottom = 30;
  const double t_end = std::max(1.0, vitals.empty() ? 1.0 : vitals.back().first);
  auto x = [&](double t) { return left + (w - left - right) * t / t_end; };
  auto y = [&](double v) {
    return top + (h - top - bottom) * (1.0 - std::clamp(v, 0.0, y_max) / y_max);
  };
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
      << "' role='img' aria-label='" << escape_html(title) << "'>";
  svg << "<text x='" << left << "' y='16' font-size='13' font-weight='bold'>" << escape_html(title)
      << "</text>";
  svg << "<rect x='" << left << "' y='" << top << "' width='" << (w - left - right) << "' height='"
      << (h - top - bottom) << "' fill='none' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    svg << "<text x='" << (left - 6) << "' y='" << (y(v) + 4)
        << "' font-size='10' text-anchor='end'>" << fixed(v, 0) << "</text>";
  }
  for (const auto& [t, label] : markers) {
    svg << "<line x1='" << x(t) << "' x2='" << x(t) << "' y1='" << top << "' y2='" << (h - bottom)
        << "' stroke='#bbb' stroke-dasharray='3,3'><title>"
        << escape_html(clock_text(t) + " " + label) << "</title></line>";
  }
  double legend_x = w - right - 10;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    std::ostringstream path;
    bool first = true;
    for (const auto& [t, v] : vitals) {
      if (!v.contains(it->key) || !v[it->key].is_number()) continue;
      path << (first ? "M" : "L") << fixed(x(t), 1) << "," << fixed(y(v[it->key].get<double>()), 1)
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
      << "' font-size='10' text-anchor='middle'>time (m:ss), 0:00 - " << clock_text(t_end)
      << "</text>";
  svg << "</svg>";
  return svg.str();
}

}  // namespace medvision::records
