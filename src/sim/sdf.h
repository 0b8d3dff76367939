#pragma once
// A signed distance field on a regular grid: negative inside, positive
// outside, metres. Tissue collides with static anatomy by sampling it
// (distance and gradient, the push-out direction) instead of testing
// triangles. Sampling is trilinear between the eight surrounding nodes, and
// the gradient is the exact gradient of that interpolant, so the two agree.
//
// Builders: from analytic shapes (sphere, box, capsule and their union)
// and from a closed triangle mesh (unsigned distance to the nearest
// triangle through a BVH, sign from the generalised winding number, which
// is robust to small cracks and inconsistent windings: Jacobson, Kavan &
// Sorkine-Hornung 2013, "Robust inside-outside segmentation using
// generalized winding numbers", SIGGRAPH).

#include <array>
#include <span>
#include <variant>
#include <vector>

#include "sim/aabb.h"
#include "sim/types.h"

namespace medvision::sim {

struct SignedDistanceField {
  Vec3 origin = Vec3::Zero();  // position of node (0, 0, 0)
  Real spacing = 0;            // m between neighbouring nodes
  std::array<int, 3> nodes = {0, 0, 0};
  std::vector<Real> values;  // node (i, j, k) at i + nodes[0] (j + nodes[1] k)

  std::size_t index(int i, int j, int k) const {
    return static_cast<std::size_t>(i) +
           static_cast<std::size_t>(nodes[0]) *
               (static_cast<std::size_t>(j) + static_cast<std::size_t>(nodes[1]) * k);
  }
  Real at(int i, int j, int k) const { return values[index(i, j, k)]; }
  Vec3 node_position(int i, int j, int k) const { return origin + spacing * Vec3(i, j, k); }
  Aabb bounds() const {
    return Aabb{origin, origin + spacing * Vec3(nodes[0] - 1, nodes[1] - 1, nodes[2] - 1)};
  }
};

struct SdfSample {
  Real distance = 0;
  Vec3 gradient = Vec3::Zero();  // unit length where the field is a true distance
};

// Outside the grid the field is continued as the value at the nearest point
// of the grid's box plus the distance to that point (an upper bound on the
// true distance, exact in sign when the box lies outside every object).
Real sample(const SignedDistanceField& field, const Vec3& p);
SdfSample sample_with_gradient(const SignedDistanceField& field, const Vec3& p);

// Analytic signed distances.
struct SdfSphere {
  Vec3 center = Vec3::Zero();
  Real radius = 0;
};
struct SdfBox {
  Transform pose;  // box frame -> world
  Vec3 half_extents = Vec3::Zero();
};
struct SdfCapsule {
  Vec3 a = Vec3::Zero();
  Vec3 b = Vec3::Zero();
  Real radius = 0;
};
using SdfPrimitive = std::variant<SdfSphere, SdfBox, SdfCapsule>;

Real signed_distance(const SdfPrimitive& shape, const Vec3& p);
// The union: the smallest distance. Exact outside; inside where shapes
// overlap it underestimates the depth (it is the depth into the nearest).
Real union_distance(std::span<const SdfPrimitive> shapes, const Vec3& p);

// An empty field whose grid covers `bounds` with nodes `spacing` apart
// (the box is rounded up to whole cells).
SignedDistanceField make_grid(const Aabb& bounds, Real spacing);
SignedDistanceField build_sdf(std::span<const SdfPrimitive> shapes, const Aabb& bounds,
                              Real spacing);

// The generalised winding number of a closed triangle mesh at p: 1 inside,
// 0 outside (sum of signed solid angles over 4 pi; the solid angle of a
// triangle by Van Oosterom & Strackee 1983, IEEE Trans. Biomed. Eng. 30:125).
// Triangles wind counter-clockwise seen from outside.
Real winding_number(std::span<const Vec3> vertices, std::span<const std::array<int, 3>> triangles,
                    const Vec3& p);
SignedDistanceField build_sdf_from_mesh(std::span<const Vec3> vertices,
                                        std::span<const std::array<int, 3>> triangles,
                                        const Aabb& bounds, Real spacing);

}  // namespace medvision::sim
