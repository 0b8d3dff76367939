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
// Instead the deviatoric term is projected as a constraint that is linear in
// x, so its Gauss-Newton step is exact, with a target chosen so that its force
// at the predicted F* is the paper's deviatoric force mu V F*: the forces,
// hence every equilibrium, are unchanged; only the matrix of the step is
// better. Its stiffness is k = 2 mu, the true Hessian of the shear modes at
// rest (mu from tr F^T F plus mu from the hydrostatic term's curvature), so
// at rest one substep on shear is exactly backward Euler and the body is
// stable at rest for any substep. Two such constraints (SolverSettings::
// tet_projection):
//
// green_strain (default): the six components of the Green strain linearised
// at F*,  C = sym(F*^T F) - F*^T F* + (mu/k) I,  compliance 1 / (k V). Its
//   gradient is F* Lambda with Lambda symmetric, so the step carries no torque
//   (P F*^T is symmetric), like the paper's rotation-invariant constraints,
//   and rotations get no stiffness in the matrix (true: none). With the
//   hydrostatic constraint it is a 7x7 symmetric positive definite system per
//   tet (Mandel scaling of the off-diagonal strains), solved by LDL^T. With
//   g_k = Dm^-T row k (g_0 = -g_1 - g_2 - g_3), w_k the inverse masses,
//   A = sum_k w_k g_k g_k^T and Q = F*^T F*, the strain block is
//   Lambda -> (Q Lambda A + A Lambda Q) / 2 + aD Lambda, the coupling
//   det F* A, the hydrostatic diagonal tr(cof^T cof A) + aH, where
//   aD = 1 / (k V h^2) and aH = 1 / (lambda' V h^2). Its matrix scales
//   with F*^T F*, so in a compressed, flattened or inverted tet it loses the
//   stiffness the true Hessian has and the step turns partly explicit again:
//   measured, a block squashed flat or mirrored did not recover at
//   mu h^2 / (rho l^2) >= 0.75. Below det F* = 0.8 it therefore takes the
//   linear_f step (same force, a matrix independent of F*), which recovers
//   them up to 3.8 (and stays finite at 38).
// linear_f: the nine components of F,  C = F - (1 - mu/k) F* = F - F*/2,
//   compliance 1 / (k V). Its block is Lambda (A + aD I),
//   so with S = (A + aD I)^-1 (constant through a step: cached) and G = cof F*
//     lambda_H = (-C_H + J (3 - aD tr S) / 2) / (aD tr(G^T G A S) + aH),
//     P = (aD lambda_H G - F* / 2) S,   dx_k = w_k P g_k,
//   about half the work. But F is not rotation invariant: once a tet is
//   stressed and A is not isotropic its step carries a torque, so stressed
//   free bodies spin slowly and clipped or pinched structures ring longer;
//   and rotations are stiffened in the matrix (2 mu, true 0).
//
// At rest both give P = 0 exactly (lambda_H = mu V h^2). Multipliers start
// from zero each substep (Small Steps, Macklin et al. 2019). Both steps stay
// defined through det F = 0 and for inverted elements (the matrices are
// positive definite: aD, aH > 0).

#include <cmath>

#include "sim/xpbd_scalar.h"
#include "sim/xpbd_stages.h"

