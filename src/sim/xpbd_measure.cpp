#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {
namespace {

Real max_edge_stretch(const TissueModel& model, const Real* x) {
  if (model.edges.empty()) return 1;
  Real max_stretch = 0;
  for (std::size_t e = 0; e < model.edges.size(); ++e) {
    const Real* a = x + 3 * model.edges[e][0];
    const Real* b = x + 3 * model.edges[e][1];
    const Real d[3] = {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    max_stretch = std::max(max_stretch, std::sqrt(dot3(d, d)) / model.edge_rest_length[e]);
  }
  return max_stretch;
}

// det F = det Ds * det Dm^-1, with det Dm^-1 = 1 / (6 V).
Real volume_ratio(const TetConstraints& tets, std::size_t t, const Real* x) {
  const auto& v = tets.vertices[t];
  const Real* x0 = x + 3 * v[0];
  Real e[3][3];
  for (int k = 0; k < 3; ++k) {
    const Real* xk = x + 3 * v[k + 1];
    for (int r = 0; r < 3; ++r) e[k][r] = xk[r] - x0[r];
  }
  Real n[3];
  cross3(e[0], e[1], n);
  return dot3(n, e[2]) / (6.0 * tets.rest_volume[t]);
}

}  // namespace

void measure_deformation(const TissueModel& model, const TissueState& state, StepOutputs& outputs) {
  const Real* x = coordinates(state.position);
  Real min_ratio = model.tets.size() == 0 ? 1 : std::numeric_limits<Real>::infinity();
  int inverted = 0;
  for (std::size_t t = 0; t < model.tets.size(); ++t) {
    const Real j = volume_ratio(model.tets, t, x);
    min_ratio = std::min(min_ratio, j);
    if (j < 0) ++inverted;
  }
  outputs.max_edge_stretch = max_edge_stretch(model, x);
  outputs.min_volume_ratio = min_ratio;
  outputs.inverted_tets = inverted;
}

}  // namespace medvision::sim
