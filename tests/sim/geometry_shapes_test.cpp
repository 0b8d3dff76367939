// Convex shapes are built with outward faces and the right topology, and
// their mass properties equal the closed forms of solid mechanics.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sim/mass_properties.h"
#include "sim/shapes.h"

namespace medvision::sim {
namespace {

constexpr Real kPi = std::numbers::pi;

void expect_outward_and_planar(const ConvexPolyhedron& p) {
  Vec3 centroid = Vec3::Zero();
  for (const Vec3& v : p.vertices) centroid += v;
  centroid /= static_cast<Real>(p.vertices.size());
  for (int f = 0; f < p.face_count(); ++f) {
    const Vec3& n = p.face_normals[static_cast<std::size_t>(f)];
    EXPECT_NEAR(n.norm(), 1, 1e-12);
    EXPECT_GT(n.dot(p.face_vertex(f, 0) - centroid), 0);
    for (int k = 0; k < p.face_size(f); ++k) {
      EXPECT_NEAR(n.dot(p.face_vertex(f, k)), p.face_offsets[static_cast<std::size_t>(f)], 1e-12);
    }
    // Counter-clockwise seen from outside.
    const Vec3 e0 = p.face_vertex(f, 1) - p.face_vertex(f, 0);
    const Vec3 e1 = p.face_vertex(f, 2) - p.face_vertex(f, 1);
    EXPECT_GT(e0.cross(e1).dot(n), 0);
  }
  for (const Vec3& v : p.vertices) {
    for (int f = 0; f < p.face_count(); ++f) {
      EXPECT_LE(p.face_normals[static_cast<std::size_t>(f)].dot(v),
                p.face_offsets[static_cast<std::size_t>(f)] + 1e-12);
    }
  }
}

TEST(GeometryShapes, BoxHasSixOutwardFacesTwelveEdgesThreeDirections) {
  const ConvexPolyhedron box = make_box(Vec3(0.1, 0.2, 0.3));
  EXPECT_EQ(box.vertices.size(), 8u);
  EXPECT_EQ(box.face_count(), 6);
  EXPECT_EQ(box.edges.size(), 12u);
  EXPECT_EQ(box.edge_directions.size(), 3u);
  expect_outward_and_planar(box);
}

TEST(GeometryShapes, TriangularPrismAndRingPiecesAreConvexPolyhedra) {
  const ConvexPolyhedron prism = make_triangular_prism(0.02, 0.005);
  EXPECT_EQ(prism.vertices.size(), 6u);
  EXPECT_EQ(prism.face_count(), 5);
  EXPECT_EQ(prism.edges.size(), 9u);
  EXPECT_EQ(prism.edge_directions.size(), 4u);
  expect_outward_and_planar(prism);
  const std::vector<ShapeInstance> ring = make_triangular_ring(0.024, 0.014, 0.005);
  ASSERT_EQ(ring.size(), 3u);
  for (const auto& piece : ring) {
    const auto& trapezoid = std::get<ConvexPolyhedron>(piece.shape);
    EXPECT_EQ(trapezoid.face_count(), 6);
    EXPECT_EQ(trapezoid.edge_directions.size(), 4u);  // the two parallel sides share one
    expect_outward_and_planar(trapezoid);
  }
}

TEST(GeometryShapes, BoxMassAndInertiaEqualTheClosedForm) {
  const MassProperties m = mass_properties(Shape(make_box(Vec3(0.05, 0.1, 0.15))), 1000);
  EXPECT_NEAR(m.mass, 1000 * 0.1 * 0.2 * 0.3, 1e-12);
  EXPECT_NEAR(m.center_of_mass.norm(), 0, 1e-15);
  const Real k = m.mass / 12;
  EXPECT_NEAR(m.inertia(0, 0), k * (0.2 * 0.2 + 0.3 * 0.3), 1e-14);
  EXPECT_NEAR(m.inertia(1, 1), k * (0.1 * 0.1 + 0.3 * 0.3), 1e-14);
  EXPECT_NEAR(m.inertia(2, 2), k * (0.1 * 0.1 + 0.2 * 0.2), 1e-14);
  EXPECT_NEAR(m.inertia(0, 1), 0, 1e-15);
}

TEST(GeometryShapes, TriangularPrismInertiaIsTheTrianglesPolarMoment) {
  // Equilateral triangle of side s: polar moment about the centroid A s^2 / 12,
  // in-plane moments A s^2 / 24 each.
  const Real s = 0.02;
  const Real h = 0.004;
  const MassProperties m = mass_properties(Shape(make_triangular_prism(s, h)), 1100);
  const Real area = std::sqrt(3.0) / 4 * s * s;
  EXPECT_NEAR(m.mass, 1100 * area * 2 * h, 1e-15);
  EXPECT_NEAR(m.center_of_mass.norm(), 0, 1e-15);
  EXPECT_NEAR(m.inertia(1, 1), m.mass * s * s / 12, 1e-16);
  EXPECT_NEAR(m.inertia(0, 0), m.mass * (s * s / 24 + 4 * h * h / 12), 1e-16);
  EXPECT_NEAR(m.inertia(2, 2), m.mass * (s * s / 24 + 4 * h * h / 12), 1e-16);
}

TEST(GeometryShapes, RingIsTheOuterPrismMinusTheHole) {
  const Real outer = 0.024;
  const Real hole = 0.014;
  const Real h = 0.005;
  const auto ring = make_triangular_ring(outer, hole, h);
  const MassProperties m = mass_properties(ring, 1000);
  const MassProperties full = mass_properties(Shape(make_triangular_prism(outer, h)), 1000);
  const MassProperties cut = mass_properties(Shape(make_triangular_prism(hole, h)), 1000);
  EXPECT_NEAR(m.mass, full.mass - cut.mass, 1e-15);
  EXPECT_NEAR(m.center_of_mass.norm(), 0, 1e-15);
  EXPECT_NEAR((m.inertia - (full.inertia - cut.inertia)).norm(), 0, 1e-16);
}

TEST(GeometryShapes, CapsuleMassAndInertiaAndASphereAsItsLimit) {
  const Real r = 0.002;
  const MassProperties sphere = mass_properties(Shape(Capsule{r, 0}), 7800);
  EXPECT_NEAR(sphere.mass, 7800 * 4.0 / 3 * kPi * r * r * r, 1e-15);
  EXPECT_NEAR(sphere.inertia(0, 0), 0.4 * sphere.mass * r * r, 1e-18);
  EXPECT_NEAR(sphere.inertia(1, 1), 0.4 * sphere.mass * r * r, 1e-18);
  const MassProperties c = mass_properties(Shape(Capsule{0.01, 0.05}), 1000);
  EXPECT_NEAR(c.mass, 1000 * (kPi * 1e-4 * 0.1 + 4.0 / 3 * kPi * 1e-6), 1e-12);
  EXPECT_GT(c.inertia(0, 0), c.inertia(1, 1));  // long and thin: easy to spin about its axis
}

TEST(GeometryShapes, CompoundOfTwoCubesIsOneLongBox) {
  std::vector<ShapeInstance> pieces;
  pieces.push_back({make_box(Vec3(0.5, 0.5, 0.5)), Transform{Vec3(-0.5, 0, 0), Quat::Identity()}});
  pieces.push_back({make_box(Vec3(0.5, 0.5, 0.5)), Transform{Vec3(0.5, 0, 0), Quat::Identity()}});
  const MassProperties two = mass_properties(pieces, 10);
  const MassProperties one = mass_properties(Shape(make_box(Vec3(1, 0.5, 0.5))), 10);
  EXPECT_NEAR(two.mass, one.mass, 1e-12);
  EXPECT_NEAR((two.inertia - one.inertia).norm(), 0, 1e-12);
}

TEST(GeometryShapes, RotatedBoxInertiaRotatesAsATensor) {
  const Quat q(Eigen::AngleAxis<Real>(0.7, Vec3(1, 2, 3).normalized()));
  std::vector<ShapeInstance> pieces;
  pieces.push_back({make_box(Vec3(0.1, 0.2, 0.3)), Transform{Vec3::Zero(), q}});
  const MassProperties turned = mass_properties(pieces, 100);
  const MassProperties plain = mass_properties(Shape(make_box(Vec3(0.1, 0.2, 0.3))), 100);
  const Mat3 r = q.toRotationMatrix();
  EXPECT_NEAR((turned.inertia - r * plain.inertia * r.transpose()).norm(), 0, 1e-12);
}

TEST(GeometryShapes, WorldBoxesAndRayCastsOfPlacedShapes) {
  const Shape box = make_box(Vec3(1, 1, 1));
  const Transform pose{Vec3(5, 0, 0), Quat(Eigen::AngleAxis<Real>(kPi / 4, Vec3::UnitZ()))};
  const Aabb b = world_aabb(box, pose);
  EXPECT_NEAR(b.max.x(), 5 + std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(b.max.z(), 1, 1e-12);
  auto hit = ray_cast(box, pose, Vec3(0, 0, 0), Vec3(1, 0, 0), 100);
  ASSERT_TRUE(hit);
  EXPECT_NEAR(hit->t, 5 - std::sqrt(2.0), 1e-12);  // the leading edge of the diamond
  hit = ray_cast(box, Transform{}, Vec3(0, 5, 0), Vec3(0, -1, 0), 100);
  ASSERT_TRUE(hit);
  EXPECT_NEAR(hit->t, 4, 1e-12);
  EXPECT_NEAR((hit->normal - Vec3::UnitY()).norm(), 0, 1e-12);
  EXPECT_FALSE(ray_cast(box, Transform{}, Vec3(0, 5, 0), Vec3(0, 1, 0), 100));

  const auto floor_hit = ray_cast(Shape(Plane{}), Transform{}, Vec3(1, 2, 3), Vec3(0, -2, 0), 10);
  ASSERT_TRUE(floor_hit);
  EXPECT_NEAR(floor_hit->t, 1, 1e-12);

  const auto peg_hit =
      ray_cast(Shape(Capsule{0.1, 1}), Transform{}, Vec3(0, 5, 0), Vec3(0, -1, 0), 10);
  ASSERT_TRUE(peg_hit);
  EXPECT_NEAR(peg_hit->t, 3.9, 1e-12);
  EXPECT_NEAR((peg_hit->normal - Vec3::UnitY()).norm(), 0, 1e-12);
}

}  // namespace
}  // namespace medvision::sim