namespace medvision::sim {
namespace {

// k / mu, the deviatoric step's stiffness relative to mu (see above). In a
// harness, linear_f stayed stable at rest down to 1.4 and not at 1.2; 2 is
// the exact one for shear at rest.
constexpr Real kDeviatoricScale = 2.0;

// Below this volume ratio green_strain takes the linear_f step (see the top).
constexpr Real kGreenMinVolumeRatio = 0.8;

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

// The linear_f step once S = (A + aD I)^-1 is known (see the top).
TetMultipliers linear_f_step(const Real f[3][3], const Real cof[3][3], Real det_f, Real c_h,
                             Real a_d, Real a_h, const Real s[3][3], const Real w[4],
                             const Real g[4][3], Real* const p[4]) {
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

// linear_f: see the top of this file.
TetMultipliers project_tet_linear_f(const TetConstraints& tets, std::size_t t, const Real* inv_mass,
                                    Real* x, Real inv_h2, bool first_substep, Real* blocks) {
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

  return linear_f_step(f, cof, det_f, c_h, a_d, a_h, s, w, g, p);
}

// green_strain: see the top of this file.
TetMultipliers project_tet_green(const TetConstraints& tets, std::size_t t, const Real* inv_mass,
                                 Real* x, Real inv_h2, bool first_substep, Real* blocks) {
  const auto& v = tets.vertices[t];
  Real* p[4];
  Real w[4];
  for (int k = 0; k < 4; ++k) {
    p[k] = x + 3 * v[k];
    w[k] = inv_mass[v[k]];
  }
  const Real* dm = tets.inv_rest_shape[t].data();
  Real g[4][3];
  for (int j = 0; j < 3; ++j) {
    for (int c = 0; c < 3; ++c) g[j + 1][c] = dm[j + 3 * c];
  }
  for (int c = 0; c < 3; ++c) g[0][c] = -(g[1][c] + g[2][c] + g[3][c]);
  Real edge[3][3];
  for (int k = 0; k < 3; ++k) {
    for (int r = 0; r < 3; ++r) edge[k][r] = p[k + 1][r] - p[0][r];
  }
  Real f[3][3];
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r)
      f[c][r] = edge[0][r] * dm[3 * c] + edge[1][r] * dm[1 + 3 * c] + edge[2][r] * dm[2 + 3 * c];
  }
  Real cof[3][3];
  cross3(f[1], f[2], cof[0]);
  cross3(f[2], f[0], cof[1]);
  cross3(f[0], f[1], cof[2]);
  const Real det_f = dot3(f[0], cof[0]);
  const Real c_h = det_f - tets.rest_volume_ratio[t];
  const Real a_d = tets.deviatoric_compliance[t] * inv_h2 / kDeviatoricScale;
  const Real a_h = tets.hydrostatic_compliance[t] * inv_h2;

  Real a[3][3];  // A = sum_k w_k g_k g_k^T, cached per step
  Real* cached = blocks + 6 * t;
  if (first_substep) {
    Real wg[4][3];
    for (int k = 0; k < 4; ++k) {
      for (int c = 0; c < 3; ++c) wg[k][c] = w[k] * g[k][c];
    }
    for (int r = 0; r < 3; ++r) {
      for (int c = r; c < 3; ++c)
        a[r][c] = wg[0][r] * g[0][c] + wg[1][r] * g[1][c] + wg[2][r] * g[2][c] + wg[3][r] * g[3][c];
    }
    cached[0] = a[0][0];
    cached[1] = a[1][1];
    cached[2] = a[2][2];
    cached[3] = a[0][1];
    cached[4] = a[0][2];
    cached[5] = a[1][2];
  }
  a[0][0] = cached[0];
  a[1][1] = cached[1];
  a[2][2] = cached[2];
  a[0][1] = a[1][0] = cached[3];
  a[0][2] = a[2][0] = cached[4];
  a[1][2] = a[2][1] = cached[5];

