#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {

// Macklin et al. 2019, Algorithm 1, line 12: v = (x - x_prev) / h. Damping
// dv/dt = -c v is applied implicitly, v /= (1 + c h), so it never overshoots.
void update_velocities(const TissueModel& model, TissueState& state, Real h, Real damping_per_s,
                       Phases& phases) {
  const Real scale = 1.0 / (h * (1.0 + damping_per_s * h));
  const Real* x = coordinates(state.position);
  const Real* x_prev = coordinates(state.previous_position);
  Real* v = coordinates(state.velocity);
  const Real* inv_mass = model.inv_mass.data();
  phases.range(0, model.particles(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const Real s = inv_mass[i] == 0 ? 0.0 : scale;
      for (std::size_t r = 3 * i; r < 3 * i + 3; ++r) v[r] = (x[r] - x_prev[r]) * s;
    }
  });
}

}  // namespace medvision::sim
