#pragma once
// Small helpers the solver's validation tests share.

#include <cmath>
#include <vector>

#include "sim/xpbd_solver.h"

namespace medvision::sim::tissue_test {

inline const Material kLiver{10e3, 0.45};  // Young's modulus ~10 kPa, nearly incompressible

// Steps the solver for `seconds` in steps of `dt`; returns the last outputs.
inline StepOutputs run_for(XpbdSolver& solver, const TissueModel& model, TissueState& state,
                           Real seconds, Real dt, const StepInputs& inputs = {}) {
  StepOutputs out;
  const long steps = std::lround(seconds / dt);
  for (long i = 0; i < steps; ++i) out = solver.step(model, state, dt, inputs);
  return out;
}

template <class Predicate>
std::vector<std::size_t> particles_where(const TissueModel& model, Predicate where) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (where(model.rest_position[i])) out.push_back(i);
  }
  return out;
}

inline Vec3 mean_position(const TissueState& state, const std::vector<std::size_t>& which) {
  Vec3 sum = Vec3::Zero();
  for (std::size_t i : which) sum += state.position[i];
  return sum / static_cast<Real>(which.size());
}

// Current volume of the tets (signed: inverted tets count negative).
inline Real current_volume(const TissueModel& model, const TissueState& state) {
  Real v = 0;
  for (const auto& t : model.tets.vertices) {
    auto x = [&](int k) { return state.position[t[k]]; };
    v += (x(1) - x(0)).cross(x(2) - x(0)).dot(x(3) - x(0)) / 6.0;
  }
  return v;
}

inline Real max_distance(const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
  Real worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).norm());
  return worst;
}

inline bool all_finite(const TissueState& state) {
  for (std::size_t i = 0; i < state.position.size(); ++i) {
    if (!state.position[i].allFinite() || !state.velocity[i].allFinite()) return false;
  }
  return true;
}

}  // namespace medvision::sim::tissue_test
