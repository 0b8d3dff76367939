// Stable neo-Hookean tetrahedra (Macklin & Mueller 2021, "A Constraint-based
// Formulation of Stable Neo-Hookean Materials"), energy per tet
//   V [ mu/2 tr(F^T F) + lambda'/2 (det F - gamma)^2 ],   F = Ds Dm^-1,
// with gamma, lambda' as derived in tissue_model.cpp. The hydrostatic term is
// the paper's constraint C_H = det F - gamma, compliance 1 / (lambda' V).
//
// The deviatoric term is NOT projected as the paper's scalar constraint
// C_D = sqrt(tr(F^T F)): that made the solver only conditionally stable. An
// XPBD projection is one Gauss-Newton step: it keeps grad C grad C^T / alpha
// and drops the curvature term lambda * d2C/dx2. At rest C_D = sqrt(3) and its
// multiplier carries the rest stress that balances the hydrostatic one, and
// both gradients point along F = I, so the Gauss-Newton matrix has no shear
// or rotation part at all: the whole shear stiffness (mu from d2C_D, and mu
// from d2C_H = d2 det F times the hydrostatic multiplier -mu V) was applied
// explicitly, from the predicted positions, and an explicit update of
// stiffness k is stable only while h^2 k / m < 4/3. Measured on a block at
// rest: unstable once mu h^2 / (rho l^2) > ~0.1 (docs/sim.md, "Stability").
//
// Instead the deviatoric term is written as the nine components of F, which
// are linear in x, so their Gauss-Newton step is exact:
//   C_D = F - (1 - 1/c) F*,   compliance 1 / (c mu V),   c = 2,
// F* the deformation gradient at the start of the projection (a constant for
// the projection). Its energy c mu V / 2 |F - (1 - 1/c) F*|^2 has gradient
// mu V F* at F = F*, which is the paper's deviatoric force: the forces, hence
// every equilibrium, are unchanged. Its Hessian is c mu V I, the true Hessian
// of the shear modes at rest (mu from tr F^T F plus mu from the hydrostatic
// term's curvature), so at rest one substep on shear is exactly backward Euler
// and the body is unconditionally stable at rest; in rotation modes it
// overestimates (true 0), which only damps the correction. c = 2 keeps the
// numerical compliance (see docs/sim.md, "Accuracy") lowest among the stable
// choices (c >= 1.5 by a single-mode analysis; 1.2 measured unstable).
//
// Both constraints are solved together per tet, multipliers from zero each
// substep (Small Steps, Macklin et al. 2019), with lambda_D a 3x3 matrix.
// With g_k = Dm^-T row k (g_0 = -g_1 - g_2 - g_3), w_k inverse masses,
//   A = sum_k w_k g_k g_k^T,  aD = 1 / (c mu V h^2),  aH = 1 / (lambda' V h^2),
//   S = (A + aD I)^-1,  G = cof F*,  J = det F*,
// eliminating lambda_D (Schur complement) gives
//   lambda_H = (-C_H + J (3 - aD tr S) / c) / (aD tr(G^T G A S) + aH),
//   P = (aD lambda_H G - F* / c) S,      dx_k = w_k P g_k,
// where A S = I - aD S. At rest P = 0 exactly (lambda_H = mu V h^2). The
// denominator is at least aH > 0 and S is symmetric positive definite, so the
// step is defined for every F, through det F = 0 and for inverted elements.

#include <cmath>

