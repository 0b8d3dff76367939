#include "sim/dihedral.h"

#include <cmath>
#include <numbers>

#include "sim/xpbd_scalar.h"

namespace medvision::sim {

// Written on raw doubles: the bending kernel calls this for every interior
// edge of a sheet in every substep (see xpbd_scalar.h).
bool dihedral_angle_with_gradient(const Real* x0, const Real* x1, const Real* x2, const Real* x3,
                                  Real& angle, Real gradient[4][3]) {
  const Real e[3] = {x1[0] - x0[0], x1[1] - x0[1], x1[2] - x0[2]};
  const Real d2[3] = {x2[0] - x0[0], x2[1] - x0[1], x2[2] - x0[2]};
  const Real d3[3] = {x3[0] - x0[0], x3[1] - x0[1], x3[2] - x0[2]};
  Real n1[3], n2[3], n1xn2[3];
  cross3(e, d2, n1);  // normal of (x0, x1, x2)
  cross3(d3, e, n2);  // normal of (x1, x0, x3): (x0 - x1) x (x3 - x1) = (x3 - x0) x (x1 - x0)
  const Real e_len2 = dot3(e, e);
  const Real n1_len2 = dot3(n1, n1);
  const Real n2_len2 = dot3(n2, n2);
  // A sliver this thin has no meaningful normal; leave it to the stretch constraints.
  const Real tiny = 1e-24 * e_len2 * e_len2;
  if (e_len2 == 0 || n1_len2 <= tiny || n2_len2 <= tiny) return false;
  const Real e_len = std::sqrt(e_len2);
  cross3(n1, n2, n1xn2);
  angle = std::atan2(dot3(n1xn2, e) / e_len, dot3(n1, n2));
  // Bridson et al. 2003 sec. 4.2 (their u1..u4), in our vertex order and sign.
  const Real t2 = dot3(d2, e) / e_len2;  // where x2 projects on the edge: 0 at x0, 1 at x1
  const Real t3 = dot3(d3, e) / e_len2;
  for (int r = 0; r < 3; ++r) {
    gradient[2][r] = -e_len / n1_len2 * n1[r];
    gradient[3][r] = -e_len / n2_len2 * n2[r];
    gradient[1][r] = -(t2 * gradient[2][r] + t3 * gradient[3][r]);
    gradient[0][r] = -((1 - t2) * gradient[2][r] + (1 - t3) * gradient[3][r]);
  }
  return true;
}

Real dihedral_angle(const Vec3& x0, const Vec3& x1, const Vec3& x2, const Vec3& x3) {
  const Vec3 e = x1 - x0;
  const Vec3 n1 = e.cross(x2 - x0);
  const Vec3 n2 = (x0 - x1).cross(x3 - x1);
  const Real len = e.norm();
  if (len == 0) return 0;
  return std::atan2(n1.cross(n2).dot(e) / len, n1.dot(n2));
}

DihedralAngle dihedral_angle_with_gradient(const Vec3& x0, const Vec3& x1, const Vec3& x2,
                                           const Vec3& x3) {
  DihedralAngle out;
  Real gradient[4][3];
  out.valid =
      dihedral_angle_with_gradient(x0.data(), x1.data(), x2.data(), x3.data(), out.angle, gradient);
  if (!out.valid) return out;
  for (std::size_t k = 0; k < 4; ++k)
    out.gradient[k] = Vec3(gradient[k][0], gradient[k][1], gradient[k][2]);
  return out;
}

Real angle_difference(Real a, Real b) {
  constexpr Real pi = std::numbers::pi_v<Real>;
  Real d = std::remainder(a - b, 2 * pi);
  if (d <= -pi) d += 2 * pi;
  return d;
}

}  // namespace medvision::sim
