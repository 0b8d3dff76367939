#include "modules/laparoscopy/pattern_cutting_metrics.h"

#include <algorithm>
#include <numbers>

namespace medvision::laparoscopy {

double add_pattern_cutting_metrics(const assess::LogView& view, assess::Measurements& m) {
  double radius_mm = 25;
  if (const auto* ready = view.first("gauze_ready"))
    radius_mm = ready->payload.value("radius_mm", radius_mm);
  double outside = 0, worst = 0;
  const auto cuts = view.of_type("cut");
  for (const auto* c : cuts) {
    outside += c->payload.value("outside_band_mm2", 0.0);
    worst = std::max(worst, c->payload.value("max_deviation_mm", 0.0));
  }
  const double circle_area = std::numbers::pi * radius_mm * radius_mm;
  const double penalty = 100 * outside / circle_area;
  m["cuts"] = {static_cast<double>(cuts.size()), "count"};
  m["area_outside_band_mm2"] = {outside, "mm2"};
  m["max_cut_deviation_mm"] = {worst, "mm"};
  m["cut_deviation_pct"] = {penalty, "%"};
  m["circle_freed"] = {view.first("circle_freed") ? 1.0 : 0.0, "count"};
  return penalty;
}

}  // namespace medvision::laparoscopy