#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {
namespace {

// Shear stiffness of the deviatoric step relative to mu (see above).
constexpr Real kDeviatoricScale = 2.0;

struct TetMultipliers {
  Real hydrostatic = 0, deviatoric = 0;
};

// Inverse of a symmetric positive definite 3x3 (row-major in and out).
void invert_symmetric(const Real a[3][3], Real out[3][3]) {
  out[0][0] = a[1][1] * a[2][2] - a[1][2] * a[1][2];
  out[0][1] = a[0][2] * a[1][2] - a[0][1] * a[2][2];
  out[0][2] = a[0][1] * a[1][2] - a[0][2] * a[1][1];
  out[1][1] = a[0][0] * a[2][2] - a[0][2] * a[0][2];
  out[1][2] = a[0][2] * a[0][1] - a[0][0] * a[1][2];
  out[2][2] = a[0][0] * a[1][1] - a[0][1] * a[0][1];
  const Real inv_det = 1.0 / (a[0][0] * out[0][0] + a[0][1] * out[0][1] + a[0][2] * out[0][2]);
  for (int r = 0; r < 3; ++r) {
    for (int c = r; c < 3; ++c) {
      out[r][c] *= inv_det;
      out[c][r] = out[r][c];
    }
  }
}

TetMultipliers project_tet(const TetConstraints& tets, std::size_t t, const Real* inv_mass, Real* x,
                           Real inv_h2, bool first_substep, Real* blocks) {
  const auto& v = tets.vertices[t];
  Real* p[4];
  Real w[4];
  for (int k = 0; k < 4; ++k) {
    p[k] = x + 3 * v[k];
    w[k] = inv_mass[v[k]];
  }
  const Real* dm = tets.inv_rest_shape[t].data();  // column-major: Dm^-1(r, c) = dm[r + 3 c]

  Real g[4][3];  // g_k: dF/dx_k = I (x) g_k^T; g_{j+1} = row j of Dm^-1
  for (int j = 0; j < 3; ++j) {
    for (int c = 0; c < 3; ++c) g[j + 1][c] = dm[j + 3 * c];
  }
  for (int c = 0; c < 3; ++c) g[0][c] = -(g[1][c] + g[2][c] + g[3][c]);

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
  const Real det_f = dot3(f[0], cof[0]);
  const Real c_h = det_f - tets.rest_volume_ratio[t];

  const Real a_d = tets.deviatoric_compliance[t] * inv_h2 / kDeviatoricScale;
  const Real a_h = tets.hydrostatic_compliance[t] * inv_h2;
  Real s[3][3];  // S = (A + aD I)^-1, cached for the step's later substeps
  Real* cached = blocks + 6 * t;
  if (first_substep) {
    Real a[3][3];  // A + aD I (pinned vertices have w = 0 and add nothing)
    Real wg[4][3];
    for (int k = 0; k < 4; ++k) {
      for (int c = 0; c < 3; ++c) wg[k][c] = w[k] * g[k][c];
    }
    for (int r = 0; r < 3; ++r) {
      for (int c = r; c < 3; ++c)
        a[r][c] = wg[0][r] * g[0][c] + wg[1][r] * g[1][c] + wg[2][r] * g[2][c] + wg[3][r] * g[3][c];
    }
    a[0][0] += a_d;
    a[1][1] += a_d;
    a[2][2] += a_d;
    a[1][0] = a[0][1];
    a[2][0] = a[0][2];
    a[2][1] = a[1][2];
    invert_symmetric(a, s);
    cached[0] = s[0][0];
    cached[1] = s[1][1];
    cached[2] = s[2][2];
    cached[3] = s[0][1];
    cached[4] = s[0][2];
    cached[5] = s[1][2];
  } else {
    s[0][0] = cached[0];
    s[1][1] = cached[1];
    s[2][2] = cached[2];
    s[0][1] = s[1][0] = cached[3];
    s[0][2] = s[2][0] = cached[4];
    s[1][2] = s[2][1] = cached[5];
  }

  // tr(G^T G A S) = |G|^2 - aD tr(G^T G S), G^T G and S symmetric.
  const Real q00 = dot3(cof[0], cof[0]), q11 = dot3(cof[1], cof[1]), q22 = dot3(cof[2], cof[2]);
  const Real q01 = dot3(cof[0], cof[1]), q02 = dot3(cof[0], cof[2]), q12 = dot3(cof[1], cof[2]);
  const Real cof_sq = q00 + q11 + q22;
  const Real cof_s = q00 * s[0][0] + q11 * s[1][1] + q22 * s[2][2] +
                     2 * (q01 * s[0][1] + q02 * s[0][2] + q12 * s[1][2]);
  const Real trace_s = s[0][0] + s[1][1] + s[2][2];
  const Real inv_c = 1.0 / kDeviatoricScale;
  const Real lambda_h =
      (-c_h + det_f * (3 - a_d * trace_s) * inv_c) / (a_d * (cof_sq - a_d * cof_s) + a_h);

  Real m[3][3];  // columns of aD lambda_H G - F* / c
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r) m[c][r] = a_d * lambda_h * cof[c][r] - f[c][r] * inv_c;
  }
  Real pm[3][3];  // columns of P = m S
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r)
      pm[c][r] = m[0][r] * s[0][c] + m[1][r] * s[1][c] + m[2][r] * s[2][c];
  }
  for (int k = 0; k < 4; ++k) {
    if (w[k] == 0) continue;
    for (int r = 0; r < 3; ++r)
      p[k][r] += w[k] * (pm[0][r] * g[k][0] + pm[1][r] * g[k][1] + pm[2][r] * g[k][2]);
  }

  // The matrix multiplier is lambda_D = P - lambda_H G. Stored as the scalar
  // lambda_D : F* (rotation invariant; -3 mu V h^2 at rest), where the
  // paper's scalar C_D had its multiplier; cof F : F = 3 det F.
  Real p_dot_f = 0;
  for (int c = 0; c < 3; ++c) p_dot_f += dot3(pm[c], f[c]);
  return {lambda_h, p_dot_f - 3 * lambda_h * det_f};
}

}  // namespace

void project_tets(const TissueModel& model, TissueState& state, Real h, bool first_substep,
                  Real* blocks, Phases& phases) {
  const Real inv_h2 = 1.0 / (h * h);
  Real* x = coordinates(state.position);
  const Real* inv_mass = model.inv_mass.data();
  phases.per_colour(model.tets.colouring, [&](std::size_t t) {
    const TetMultipliers dl =
        project_tet(model.tets, t, inv_mass, x, inv_h2, first_substep, blocks);
    state.lambda_hydrostatic[t] = dl.hydrostatic;
    state.lambda_deviatoric[t] = dl.deviatoric;
  });
}

}  // namespace medvision::sim
