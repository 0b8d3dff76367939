// Attachments to fixed anatomy: C = |x - target| (point) or
// C = n . (x - target) (plane), with XPBD compliance (Macklin et al. 2016).

#include "sim/xpbd_stages.h"

namespace medvision::sim {

void project_attachments(const TissueModel& model, TissueState& state, Real h, Phases& phases) {
  const Real inv_h2 = 1.0 / (h * h);
  const Attachments& a = model.attachments;
  phases.per_colour(a.colouring, [&](std::size_t c) {
    const std::int32_t i = a.particle[c];
    const Real w = model.inv_mass[i];
    Vec3& x = state.position[i];
    state.lambda_attachment[c] = 0;
    Real constraint = 0;
    Vec3 gradient;
    if (a.kind[c] == AttachmentKind::plane) {
      gradient = a.normal[c];
      constraint = gradient.dot(x - a.target[c]);
    } else {
      const Vec3 delta = x - a.target[c];
      constraint = delta.norm();
      if (constraint == 0) return;
      gradient = delta / constraint;
    }
    const Real denominator = w + a.compliance[c] * inv_h2;
    if (denominator == 0) return;
    const Real dl = -constraint / denominator;
    state.lambda_attachment[c] = dl;
    x += w * dl * gradient;
  });
}

}  // namespace medvision::sim
