// Closest points, distances and ray hits against cases worked out by hand.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sim/geometry.h"

namespace medvision::sim {
namespace {

constexpr Real kEps = 1e-12;

void expect_vec(const Vec3& got, const Vec3& want, Real tol = kEps) {
  EXPECT_NEAR((got - want).norm(), 0, tol)
      << "got " << got.transpose() << " want " << want.transpose();
}

TEST(GeometryClosestPoints, PointToSegmentClampsToTheEnds) {
  const Vec3 a(0, 0, 0);
  const Vec3 b(1, 0, 0);
  SegmentPoint s = closest_point_on_segment(Vec3(0.5, 1, 0), a, b);
  expect_vec(s.point, Vec3(0.5, 0, 0));
  EXPECT_NEAR(s.t, 0.5, kEps);
  s = closest_point_on_segment(Vec3(2, 1, 0), a, b);
  expect_vec(s.point, b);
  EXPECT_EQ(s.t, 1);
  s = closest_point_on_segment(Vec3(-3, 0, 2), a, b);
  expect_vec(s.point, a);
  EXPECT_EQ(s.t, 0);
  expect_vec(closest_point_on_segment(Vec3(5, 5, 5), a, a).point, a);  // a point
}

TEST(GeometryClosestPoints, SkewSegmentsMeetAtTheirCommonPerpendicular) {
  const SegmentPair p =
      closest_points_segment_segment(Vec3(-1, 0, 0), Vec3(1, 0, 0), Vec3(0, -1, 1), Vec3(0, 1, 1));
  expect_vec(p.on_first, Vec3(0, 0, 0));
  expect_vec(p.on_second, Vec3(0, 0, 1));
  EXPECT_NEAR(p.s, 0.5, kEps);
  EXPECT_NEAR(p.t, 0.5, kEps);
  EXPECT_NEAR(p.distance_squared, 1, kEps);
}

TEST(GeometryClosestPoints, ParallelSegmentsGiveAPerpendicularPairAtTheSmallestS) {
  // Overlap x in [1, 2] at distance 1: every pair there is closest; the
  // first one along the first segment is returned.
  const SegmentPair p =
      closest_points_segment_segment(Vec3(0, 0, 0), Vec3(2, 0, 0), Vec3(1, 1, 0), Vec3(3, 1, 0));
  EXPECT_NEAR(p.distance_squared, 1, kEps);
  expect_vec(p.on_first, Vec3(1, 0, 0));
  expect_vec(p.on_second, Vec3(1, 1, 0));
}

TEST(GeometryClosestPoints, SegmentEndAgainstAnotherSegmentsInterior) {
  const SegmentPair p =
      closest_points_segment_segment(Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(2, -1, 0), Vec3(2, 1, 0));
  expect_vec(p.on_first, Vec3(1, 0, 0));
  expect_vec(p.on_second, Vec3(2, 0, 0));
  EXPECT_NEAR(p.s, 1, kEps);
  EXPECT_NEAR(p.t, 0.5, kEps);
}

TEST(GeometryClosestPoints, SegmentEndsAndDegenerateSegments) {
  SegmentPair p =
      closest_points_segment_segment(Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(2, 1, 0), Vec3(3, 5, 0));
  expect_vec(p.on_first, Vec3(1, 0, 0));
  expect_vec(p.on_second, Vec3(2, 1, 0));
  EXPECT_NEAR(p.distance_squared, 2, kEps);
  p = closest_points_segment_segment(Vec3(0, 0, 0), Vec3(0, 0, 0), Vec3(0, 3, 4), Vec3(0, 3, 4));
  EXPECT_NEAR(p.distance_squared, 25, kEps);
  p = closest_points_segment_segment(Vec3(0, 2, 0), Vec3(0, 2, 0), Vec3(-1, 0, 0), Vec3(1, 0, 0));
  expect_vec(p.on_second, Vec3(0, 0, 0));
}

TEST(GeometryClosestPoints, PointToTriangleInEachVoronoiRegion) {
  const Vec3 a(0, 0, 0);
  const Vec3 b(1, 0, 0);
  const Vec3 c(0, 1, 0);
  TrianglePoint t = closest_point_on_triangle(Vec3(0.25, 0.25, 1), a, b, c);
  expect_vec(t.point, Vec3(0.25, 0.25, 0));
  expect_vec(t.barycentric, Vec3(0.5, 0.25, 0.25));
  expect_vec(closest_point_on_triangle(Vec3(-1, -1, 0.5), a, b, c).point, a);
  expect_vec(closest_point_on_triangle(Vec3(2, -0.5, 0), a, b, c).point, b);
  expect_vec(closest_point_on_triangle(Vec3(-0.2, 2, 0), a, b, c).point, c);
  expect_vec(closest_point_on_triangle(Vec3(0.5, -1, 0), a, b, c).point, Vec3(0.5, 0, 0));
  expect_vec(closest_point_on_triangle(Vec3(-1, 0.5, 3), a, b, c).point, Vec3(0, 0.5, 0));
  t = closest_point_on_triangle(Vec3(1, 1, 0), a, b, c);
  expect_vec(t.point, Vec3(0.5, 0.5, 0));
  expect_vec(t.barycentric, Vec3(0, 0.5, 0.5));
}

TEST(GeometryClosestPoints, DegenerateTriangleActsAsItsLongestEdge) {
  const TrianglePoint t =
      closest_point_on_triangle(Vec3(1.5, 1, 0), Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(2, 0, 0));
  expect_vec(t.point, Vec3(1.5, 0, 0));
}

TEST(GeometryClosestPoints, SegmentThroughATriangleTouchesItWhereItCrosses) {
  const Vec3 a(0, 0, 0);
  const Vec3 b(1, 0, 0);
  const Vec3 c(0, 1, 0);
  SegmentTrianglePair p =
      closest_points_segment_triangle(Vec3(0.2, 0.3, -1), Vec3(0.2, 0.3, 3), a, b, c);
  EXPECT_EQ(p.distance_squared, 0);
  expect_vec(p.on_segment, Vec3(0.2, 0.3, 0));
  EXPECT_NEAR(p.t, 0.25, kEps);
  // Parallel above the face: the height.
  p = closest_points_segment_triangle(Vec3(0.1, 0.1, 2), Vec3(0.3, 0.2, 2), a, b, c);
  EXPECT_NEAR(p.distance_squared, 4, kEps);
  // Beside edge bc, crossing its line: the perpendicular to that edge.
  p = closest_points_segment_triangle(Vec3(1, 1, -1), Vec3(1, 1, 1), a, b, c);
  expect_vec(p.on_triangle, Vec3(0.5, 0.5, 0));
  EXPECT_NEAR(p.distance_squared, 0.5, kEps);
}

TEST(GeometryClosestPoints, CapsuleDistancesAreCoreDistancesMinusRadii) {
  const CapsuleSegment shaft{Vec3(0, 0, 0), Vec3(0, 1, 0), 0.1};
  SurfaceDistance d = capsule_point_distance(shaft, Vec3(1, 0.5, 0));
  EXPECT_NEAR(d.distance, 0.9, kEps);
  expect_vec(d.on_first, Vec3(0.1, 0.5, 0));
  expect_vec(d.normal, Vec3(-1, 0, 0));
  d = capsule_point_distance(shaft, Vec3(0, 1.05, 0));  // inside the upper cap
  EXPECT_NEAR(d.distance, -0.05, kEps);

  const CapsuleSegment upright{Vec3(0.2, 0.2, 0.5), Vec3(0.2, 0.2, 1.5), 0.1};
  d = capsule_triangle_distance(upright, Vec3(0, 0, 0), Vec3(1, 0, 0), Vec3(0, 1, 0));
  EXPECT_NEAR(d.distance, 0.4, kEps);
  expect_vec(d.normal, Vec3(0, 0, 1));
  expect_vec(d.on_first, Vec3(0.2, 0.2, 0.4));
  expect_vec(d.on_second, Vec3(0.2, 0.2, 0));

  const CapsuleSegment across{Vec3(0, -1, 0.5), Vec3(0, 1, 0.5), 0.2};
  d = capsule_capsule_distance({Vec3(-1, 0, 0), Vec3(1, 0, 0), 0.1}, across);
  EXPECT_NEAR(d.distance, 0.2, kEps);
  expect_vec(d.normal, Vec3(0, 0, -1));
  expect_vec(d.on_first, Vec3(0, 0, 0.1));
  expect_vec(d.on_second, Vec3(0, 0, 0.3));
  d = capsule_capsule_distance({Vec3(-1, 0, 0.4), Vec3(1, 0, 0.4), 0.1}, across);
  EXPECT_NEAR(d.distance, -0.2, kEps);
}

TEST(GeometryClosestPoints, RaysHitTrianglesBoxesSpheresAndCapsules) {
  const Vec3 a(0, 0, 0);
  const Vec3 b(1, 0, 0);
  const Vec3 c(0, 1, 0);
  auto t = ray_triangle(Vec3(0.2, 0.2, 2), Vec3(0, 0, -1), a, b, c, 10);
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, 2, kEps);
  EXPECT_FALSE(ray_triangle(Vec3(0.2, 0.2, 2), Vec3(0, 0, -1), a, b, c, 1.5));  // too short
  EXPECT_FALSE(ray_triangle(Vec3(0.8, 0.8, 2), Vec3(0, 0, -1), a, b, c, 10));   // beside it
  EXPECT_FALSE(ray_triangle(Vec3(0.2, 0.2, 2), Vec3(1, 0, 0), a, b, c, 10));    // parallel

