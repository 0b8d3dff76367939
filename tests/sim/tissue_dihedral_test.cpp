// The bending constraint's angle and its gradient (Bridson et al. 2003).

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "sim/dihedral.h"

namespace medvision::sim {
namespace {

constexpr Real kPi = std::numbers::pi_v<Real>;

TEST(DihedralAngle, IsZeroWhenFlatAndSignedByFoldDirection) {
  const Vec3 x0(0, 0, 0), x1(1, 0, 0), x2(0.5, 1, 0), x3(0.5, -1, 0);
  EXPECT_NEAR(dihedral_angle(x0, x1, x2, x3), 0, 1e-15);
  // Fold the second wing up by 30 degrees about the edge, then down.
  const Real a = kPi / 6;
  const Vec3 up(0.5, -std::cos(a), std::sin(a)), down(0.5, -std::cos(a), -std::sin(a));
  EXPECT_NEAR(dihedral_angle(x0, x1, x2, up), -a, 1e-12);
  EXPECT_NEAR(dihedral_angle(x0, x1, x2, down), a, 1e-12);
  EXPECT_NEAR(angle_difference(kPi - 0.1, -kPi + 0.1), -0.2, 1e-12) << "wraps through pi";
}

TEST(DihedralAngle, GradientMatchesFiniteDifferences) {
  const std::array<Vec3, 4> x{Vec3(0.1, -0.2, 0.05), Vec3(1.1, 0.1, -0.1), Vec3(0.4, 0.9, 0.3),
                              Vec3(0.6, -1.0, 0.4)};
  const DihedralAngle d = dihedral_angle_with_gradient(x[0], x[1], x[2], x[3]);
  ASSERT_TRUE(d.valid);
  EXPECT_NEAR(d.angle, dihedral_angle(x[0], x[1], x[2], x[3]), 1e-15);
  const Real eps = 1e-6;
  for (std::size_t k = 0; k < 4; ++k) {
    for (int r = 0; r < 3; ++r) {
      auto plus = x, minus = x;
      plus[k][r] += eps;
      minus[k][r] -= eps;
      const Real numeric = (dihedral_angle(plus[0], plus[1], plus[2], plus[3]) -
                            dihedral_angle(minus[0], minus[1], minus[2], minus[3])) /
                           (2 * eps);
      EXPECT_NEAR(d.gradient[k][r], numeric, 1e-8) << "vertex " << k << " axis " << r;
    }
  }
}

}  // namespace
}  // namespace medvision::sim
