#pragma once
// Closest points, distances and ray intersections between the primitives
// everything else is made of: points, segments, triangles, capsules, boxes.
// The closest-point algorithms are the Voronoi-region and clamped-parameter
// methods of Ericson, "Real-Time Collision Detection" (2005), ch. 5.1; the
// ray tests are cited where they are defined.
//
// Ties (parallel segments, a point equidistant from two features) resolve
// the same way every time, so callers stay deterministic.

#include <optional>

#include "sim/aabb.h"
#include "sim/types.h"

namespace medvision::sim {

// The point of segment [a, b] closest to p, at a + t (b - a), t in [0, 1].
struct SegmentPoint {
  Vec3 point;
  Real t = 0;
};
SegmentPoint closest_point_on_segment(const Vec3& p, const Vec3& a, const Vec3& b);

// The closest pair between segments [p1, q1] and [p2, q2]: on_first =
// p1 + s (q1 - p1), on_second = p2 + t (q2 - p2). Parallel segments give the
// pair at the smallest s. Degenerate segments (points) are allowed.
struct SegmentPair {
  Vec3 on_first;
  Vec3 on_second;
  Real s = 0;
  Real t = 0;
  Real distance_squared = 0;
};
SegmentPair closest_points_segment_segment(const Vec3& p1, const Vec3& q1, const Vec3& p2,
                                           const Vec3& q2);

// The point of triangle (a, b, c) closest to p and its barycentric weights
// (point = u a + v b + w c).
struct TrianglePoint {
  Vec3 point;
  Vec3 barycentric;
};
TrianglePoint closest_point_on_triangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c);

// The closest pair between segment [p, q] and triangle (a, b, c).
struct SegmentTrianglePair {
  Vec3 on_segment;
  Vec3 on_triangle;
  Real t = 0;  // on_segment = p + t (q - p)
  Real distance_squared = 0;
};
SegmentTrianglePair closest_points_segment_triangle(const Vec3& p, const Vec3& q, const Vec3& a,
                                                    const Vec3& b, const Vec3& c);

// A capsule in world coordinates: every point within `radius` of [a, b].
// Instrument shafts, jaws and pegs are capsules; a sphere has a == b.
struct CapsuleSegment {
  Vec3 a = Vec3::Zero();
  Vec3 b = Vec3::Zero();
  Real radius = 0;
};

// Signed distance between two surfaces (negative when they overlap), the
// witness points on each surface and the unit normal pointing from the
// second object towards the first (moving the first along it separates them).
struct SurfaceDistance {
  Real distance = 0;
  Vec3 on_first;
  Vec3 on_second;
  Vec3 normal;
};
SurfaceDistance capsule_point_distance(const CapsuleSegment& capsule, const Vec3& p);
SurfaceDistance capsule_triangle_distance(const CapsuleSegment& capsule, const Vec3& a,
                                          const Vec3& b, const Vec3& c);
SurfaceDistance capsule_capsule_distance(const CapsuleSegment& first, const CapsuleSegment& second);

// A unit vector perpendicular to v (v need not be unit, must not be zero).
Vec3 any_perpendicular(const Vec3& v);

// Rays: origin + t dir with t in [0, max_t]; dir need not be unit (t is then
// in units of |dir|). Each returns the first t, or nothing.

// Moeller & Trumbore 1997, "Fast, minimum storage ray-triangle intersection";
// both sides of the triangle are hit.
std::optional<Real> ray_triangle(const Vec3& origin, const Vec3& dir, const Vec3& a, const Vec3& b,
                                 const Vec3& c, Real max_t);

// The slab test (Kay & Kajiya 1986) with precomputed reciprocal direction
// components, which may be infinite (Williams et al. 2005, "An efficient and
// robust ray-box intersection algorithm"). Returns the entry t (0 if the
// origin is inside).
std::optional<Real> ray_aabb(const Vec3& origin, const Vec3& inverse_dir, const Aabb& box,
                             Real max_t);

// A ray starting inside the sphere or capsule hits at t = 0.
std::optional<Real> ray_sphere(const Vec3& origin, const Vec3& dir, const Vec3& center, Real radius,
                               Real max_t);
std::optional<Real> ray_capsule(const Vec3& origin, const Vec3& dir, const CapsuleSegment& capsule,
                                Real max_t);

}  // namespace medvision::sim
