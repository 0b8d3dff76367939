// Contact generation between convex shapes: the number of points, the
// normal (from b towards a) and the depth for configurations whose answer
// is plain from the drawing.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "sim/contact.h"

namespace medvision::sim {
namespace {

constexpr Real kPi = std::numbers::pi;
constexpr Real kTol = 1e-9;

Transform at(const Vec3& p, const Quat& q = Quat::Identity()) { return Transform{p, q}; }
Quat about(const Vec3& axis, Real angle) { return Quat(Eigen::AngleAxis<Real>(angle, axis)); }

void expect_all(const ContactManifold& m, const Vec3& normal, Real depth) {
  for (int i = 0; i < m.count; ++i) {
    const ContactPoint& c = m.points[static_cast<std::size_t>(i)];
    EXPECT_NEAR((c.normal - normal).norm(), 0, kTol) << "point " << i;
    EXPECT_NEAR(c.depth, depth, kTol) << "point " << i;
    EXPECT_NEAR((c.on_b - c.on_a).dot(c.normal), c.depth, kTol);
  }
}

TEST(GeometryContact, BoxSunkIntoAPlaneTouchesAtItsFourLowCorners) {
  ContactManifold m;
  collide(make_box(Vec3(0.5, 0.5, 0.5)), at(Vec3(0, 0.49, 0)), Plane{}, Transform{}, 0, m);
  ASSERT_EQ(m.count, 4);
  expect_all(m, Vec3::UnitY(), 0.01);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(m.points[static_cast<std::size_t>(i)].on_b.y(), 0, kTol);
    EXPECT_NEAR(std::abs(m.points[static_cast<std::size_t>(i)].on_a.x()), 0.5, kTol);
  }
}

TEST(GeometryContact, StackedBoxesTouchAtTheCornersOfTheirOverlap) {
  ContactManifold m;
  collide(make_box(Vec3(0.5, 0.5, 0.5)), at(Vec3(0.3, 0.99, 0)), make_box(Vec3(0.5, 0.5, 0.5)),
          Transform{}, 0, m);
  ASSERT_EQ(m.count, 4);
  expect_all(m, Vec3::UnitY(), 0.01);
  Real min_x = 1;
  Real max_x = -1;
  for (int i = 0; i < 4; ++i) {
    min_x = std::min(min_x, m.points[static_cast<std::size_t>(i)].on_a.x());
    max_x = std::max(max_x, m.points[static_cast<std::size_t>(i)].on_a.x());
  }
  EXPECT_NEAR(min_x, -0.2, kTol);
  EXPECT_NEAR(max_x, 0.5, kTol);
}

TEST(GeometryContact, CrossedEdgesTouchAtOnePoint) {
  const Real lift = std::sqrt(0.5);  // a unit cube on its edge
  ContactManifold m;
  collide(make_box(Vec3(0.5, 0.5, 0.5)),
          at(Vec3(0, 2 * lift - 0.01, 0), about(Vec3::UnitX(), kPi / 4)),
          make_box(Vec3(0.5, 0.5, 0.5)), at(Vec3::Zero(), about(Vec3::UnitZ(), kPi / 4)), 0, m);
  ASSERT_EQ(m.count, 1);
  expect_all(m, Vec3::UnitY(), 0.01);
  EXPECT_NEAR(m.points[0].on_a.x(), 0, kTol);
  EXPECT_NEAR(m.points[0].on_a.z(), 0, kTol);
}

TEST(GeometryContact, TwistedSquaresClipToAnOctagonReducedToFourPoints) {
  ContactManifold m;
  collide(make_box(Vec3(0.5, 0.5, 0.5)), at(Vec3(0, 0.98, 0), about(Vec3::UnitY(), kPi / 4)),
          make_box(Vec3(0.5, 0.5, 0.5)), Transform{}, 0, m);
  EXPECT_EQ(m.count, 4);
  expect_all(m, Vec3::UnitY(), 0.02);
}

TEST(GeometryContact, CapsuleLyingOnABoxTouchesAtBothEnds) {
  const Capsule rod{0.1, 0.3};
  const Transform lying = at(Vec3(0, 0.5 + 0.1 - 0.005, 0), about(Vec3::UnitZ(), kPi / 2));
  ContactManifold m;
  collide(rod, lying, make_box(Vec3(0.5, 0.5, 0.5)), Transform{}, 0, m);
  ASSERT_EQ(m.count, 2);
  expect_all(m, Vec3::UnitY(), 0.005);
  EXPECT_NEAR(std::abs(m.points[0].on_a.x()), 0.3, kTol);
  EXPECT_NEAR(std::abs(m.points[1].on_a.x()), 0.3, kTol);
  EXPECT_LT(m.points[0].on_a.x() * m.points[1].on_a.x(), 0);

  // The same pair the other way round: mirrored.
  ContactManifold flipped;
  collide(make_box(Vec3(0.5, 0.5, 0.5)), Transform{}, rod, lying, 0, flipped);
  ASSERT_EQ(flipped.count, 2);
  expect_all(flipped, -Vec3::UnitY(), 0.005);
}

TEST(GeometryContact, CapsuleWhoseCoreIsInsideABoxLeavesThroughTheNearestFace) {
  // Core at x = 0.45 in a box reaching x = 0.5: out along +x by 0.05 + r.
  ContactManifold m;
  collide(Capsule{0.1, 0.2}, at(Vec3(0.45, 0, 0)), make_box(Vec3(0.5, 0.5, 0.5)), Transform{}, 0,
          m);
  ASSERT_EQ(m.count, 2);
  expect_all(m, Vec3::UnitX(), 0.15);
}

TEST(GeometryContact, CapsuleNearABoxEdgeTouchesTheEdge) {
  // A horizontal capsule along z above the box's +x top edge, out to the side.
  const Real r = 0.1;
  const Vec3 core(0.5 + 0.06, 0.5 + 0.06, 0);  // 0.06 sqrt 2 = 0.085 from the edge
  ContactManifold m;
  collide(Capsule{r, 0.2}, at(core, about(Vec3::UnitX(), kPi / 2)), make_box(Vec3(0.5, 0.5, 0.5)),
          Transform{}, 0, m);
  ASSERT_GE(m.count, 1);
  const Vec3 diagonal = Vec3(1, 1, 0).normalized();
  expect_all(m, diagonal, r - 0.06 * std::sqrt(2.0));
}

TEST(GeometryContact, ParallelCapsulesSideBySideTouchAlongTheirLength) {
  ContactManifold m;
  collide(Capsule{0.1, 0.5}, Transform{}, Capsule{0.1, 0.5}, at(Vec3(0.19, 0, 0)), 0, m);
  ASSERT_EQ(m.count, 2);
  expect_all(m, -Vec3::UnitX(), 0.01);
}

TEST(GeometryContact, CrossedCapsulesTouchOnce) {
  ContactManifold m;
  collide(Capsule{0.1, 0.5}, Transform{}, Capsule{0.1, 0.5},
          at(Vec3(0, 0, 0.15), about(Vec3::UnitZ(), kPi / 2)), 0, m);
  ASSERT_EQ(m.count, 1);
  expect_all(m, -Vec3::UnitZ(), 0.05);
}

TEST(GeometryContact, SphereAndTiltedCapsuleOnAPlane) {
  ContactManifold m;
  collide(Capsule{0.1, 0}, at(Vec3(0, 0.09, 0)), Plane{}, Transform{}, 0, m);
  ASSERT_EQ(m.count, 1);
  expect_all(m, Vec3::UnitY(), 0.01);
  collide(Capsule{0.1, 0.5}, at(Vec3(0, 0.3, 0), about(Vec3::UnitZ(), 0.5)), Plane{}, Transform{},
          0, m);
  ASSERT_EQ(m.count, 1);  // only the lower end
  EXPECT_NEAR(m.points[0].depth, 0.1 - (0.3 - 0.5 * std::cos(0.5)), kTol);
}

TEST(GeometryContact, GapsWithinTheMarginAreReportedAndBeyondItNot) {
  ContactManifold m;
  const Shape box = make_box(Vec3(0.5, 0.5, 0.5));
  collide(box, at(Vec3(0, 1.003, 0)), box, Transform{}, 0.005, m);
  ASSERT_EQ(m.count, 4);
  expect_all(m, Vec3::UnitY(), -0.003);
  collide(box, at(Vec3(0, 1.006, 0)), box, Transform{}, 0.005, m);
  EXPECT_EQ(m.count, 0);
  collide(Capsule{0.1, 0.3}, at(Vec3(0, 0.906, 0)), box, Transform{}, 0.005, m);
  EXPECT_EQ(m.count, 0);
  collide(Capsule{0.1, 0.3}, at(Vec3(0, 0, 0.206)), Capsule{0.1, 0.3}, Transform{}, 0.005, m);
  EXPECT_EQ(m.count, 0);
}

TEST(GeometryContact, RingLeaningOnAPegIsPushedAwayFromThePeg) {
  // The peg (an upright capsule) in the hole presses 0.5 mm into the inner
  // face of one trapezoid; the ring must move away from the hole's centre.
  const auto ring = make_triangular_ring(0.024, 0.014, 0.005);
  const Real inradius = equilateral_inradius(0.014);
  const auto& piece = std::get<ConvexPolyhedron>(ring[1].shape);
  Vec3 into_hole = Vec3::Zero();  // the inner face's outward normal
  for (int f = 0; f < piece.face_count(); ++f) {
    const Vec3& n = piece.face_normals[static_cast<std::size_t>(f)];
    if (std::abs(n.y()) < 0.5 && piece.face_offsets[static_cast<std::size_t>(f)] < -1e-6) {
      into_hole = n;
    }
  }
  ASSERT_GT(into_hole.norm(), 0.5);
  const Real r = 0.002;
  const Vec3 peg_center = -into_hole * (inradius - r + 0.0005);
  ContactManifold m;
  collide(ring[1].shape, Transform{}, Capsule{r, 0.015}, at(peg_center), 0, m);
  ASSERT_GE(m.count, 1);
  expect_all(m, -into_hole, 0.0005);
}

}  // namespace
}  // namespace medvision::sim
