// Distance constraints C = |x_i - x_j| - L (Mueller et al. 2007, "Position
// Based Dynamics", sec. 3.3) with compliance (Macklin et al. 2016, eq. 18,
// the multiplier starting at zero each substep).

#include <cmath>

#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {

void project_distances(const TissueModel& model, TissueState& state, Real h, Phases& phases) {
  const Real inv_h2 = 1.0 / (h * h);
  const DistanceConstraints& d = model.distances;
  Real* x = coordinates(state.position);
  const Real* inv_mass = model.inv_mass.data();
  phases.per_colour(d.colouring, [&](std::size_t c) {
    const std::int32_t i = d.particles[c][0], j = d.particles[c][1];
    Real* xi = x + 3 * i;
    Real* xj = x + 3 * j;
    const Real delta[3] = {xi[0] - xj[0], xi[1] - xj[1], xi[2] - xj[2]};
    const Real len = std::sqrt(dot3(delta, delta));
    const Real wi = inv_mass[i], wj = inv_mass[j];
    const Real denominator = wi + wj + d.compliance[c] * inv_h2;
    state.lambda_distance[c] = 0;
    if (len == 0 || denominator == 0) return;
    const Real dl = -(len - d.rest_length[c]) / denominator;
    state.lambda_distance[c] = dl;
    for (int r = 0; r < 3; ++r) {
      const Real n = delta[r] / len;
      xi[r] += wi * dl * n;
      xj[r] -= wj * dl * n;
    }
  });
}

}  // namespace medvision::sim
