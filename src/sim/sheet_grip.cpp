#include "sim/sheet_grip.h"

#include <algorithm>

namespace medvision::sim {

SheetGrip grip_sheet(TissueModel& model, const TissueState& state, const Transform& jaws,
                     Real length_m, Real radius_m) {
  SheetGrip grip;
  const Vec3 along = jaws.rotation * Vec3::UnitZ();
  const Quat to_local = jaws.rotation.conjugate();
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (model.inv_mass[i] == 0) continue;
    const Vec3 r = state.position[i] - jaws.translation;
    const Real s = std::clamp(r.dot(along), Real(0), length_m);
    if ((r - s * along).norm() > radius_m) continue;
    grip.particles.push_back(static_cast<std::int32_t>(i));
    grip.local.push_back(to_local * r);
  }
  if (grip.holding()) {
    for (std::int32_t p : grip.particles) model.inv_mass[static_cast<std::size_t>(p)] = 0;
    finish_model(model);
  }
  return grip;
}

void carry_grip(const SheetGrip& grip, TissueState& state, const Transform& jaws) {
  for (std::size_t k = 0; k < grip.particles.size(); ++k) {
    const auto i = static_cast<std::size_t>(grip.particles[k]);
    state.position[i] = jaws.apply(grip.local[k]);
    state.velocity[i] = Vec3::Zero();
  }
}

void release_grip(TissueModel& model, SheetGrip& grip) {
  if (!grip.holding()) return;
  for (std::int32_t p : grip.particles) {
    const auto i = static_cast<std::size_t>(p);
    if (model.mass[i] > 0) model.inv_mass[i] = 1 / model.mass[i];
  }
  grip = SheetGrip{};
  finish_model(model);
}

Vec3 grip_load(const TissueModel& model, const TissueState& state, const SheetGrip& grip, Real h) {
  if (!grip.holding() || state.lambda_distance.size() != model.distances.size())
    return Vec3::Zero();
  std::vector<bool> held(model.particles(), false);
  for (std::int32_t p : grip.particles) held[static_cast<std::size_t>(p)] = true;
  Vec3 force = Vec3::Zero();
  for (std::size_t c = 0; c < model.distances.size(); ++c) {
    const auto [i, j] = model.distances.particles[c];
    const bool hi = held[static_cast<std::size_t>(i)], hj = held[static_cast<std::size_t>(j)];
    if (hi == hj) continue;
    const Vec3 delta =
        state.position[static_cast<std::size_t>(i)] - state.position[static_cast<std::size_t>(j)];
    const Real len = delta.norm();
    if (len == 0) continue;
    // grad_i C = delta / len, grad_j C = -delta / len.
    const Vec3 on_i = state.lambda_distance[c] * delta / len / (h * h);
    force += hi ? on_i : Vec3(-on_i);
  }
  return force;
}

}  // namespace medvision::sim