  const Aabb box{Vec3(1, 1, -1), Vec3(2, 2, 1)};
  const Real inf = std::numeric_limits<Real>::infinity();
  // Origin on the box's y = 1 plane, parallel to it: 0 * inf must not poison the test.
  t = ray_aabb(Vec3(0, 1, 0), Vec3(1, inf, inf), box, 10);
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, 1, kEps);
  t = ray_aabb(Vec3(1.5, 1.5, 0), Vec3(1, inf, inf), box, 10);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 0);
  EXPECT_FALSE(ray_aabb(Vec3(0, 0, 0), Vec3(1, inf, inf), box, 10));

  t = ray_sphere(Vec3(-3, 0, 0), Vec3(1, 0, 0), Vec3::Zero(), 1, 10);
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, 2, kEps);
  EXPECT_FALSE(ray_sphere(Vec3(-3, 0, 0), Vec3(-1, 0, 0), Vec3::Zero(), 1, 10));

  const CapsuleSegment peg{Vec3(0, 0, 0), Vec3(0, 1, 0), 0.25};
  t = ray_capsule(Vec3(-2, 0.5, 0), Vec3(1, 0, 0), peg, 10);  // the side
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, 1.75, kEps);
  t = ray_capsule(Vec3(0, 3, 0), Vec3(0, -1, 0), peg, 10);  // the top cap
  ASSERT_TRUE(t);
  EXPECT_NEAR(*t, 1.75, kEps);
  EXPECT_FALSE(ray_capsule(Vec3(-2, 0.5, 0.3), Vec3(1, 0, 0), peg, 10));
}

}  // namespace
}  // namespace medvision::sim