  if (det_f < kGreenMinVolumeRatio) {
    // Compressed, flattened or inverted: the Green-strain matrix loses its
    // stiffness there (see the top); take the linear_f step, whose matrix
    // does not depend on F*.
    Real apd[3][3], s[3][3];
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) apd[r][c] = a[r][c] + (r == c ? a_d : 0.0);
    }
    invert_symmetric(apd, s);
    return linear_f_step(f, cof, det_f, c_h, a_d, a_h, s, w, g, p);
  }

  Real q[3][3];  // F*^T F*
  for (int r = 0; r < 3; ++r) {
    for (int c = r; c < 3; ++c) q[r][c] = q[c][r] = dot3(f[r], f[c]);
  }
  constexpr Real kRoot2 = 1.4142135623730951;
  // The 6x6 block (generated): T(ab,cd) = (Q_ac A_bd + Q_ad A_bc + Q_bc A_ad + Q_bd A_ac) / 4,
  // Mandel-scaled by sqrt(2) per off-diagonal index pair.
  Real m[7][7];
  m[0][0] =
      0.25 * (q[0][0] * a[0][0] + q[0][0] * a[0][0] + q[0][0] * a[0][0] + q[0][0] * a[0][0]) + a_d;
  m[6][0] = det_f * a[0][0];
  m[1][0] = 0.25 * (q[1][0] * a[1][0] + q[1][0] * a[1][0] + q[1][0] * a[1][0] + q[1][0] * a[1][0]);
  m[1][1] =
      0.25 * (q[1][1] * a[1][1] + q[1][1] * a[1][1] + q[1][1] * a[1][1] + q[1][1] * a[1][1]) + a_d;
  m[6][1] = det_f * a[1][1];
  m[2][0] = 0.25 * (q[2][0] * a[2][0] + q[2][0] * a[2][0] + q[2][0] * a[2][0] + q[2][0] * a[2][0]);
  m[2][1] = 0.25 * (q[2][1] * a[2][1] + q[2][1] * a[2][1] + q[2][1] * a[2][1] + q[2][1] * a[2][1]);
  m[2][2] =
      0.25 * (q[2][2] * a[2][2] + q[2][2] * a[2][2] + q[2][2] * a[2][2] + q[2][2] * a[2][2]) + a_d;
  m[6][2] = det_f * a[2][2];
  m[3][0] = 0.25 * kRoot2 *
            (q[0][0] * a[1][0] + q[0][0] * a[1][0] + q[1][0] * a[0][0] + q[1][0] * a[0][0]);
  m[3][1] = 0.25 * kRoot2 *
            (q[0][1] * a[1][1] + q[0][1] * a[1][1] + q[1][1] * a[0][1] + q[1][1] * a[0][1]);
  m[3][2] = 0.25 * kRoot2 *
            (q[0][2] * a[1][2] + q[0][2] * a[1][2] + q[1][2] * a[0][2] + q[1][2] * a[0][2]);
  m[3][3] =
      0.5 * (q[0][0] * a[1][1] + q[0][1] * a[1][0] + q[1][0] * a[0][1] + q[1][1] * a[0][0]) + a_d;
  m[6][3] = kRoot2 * det_f * a[0][1];
  m[4][0] = 0.25 * kRoot2 *
            (q[0][0] * a[2][0] + q[0][0] * a[2][0] + q[2][0] * a[0][0] + q[2][0] * a[0][0]);
  m[4][1] = 0.25 * kRoot2 *
            (q[0][1] * a[2][1] + q[0][1] * a[2][1] + q[2][1] * a[0][1] + q[2][1] * a[0][1]);
  m[4][2] = 0.25 * kRoot2 *
            (q[0][2] * a[2][2] + q[0][2] * a[2][2] + q[2][2] * a[0][2] + q[2][2] * a[0][2]);
  m[4][3] = 0.5 * (q[0][0] * a[2][1] + q[0][1] * a[2][0] + q[2][0] * a[0][1] + q[2][1] * a[0][0]);
  m[4][4] =
      0.5 * (q[0][0] * a[2][2] + q[0][2] * a[2][0] + q[2][0] * a[0][2] + q[2][2] * a[0][0]) + a_d;
  m[6][4] = kRoot2 * det_f * a[0][2];
  m[5][0] = 0.25 * kRoot2 *
            (q[1][0] * a[2][0] + q[1][0] * a[2][0] + q[2][0] * a[1][0] + q[2][0] * a[1][0]);
  m[5][1] = 0.25 * kRoot2 *
            (q[1][1] * a[2][1] + q[1][1] * a[2][1] + q[2][1] * a[1][1] + q[2][1] * a[1][1]);
  m[5][2] = 0.25 * kRoot2 *
            (q[1][2] * a[2][2] + q[1][2] * a[2][2] + q[2][2] * a[1][2] + q[2][2] * a[1][2]);
  m[5][3] = 0.5 * (q[1][0] * a[2][1] + q[1][1] * a[2][0] + q[2][0] * a[1][1] + q[2][1] * a[1][0]);
  m[5][4] = 0.5 * (q[1][0] * a[2][2] + q[1][2] * a[2][0] + q[2][0] * a[1][2] + q[2][2] * a[1][0]);
  m[5][5] =
      0.5 * (q[1][1] * a[2][2] + q[1][2] * a[2][1] + q[2][1] * a[1][2] + q[2][2] * a[1][1]) + a_d;
  m[6][5] = kRoot2 * det_f * a[1][2];
  Real qc = 0;  // tr(cof^T cof A)
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) qc += dot3(cof[r], cof[c]) * a[c][r];
  }
  m[6][6] = qc + a_h;
  // -C at F*: mu / k on the diagonal strains, C_H.
  const Real rhs[7] = {
      -1 / kDeviatoricScale, -1 / kDeviatoricScale, -1 / kDeviatoricScale, 0, 0, 0, -c_h};
  // LDL^T of the 7x7 (generated, straight-line): L unit lower, D diagonal.
  const Real d0 = m[0][0];
  if (!(d0 > 0)) return {};
  const Real inv_d0 = 1.0 / d0;
  const Real l10 = (m[1][0]) * inv_d0;
  const Real l20 = (m[2][0]) * inv_d0;
  const Real l30 = (m[3][0]) * inv_d0;
  const Real l40 = (m[4][0]) * inv_d0;
  const Real l50 = (m[5][0]) * inv_d0;
  const Real l60 = (m[6][0]) * inv_d0;
  const Real d1 = m[1][1] - l10 * l10 * d0;
  if (!(d1 > 0)) return {};
  const Real inv_d1 = 1.0 / d1;
  const Real l21 = (m[2][1] - l20 * l10 * d0) * inv_d1;
  const Real l31 = (m[3][1] - l30 * l10 * d0) * inv_d1;
  const Real l41 = (m[4][1] - l40 * l10 * d0) * inv_d1;
  const Real l51 = (m[5][1] - l50 * l10 * d0) * inv_d1;
  const Real l61 = (m[6][1] - l60 * l10 * d0) * inv_d1;
  const Real d2 = m[2][2] - l20 * l20 * d0 - l21 * l21 * d1;
  if (!(d2 > 0)) return {};
  const Real inv_d2 = 1.0 / d2;
  const Real l32 = (m[3][2] - l30 * l20 * d0 - l31 * l21 * d1) * inv_d2;
  const Real l42 = (m[4][2] - l40 * l20 * d0 - l41 * l21 * d1) * inv_d2;
  const Real l52 = (m[5][2] - l50 * l20 * d0 - l51 * l21 * d1) * inv_d2;
  const Real l62 = (m[6][2] - l60 * l20 * d0 - l61 * l21 * d1) * inv_d2;
  const Real d3 = m[3][3] - l30 * l30 * d0 - l31 * l31 * d1 - l32 * l32 * d2;
  if (!(d3 > 0)) return {};
  const Real inv_d3 = 1.0 / d3;
  const Real l43 = (m[4][3] - l40 * l30 * d0 - l41 * l31 * d1 - l42 * l32 * d2) * inv_d3;
  const Real l53 = (m[5][3] - l50 * l30 * d0 - l51 * l31 * d1 - l52 * l32 * d2) * inv_d3;
  const Real l63 = (m[6][3] - l60 * l30 * d0 - l61 * l31 * d1 - l62 * l32 * d2) * inv_d3;
  const Real d4 = m[4][4] - l40 * l40 * d0 - l41 * l41 * d1 - l42 * l42 * d2 - l43 * l43 * d3;
  if (!(d4 > 0)) return {};
  const Real inv_d4 = 1.0 / d4;
  const Real l54 =
      (m[5][4] - l50 * l40 * d0 - l51 * l41 * d1 - l52 * l42 * d2 - l53 * l43 * d3) * inv_d4;
  const Real l64 =
      (m[6][4] - l60 * l40 * d0 - l61 * l41 * d1 - l62 * l42 * d2 - l63 * l43 * d3) * inv_d4;
  const Real d5 =
      m[5][5] - l50 * l50 * d0 - l51 * l51 * d1 - l52 * l52 * d2 - l53 * l53 * d3 - l54 * l54 * d4;
  if (!(d5 > 0)) return {};
  const Real inv_d5 = 1.0 / d5;
  const Real l65 = (m[6][5] - l60 * l50 * d0 - l61 * l51 * d1 - l62 * l52 * d2 - l63 * l53 * d3 -
                    l64 * l54 * d4) *
                   inv_d5;
  const Real d6 = m[6][6] - l60 * l60 * d0 - l61 * l61 * d1 - l62 * l62 * d2 - l63 * l63 * d3 -
                  l64 * l64 * d4 - l65 * l65 * d5;
  if (!(d6 > 0)) return {};
  const Real inv_d6 = 1.0 / d6;
  const Real z0 = rhs[0];
  const Real z1 = rhs[1] - l10 * z0;
  const Real z2 = rhs[2] - l20 * z0 - l21 * z1;
  const Real z3 = rhs[3] - l30 * z0 - l31 * z1 - l32 * z2;
  const Real z4 = rhs[4] - l40 * z0 - l41 * z1 - l42 * z2 - l43 * z3;
  const Real z5 = rhs[5] - l50 * z0 - l51 * z1 - l52 * z2 - l53 * z3 - l54 * z4;
  const Real z6 = rhs[6] - l60 * z0 - l61 * z1 - l62 * z2 - l63 * z3 - l64 * z4 - l65 * z5;
  const Real u0 = z0 * inv_d0;
  const Real u1 = z1 * inv_d1;
  const Real u2 = z2 * inv_d2;
  const Real u3 = z3 * inv_d3;
  const Real u4 = z4 * inv_d4;
  const Real u5 = z5 * inv_d5;
  const Real u6 = z6 * inv_d6;
  Real lam[7];
  lam[6] = u6;
  lam[5] = u5 - l65 * lam[6];
  lam[4] = u4 - l54 * lam[5] - l64 * lam[6];
  lam[3] = u3 - l43 * lam[4] - l53 * lam[5] - l63 * lam[6];
  lam[2] = u2 - l32 * lam[3] - l42 * lam[4] - l52 * lam[5] - l62 * lam[6];
  lam[1] = u1 - l21 * lam[2] - l31 * lam[3] - l41 * lam[4] - l51 * lam[5] - l61 * lam[6];
  lam[0] =
      u0 - l10 * lam[1] - l20 * lam[2] - l30 * lam[3] - l40 * lam[4] - l50 * lam[5] - l60 * lam[6];
  Real big[3][3];  // Lambda (symmetric)
  big[0][0] = lam[0];
  big[1][1] = lam[1];
  big[2][2] = lam[2];
  big[0][1] = big[1][0] = lam[3] / kRoot2;
  big[0][2] = big[2][0] = lam[4] / kRoot2;
  big[1][2] = big[2][1] = lam[5] / kRoot2;
  Real pm[3][3];  // columns of P = F Lambda + lambda_H cof
  for (int c = 0; c < 3; ++c) {
    for (int r = 0; r < 3; ++r)
      pm[c][r] =
          f[0][r] * big[0][c] + f[1][r] * big[1][c] + f[2][r] * big[2][c] + lam[6] * cof[c][r];
  }
  for (int k = 0; k < 4; ++k) {
    if (w[k] == 0) continue;
    for (int r = 0; r < 3; ++r)
      p[k][r] += w[k] * (pm[0][r] * g[k][0] + pm[1][r] * g[k][1] + pm[2][r] * g[k][2]);
  }
  Real p_dot_f = 0;
  for (int c = 0; c < 3; ++c) p_dot_f += dot3(pm[c], f[c]);
  return {lam[6], p_dot_f - 3 * lam[6] * det_f};
}

}  // namespace

void project_tets(const TissueModel& model, TissueState& state, Real h, TetProjection projection,
                  bool first_substep, Real* blocks, Phases& phases) {
  const Real inv_h2 = 1.0 / (h * h);
  Real* x = coordinates(state.position);
  const Real* inv_mass = model.inv_mass.data();
  auto run = [&](auto project) {
    phases.per_colour(model.tets.colouring, [&](std::size_t t) {
      const TetMultipliers dl = project(model.tets, t, inv_mass, x, inv_h2, first_substep, blocks);
      state.lambda_hydrostatic[t] = dl.hydrostatic;
      state.lambda_deviatoric[t] = dl.deviatoric;
    });
  };
  if (projection == TetProjection::linear_f) {
    run(project_tet_linear_f);
  } else {
    run(project_tet_green);
  }
}

}  // namespace medvision::sim
