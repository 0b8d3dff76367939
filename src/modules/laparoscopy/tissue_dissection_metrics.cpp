#include "modules/laparoscopy/tissue_dissection_metrics.h"

#include <cmath>
#include <vector>

namespace medvision::laparoscopy {

void add_tissue_dissection_metrics(const assess::LogView& view, double t0_s,
                                   assess::Measurements& m) {
  double duct_length_mm = 0;
  if (const auto* ready = view.first("dissection_ready"))
    duct_length_mm = ready->payload.value("duct_length_mm", 0.0);
  std::vector<double> clips;
  for (const auto* c : view.of_type("clip_applied"))
    clips.push_back(c->payload.value("along_duct", 0.0));
  m["clips_applied"] = {static_cast<double>(clips.size()), "count"};
  m["clips_missed"] = {static_cast<double>(view.of_type("clip_missed").size()), "count"};
  if (clips.size() >= 2)
    m["clip_spacing_mm"] = {std::abs(clips[1] - clips[0]) * duct_length_mm, "mm"};

  // The first cut that reached the duct is the division (or the mistake).
  const auto cuts = view.of_type("duct_cut");
  m["cuts"] = {static_cast<double>(cuts.size()), "count"};
  m["cuts_missed"] = {static_cast<double>(view.of_type("cut_missed").size()), "count"};
  double organ_cut = 0;
  for (const auto* c : cuts) organ_cut += c->payload.value("organ_elements_cut", 0.0);
  m["organ_elements_cut"] = {organ_cut, "count"};
  m["cut_between_clips"] = {
      !cuts.empty() && cuts.front()->payload.value("between_clips", false) ? 1.0 : 0.0, "count"};
  bool divided = false;
  for (const auto* c : cuts) divided = divided || c->payload.value("divided", false);
  m["duct_divided"] = {divided ? 1.0 : 0.0, "count"};

  const auto damage = view.of_type("tissue_damage");
  double by_force = 0;
  for (const auto* d : damage) by_force += d->payload.value("cause", "") == "grasp_force" ? 1 : 0;
  m["damage_events"] = {static_cast<double>(damage.size()), "count"};
  m["damage_by_grasp_force"] = {by_force, "count"};
  m["damage_by_stretch"] = {static_cast<double>(damage.size()) - by_force, "count"};
  if (const auto* exposed = view.first("duct_exposed"))
    m["time_to_exposure_s"] = {exposed->t_s - t0_s, "s"};
}

}  // namespace medvision::laparoscopy
