#pragma once
// Contact generation between two convex shapes: up to four contact points
// with a shared depth convention, for the rigid-body solver (and for anyone
// who needs to know where two shapes touch).
//
// Methods (each pair has its own, the cheapest exact one we know):
// - polyhedron-polyhedron: the separating-axis test over both shapes' face
//   normals and the cross products of their edge directions (Gottschalk,
//   Lin & Manocha 1996, "OBBTree"; Gregorius 2013, "The separating axis
//   test between convex polyhedra", GDC), then the incident face clipped
//   against the reference face's side planes (Sutherland & Hodgman 1974) for
//   a face axis, or the closest points of the two supporting edges for an
//   edge axis; a face axis is preferred unless an edge axis is clearly
//   shallower (Catto, Box2D's relative tolerance), so resting contacts keep
//   one normal from step to step;
// - capsule-polyhedron: if the capsule's core segment misses the
//   polyhedron, exact closest points between the segment and the faces'
//   triangles (plus each endpoint's own closest point, so a capsule lying on
//   a face gets two contacts); if the core enters the polyhedron, the same
//   separating-axis test with the segment as a degenerate polyhedron;
// - capsule-capsule: closest points of the core segments (plus endpoint
//   pairs, for parallel capsules);
// - anything-plane: the vertices or capsule ends below the plane.
// When more than four points qualify, the deepest one, the one farthest from
// it, the one spanning the largest triangle with those and the one adding
// the most area are kept (Gregorius 2015, "Robust contact creation for
// physics simulations", GDC).

#include <array>

#include "sim/shapes.h"
#include "sim/types.h"

namespace medvision::sim {

struct ContactPoint {
  Vec3 on_a;       // point of a's surface reaching deepest into b (world)
  Vec3 on_b;       // point of b's surface reaching deepest into a (world)
  Vec3 normal;     // unit, from b towards a: moving a along it separates them
  Real depth = 0;  // (on_b - on_a) . normal: > 0 overlap, <= 0 gap (within the margin)
};

struct ContactManifold {
  static constexpr int kCapacity = 4;
  std::array<ContactPoint, kCapacity> points;
  int count = 0;
};

// The contacts of shape a (placed in the world by pose_a) with shape b
// whose gap is at most `margin` (m). Allocates nothing.
void collide(const Shape& a, const Transform& pose_a, const Shape& b, const Transform& pose_b,
             Real margin, ContactManifold& out);

}  // namespace medvision::sim
