// Dihedral-angle bending, C = theta - theta_rest (wrapped to (-pi, pi]), the
// constraint of Mueller et al. 2007 ("Position Based Dynamics", sec. 4.2 and
// appendix A) with the closed-form angle gradient of Bridson et al. 2003 (see
// dihedral.h) and XPBD compliance (Macklin et al. 2016).

#include "sim/dihedral.h"
#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {

void project_bending(const TissueModel& model, TissueState& state, Real h, Phases& phases) {
  const Real inv_h2 = 1.0 / (h * h);
  const BendingConstraints& b = model.bending;
  Real* x = coordinates(state.position);
  const Real* inv_mass = model.inv_mass.data();
  phases.per_colour(b.colouring, [&](std::size_t c) {
    const auto& p = b.particles[c];
    Real angle = 0, gradient[4][3];
    state.lambda_bending[c] = 0;
    if (!dihedral_angle_with_gradient(x + 3 * p[0], x + 3 * p[1], x + 3 * p[2], x + 3 * p[3], angle,
                                      gradient))
      return;
    Real denominator = b.compliance[c] * inv_h2;
    for (std::size_t k = 0; k < 4; ++k)
      denominator += inv_mass[p[k]] * dot3(gradient[k], gradient[k]);
    if (denominator == 0) return;
    const Real dl = -angle_difference(angle, b.rest_angle[c]) / denominator;
    state.lambda_bending[c] = dl;
    for (std::size_t k = 0; k < 4; ++k) {
      const Real scale = inv_mass[p[k]] * dl;
      for (int r = 0; r < 3; ++r) x[3 * p[k] + r] += scale * gradient[k][r];
    }
  });
}

}  // namespace medvision::sim
