#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {

// Macklin et al. 2019, Algorithm 1, lines 4-6: explicit prediction with
// gravity, x* = x + h v + h^2 g; the constraints that follow make the step
// implicit.
void predict(const TissueModel& model, TissueState& state, Real h, const Vec3& gravity,
             Phases& phases) {
  const Real dv[3] = {h * gravity.x(), h * gravity.y(), h * gravity.z()};
  Real* x = coordinates(state.position);
  Real* x_prev = coordinates(state.previous_position);
  Real* v = coordinates(state.velocity);
  const Real* inv_mass = model.inv_mass.data();
  phases.range(0, model.particles(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      for (std::size_t r = 3 * i; r < 3 * i + 3; ++r) x_prev[r] = x[r];
      if (inv_mass[i] == 0) continue;
      for (std::size_t r = 0; r < 3; ++r) {
        v[3 * i + r] += dv[r];
        x[3 * i + r] += h * v[3 * i + r];
      }
    }
  });
}

}  // namespace medvision::sim
