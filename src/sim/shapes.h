#pragma once
// Convex shapes for rigid bodies and static scenery. A body is a compound of
// these (a list of ShapeInstance in its own frame), which is how concave
// objects are made: the FLS peg-transfer triangle, a triangular prism with a
// hole, is a ring of three convex trapezoidal prisms.
//
// Frames: every shape is described in its own local frame; its instance
// transform places it in the body frame, the body's pose places it in the
// world. The capsule's axis and the prism's extrusion are the local y axis
// (the engine is y-up, like the session and the browsers' three.js, whose
// CapsuleGeometry and CylinderGeometry are y-aligned too).

#include <array>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "sim/aabb.h"
#include "sim/geometry.h"
#include "sim/types.h"

namespace medvision::sim {

// Every point within `radius` of the segment from (0, -half_length, 0) to
// (0, half_length, 0). A sphere has half_length 0; cylinders (pegs,
// instrument shafts) are modelled as capsules.
struct Capsule {
  Real radius = 0;
  Real half_length = 0;
};

// The solid half-space y <= 0 of its local frame (outward normal +y). For
// static bodies only (a floor, a table): it has no finite mass.
struct Plane {};

// A convex polyhedron: vertices, faces (counter-clockwise seen from
// outside) with outward unit normals and plane offsets (n . x = offset on
// the face), the unique edges and the unique edge directions (up to sign).
// Boxes, prisms and the pieces of compound objects are polyhedra.
struct ConvexPolyhedron {
  // Contact generation works on the stack, so the size is bounded.
  static constexpr int kMaxVertices = 32;
  static constexpr int kMaxFaces = 32;

  std::vector<Vec3> vertices;
  std::vector<int> face_indices;  // all faces' vertex indices, one face after the other
  std::vector<int> face_starts;   // face f is face_indices[face_starts[f] .. face_starts[f+1])
  std::vector<Vec3> face_normals;
  std::vector<Real> face_offsets;
  std::vector<std::array<int, 2>> edges;
  std::vector<int> edge_direction;    // edges[k] runs along edge_directions[edge_direction[k]]
  std::vector<Vec3> edge_directions;  // unit

  int face_count() const { return static_cast<int>(face_normals.size()); }
  int face_size(int f) const {
    return face_starts[static_cast<std::size_t>(f) + 1] - face_starts[static_cast<std::size_t>(f)];
  }
  const Vec3& face_vertex(int f, int k) const {
    const auto i = static_cast<std::size_t>(face_starts[static_cast<std::size_t>(f)] + k);
    return vertices[static_cast<std::size_t>(face_indices[i])];
  }
};

using Shape = std::variant<Capsule, ConvexPolyhedron, Plane>;

struct ShapeInstance {
  Shape shape;
  Transform local;  // shape frame -> body frame
};

// Builds the face planes, edges and edge directions of a convex polyhedron
// from its vertices and faces (each a list of vertex indices around the
// face, in either winding: windings are made to face outwards).
ConvexPolyhedron make_convex_polyhedron(std::vector<Vec3> vertices,
                                        const std::vector<std::vector<int>>& faces);
// A box centred on the origin.
ConvexPolyhedron make_box(const Vec3& half_extents);
// A right prism: the convex polygon `outline` (points (x, z)) extruded from
// y = -half_height to y = +half_height.
ConvexPolyhedron make_prism(std::span<const Eigen::Vector2d> outline, Real half_height);
// A right prism on an equilateral triangle of side `side`, centroid at the origin.
ConvexPolyhedron make_triangular_prism(Real side, Real half_height);
// An equilateral triangular prism of side `outer_side` with a concentric
// triangular hole of side `hole_side` along y: three trapezoidal prisms,
// their shape frames equal to the object's frame (centroid at the origin).
std::vector<ShapeInstance> make_triangular_ring(Real outer_side, Real hole_side, Real half_height);
// The radius of the largest circle inside an equilateral triangle of this side.
Real equilateral_inradius(Real side);

// The capsule's core segment and radius in the world, for a shape-to-world transform.
CapsuleSegment capsule_in_world(const Capsule& capsule, const Transform& pose);

// The world box around a shape placed by `pose` (a Plane's box is infinite).
Aabb world_aabb(const Shape& shape, const Transform& pose);

// The first point where origin + t dir (t in [0, max_t]) enters the shape,
// with the outward surface normal there. A ray starting inside hits at t = 0
// with normal -dir (normalised).
struct ShapeRayHit {
  Real t = 0;
  Vec3 normal;
};
std::optional<ShapeRayHit> ray_cast(const Shape& shape, const Transform& pose, const Vec3& origin,
                                    const Vec3& dir, Real max_t);

}  // namespace medvision::sim
