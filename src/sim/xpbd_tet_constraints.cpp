// Stable neo-Hookean tetrahedra as two XPBD constraints (Macklin & Mueller
// 2021, "A Constraint-based Formulation of Stable Neo-Hookean Materials"):
//   deviatoric  C_D = sqrt(tr(F^T F)),  compliance 1 / (mu V)
//   hydrostatic C_H = det F - gamma,    compliance 1 / (lambda' V)
// with F = Ds Dm^-1 and gamma, lambda' as derived in tissue_model.cpp.
//
// Gradients: for C(F), dC/dx_j (j = 1..3) is column j of (dC/dF) Dm^-T and
// dC/dx_0 is minus their sum; dC_D/dF = F / C_D and dC_H/dF = cof F, whose
// columns are f1 x f2, f2 x f0, f0 x f1 (f_c the columns of F).
//
// The pair is solved as one 2x2 block per tet (a block Gauss-Seidel step):
//   [gH.W.gH + aH   gH.W.gD     ] [dlH]   [-C_H]
//   [gH.W.gD        gD.W.gD + aD] [dlD] = [-C_D],   a = compliance / h^2,
// multipliers starting at zero each substep (Small Steps). Solved one after
// the other the two do not cancel at rest (there their forces are equal and
// opposite: gD is parallel to gH at F = I or any rotation): we measured a
// 3 cm block at rest drifting 3 cm in 10 s, and nu = 0.3 reading as 0.71.
// Solved together the rest correction is exactly zero.
//
// C_H and its gradient (the cofactor) stay well defined through det F = 0 and
// for det F < 0: that is why the formulation recovers inverted elements.

#include <cmath>

#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {
namespace {

struct TetMultipliers {
  Real hydrostatic = 0, deviatoric = 0;
};

TetMultipliers project_tet(const TetConstraints& tets, std::size_t t, const Real* inv_mass, Real* x,
                           Real inv_h2) {
  const auto& v = tets.vertices[t];
  Real* p[4];
  Real w[4];
  for (int k = 0; k < 4; ++k) {
    p[k] = x + 3 * v[k];
    w[k] = inv_mass[v[k]];
  }
  const Real* dm = tets.inv_rest_shape[t].data();  // column-major: Dm^-1(r, c) = dm[r + 3 c]

  Real edge[3][3];  // columns of Ds: x_{k+1} - x_0
  for (int k = 0; k < 3; ++k) {
    for (int r = 0; r < 3; ++r) edge[k][r] = p[k + 1][r] - p[0][r];
  }
  Real f[3][3];  // columns of F = Ds Dm^-1
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r)
      f[c][r] = edge[0][r] * dm[3 * c] + edge[1][r] * dm[1 + 3 * c] + edge[2][r] * dm[2 + 3 * c];
  }
  Real cof[3][3];  // columns of cof F = d(det F)/dF
  cross3(f[1], f[2], cof[0]);
  cross3(f[2], f[0], cof[1]);
  cross3(f[0], f[1], cof[2]);
  const Real c_h = dot3(f[0], cof[0]) - tets.rest_volume_ratio[t];
  const Real c_d = std::sqrt(dot3(f[0], f[0]) + dot3(f[1], f[1]) + dot3(f[2], f[2]));
  const Real inv_c_d = c_d > 0 ? 1.0 / c_d : 0.0;

  Real gh[4][3], gd[4][3];  // gradients per vertex
  for (int r = 0; r < 3; ++r) gh[0][r] = gd[0][r] = 0;
  for (int j = 0; j < 3; ++j) {
    for (int r = 0; r < 3; ++r) {
      gh[j + 1][r] = cof[0][r] * dm[j] + cof[1][r] * dm[j + 3] + cof[2][r] * dm[j + 6];
      gd[j + 1][r] = (f[0][r] * dm[j] + f[1][r] * dm[j + 3] + f[2][r] * dm[j + 6]) * inv_c_d;
      gh[0][r] -= gh[j + 1][r];
      gd[0][r] -= gd[j + 1][r];
    }
  }
  Real a11 = tets.hydrostatic_compliance[t] * inv_h2;
  Real a22 = tets.deviatoric_compliance[t] * inv_h2;
  Real a12 = 0;
  for (int k = 0; k < 4; ++k) {
    a11 += w[k] * dot3(gh[k], gh[k]);
    a22 += w[k] * dot3(gd[k], gd[k]);
    a12 += w[k] * dot3(gh[k], gd[k]);
  }
  const Real det = a11 * a22 - a12 * a12;
  if (!(det > 0)) return {};
  const TetMultipliers dl{(-c_h * a22 + c_d * a12) / det, (-c_d * a11 + c_h * a12) / det};
  for (int k = 0; k < 4; ++k) {
    if (w[k] == 0) continue;
    for (int r = 0; r < 3; ++r)
      p[k][r] += w[k] * (gh[k][r] * dl.hydrostatic + gd[k][r] * dl.deviatoric);
  }
  return dl;
}

}  // namespace

void project_tets(const TissueModel& model, TissueState& state, Real h, Phases& phases) {
  const Real inv_h2 = 1.0 / (h * h);
  Real* x = coordinates(state.position);
  const Real* inv_mass = model.inv_mass.data();
  phases.per_colour(model.tets.colouring, [&](std::size_t t) {
    const TetMultipliers dl = project_tet(model.tets, t, inv_mass, x, inv_h2);
    state.lambda_hydrostatic[t] = dl.hydrostatic;
    state.lambda_deviatoric[t] = dl.deviatoric;
  });
}

}  // namespace medvision::sim
