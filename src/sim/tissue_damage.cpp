#include "sim/tissue_damage.h"

namespace medvision::sim {
namespace {

// Rising-edge detection with hysteresis; true when an event starts.
bool crosses(bool& over, Real value, Real threshold, Real rearm_fraction) {
  if (over) {
    if (value < rearm_fraction * threshold) over = false;
    return false;
  }
  if (value > threshold) {
    over = true;
    return true;
  }
  return false;
}

}  // namespace

const char* to_string(DamageCause cause) {
  switch (cause) {
    case DamageCause::grasp_force:
      return "grasp_force";
    case DamageCause::stretch:
      return "stretch";
  }
  return "unknown";
}

StretchPeak peak_edge_stretch(const TissueModel& model, const TissueState& state,
                              const std::vector<bool>& include) {
  StretchPeak peak;
  for (std::size_t e = 0; e < model.edges.size(); ++e) {
    const auto a = static_cast<std::size_t>(model.edges[e][0]);
    const auto b = static_cast<std::size_t>(model.edges[e][1]);
    if (!include.empty() && !(include[a] && include[b])) continue;
    const Real s = (state.position[a] - state.position[b]).norm() / model.edge_rest_length[e];
    if (s > peak.stretch) {
      peak.stretch = s;
      peak.edge = static_cast<std::int32_t>(e);
      peak.midpoint = (state.position[a] + state.position[b]) / 2;
    }
  }
  return peak;
}

std::vector<DamageEvent> DamageMonitor::check(Real grasp_force_N, const Vec3& grasp_point,
                                              const StretchPeak& stretch) {
  std::vector<DamageEvent> events;
  const DamageThresholds& t = thresholds;
  if (crosses(force_over, grasp_force_N, t.grasp_force_N, t.rearm_fraction))
    events.push_back({DamageCause::grasp_force, grasp_force_N, t.grasp_force_N, grasp_point});
  if (crosses(stretch_over, stretch.stretch, t.edge_stretch, t.rearm_fraction))
    events.push_back({DamageCause::stretch, stretch.stretch, t.edge_stretch, stretch.midpoint});
  return events;
}

}  // namespace medvision::sim
