#include "sim/cautery.h"

#include <algorithm>

#include "sim/tet_cut.h"

namespace medvision::sim {

CauteryStep apply_cautery(TissueModel& model, TissueState& state, const Vec3& tip, Real dt,
                          const CauterySpec& spec, const std::vector<bool>& include) {
  CauteryStep out;
  TetConstraints& tets = model.tets;
  std::vector<std::size_t> zone;
  Real volume = 0;
  for (std::size_t t = 0; t < tets.size(); ++t) {
    const auto& v = tets.vertices[t];
    bool allowed = true;
    Vec3 centre = Vec3::Zero();
    for (const std::int32_t p : v) {
      if (!include.empty() && !include[static_cast<std::size_t>(p)]) allowed = false;
      centre += state.position[static_cast<std::size_t>(p)];
    }
    centre /= 4;
    if (!allowed || (centre - tip).norm() > spec.contact_radius_m) continue;
    zone.push_back(t);
    volume += tets.rest_volume[t];
    out.centre += centre;
  }
  if (zone.empty() || !(dt > 0) || !(spec.power_W > 0)) return out;
  out.heated = static_cast<int>(zone.size());
  out.centre /= static_cast<Real>(zone.size());
  out.energy_J = spec.power_W * dt;
  const Real rise =
      out.energy_J / (spec.density_kg_per_m3 * spec.specific_heat_J_per_kg_K * volume);
  std::vector<bool> drop(tets.size(), false);
  bool weakened = false;
  for (const std::size_t t : zone) {
    const Real before = tets.temperature_C[t];
    const Real after = before + rise;
    tets.temperature_C[t] = after;
    out.max_temperature_C = std::max(out.max_temperature_C, after);
    if (before < spec.coagulation_C && after >= spec.coagulation_C) {
      tets.mu[t] *= spec.coagulated_stiffness;
      tets.lambda[t] *= spec.coagulated_stiffness;
      weakened = true;
      ++out.coagulated;
    }
    if (after >= spec.vaporisation_C) {
      drop[t] = true;
      ++out.vaporised;
    }
  }
  if (out.vaporised > 0) {
    out.particles_freed = remove_tets(model, state, drop);  // rebuilds the derived constants too
  } else if (weakened) {
    finish_model(model);  // the compliances follow the new Lame parameters
  }
  return out;
}

}  // namespace medvision::sim
