#pragma once
// A bounding-volume hierarchy of axis-aligned boxes over primitives that the
// caller owns (triangles of a deforming surface, particles, rigid shapes);
// the tree sees each primitive only as its Aabb and its index.
//
// - build: top down, binned surface-area heuristic (Wald 2007, "On fast
//   construction of SAH-based bounding volume hierarchies", IEEE RT), with a
//   median split below a depth limit so the depth stays bounded; nodes in
//   one flat array, the children of a node next to each other and after it.
// - refit: after primitives move, bottom up in one reverse sweep over that
//   array; no allocation (the topology is kept, so refit a tree whose
//   primitives moved far from where it was built less often than you
//   rebuild it).
// - queries: primitives whose box overlaps a box, pairs of overlapping
//   primitives, the closest primitive to a point within a radius (exact
//   distance from a callback), the first primitive hit by a ray (exact hit
//   from a callback). Queries allocate nothing (a fixed traversal stack) and
//   are const, so several threads may query one tree.
//
// Determinism: the same boxes give the same tree and the same visiting
// order; ties in closest and ray queries go to the lower primitive index;
// `overlaps()` returns indices in ascending order.

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "sim/aabb.h"
#include "sim/geometry.h"
#include "sim/types.h"

namespace medvision::sim {

struct BvhNode {
  Aabb box;
  int first =
      0;  // leaf: first slot in primitive_order(); inner node: left child (right = first + 1)
  int count = 0;  // primitives in a leaf; 0 for an inner node
  bool leaf() const { return count > 0; }
};

struct BvhBuildOptions {
  enum class Split { surface_area, median };
  Split split = Split::surface_area;
  int max_leaf_size = 4;
  int bins = 16;
};

struct BvhClosest {
  int primitive = -1;  // -1: nothing within the radius
  Real distance = std::numeric_limits<Real>::infinity();
};

struct BvhRayHit {
  int primitive = -1;  // -1: no hit
  Real t = std::numeric_limits<Real>::infinity();
};

class Bvh {
 public:
  // Builds over `boxes` (primitive i has box boxes[i]). Reuses the tree's
  // buffers: rebuilding a tree of the same size allocates nothing.
  void build(std::span<const Aabb> boxes, const BvhBuildOptions& options = {});
  // Updates every node's box for moved primitives (same count as built).
  void refit(std::span<const Aabb> boxes);

  int primitive_count() const { return static_cast<int>(boxes_.size()); }
  int depth() const { return depth_; }
  const std::vector<BvhNode>& nodes() const { return nodes_; }
  const std::vector<int>& primitive_order() const { return order_; }
  const Aabb& primitive_box(int i) const { return boxes_[static_cast<std::size_t>(i)]; }

  // Calls visit(i) for every primitive whose box overlaps `box` (touching
  // counts), in traversal order.
  template <class Visit>
  void for_each_overlap(const Aabb& box, Visit&& visit) const;
  // The same primitives, appended to `out` in ascending order.
  void overlaps(const Aabb& box, std::vector<int>& out) const;
  // Calls visit(i, j), i < j, once for every pair of overlapping primitive
  // boxes, i ascending.
  template <class Visit>
  void for_each_overlapping_pair(Visit&& visit) const;

  // The primitive nearest to p with distance(i) <= radius, where
  // distance(i) -> Real is the exact distance to primitive i (it must be at
  // least the distance to the primitive's box, which prunes the search).
  template <class Distance>
  BvhClosest closest(const Vec3& p, Real radius, Distance&& distance) const;

  // The first primitive along origin + t dir, t in [0, max_t], where
  // hit(i, t_max) -> std::optional<Real> is the exact entry t into primitive
  // i if it is at most t_max.
  template <class Hit>
  BvhRayHit ray_cast(const Vec3& origin, const Vec3& dir, Real max_t, Hit&& hit) const;

 private:
  // Depth is at most kSurfaceAreaDepthLimit + log2(n) (median splits below
  // the limit halve the range), so this stack never overflows.
  static constexpr int kSurfaceAreaDepthLimit = 48;
  static constexpr int kStackSize = 128;

  struct BuildTask {
    int node = 0;
    int begin = 0;
    int end = 0;
    int depth = 0;
  };
  int split_range(int begin, int end, int depth, const Aabb& centroid_bounds,
                  const BvhBuildOptions& options);
  int split_median(int begin, int end, int axis);

  std::vector<BvhNode> nodes_;
  std::vector<int> order_;
  std::vector<Aabb> boxes_;
  std::vector<Vec3> centroids_;
  std::vector<BuildTask> tasks_;
  int depth_ = 0;
};

template <class Visit>
void Bvh::for_each_overlap(const Aabb& box, Visit&& visit) const {
  if (nodes_.empty()) return;
  std::array<int, kStackSize> stack;
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const BvhNode& node = nodes_[static_cast<std::size_t>(stack[--top])];
    if (!node.box.overlaps(box)) continue;
    if (node.leaf()) {
      for (int k = node.first; k < node.first + node.count; ++k) {
        const int i = order_[static_cast<std::size_t>(k)];
        if (boxes_[static_cast<std::size_t>(i)].overlaps(box)) visit(i);
      }
    } else {
      stack[top++] = node.first + 1;
      stack[top++] = node.first;
    }
  }
}

template <class Visit>
void Bvh::for_each_overlapping_pair(Visit&& visit) const {
  for (int i = 0; i < primitive_count(); ++i) {
    for_each_overlap(boxes_[static_cast<std::size_t>(i)], [&](int j) {
      if (j > i) visit(i, j);
    });
  }
}

template <class Distance>
BvhClosest Bvh::closest(const Vec3& p, Real radius, Distance&& distance) const {
  BvhClosest best;
  best.distance = radius;
  if (nodes_.empty()) return best;
  const auto may_hold_better = [&](const Aabb& b) {
    return b.squared_distance(p) <= best.distance * best.distance;
  };
  std::array<int, kStackSize> stack;
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const BvhNode& node = nodes_[static_cast<std::size_t>(stack[--top])];
    if (!may_hold_better(node.box)) continue;
    if (node.leaf()) {
      for (int k = node.first; k < node.first + node.count; ++k) {
        const int i = order_[static_cast<std::size_t>(k)];
        if (!may_hold_better(boxes_[static_cast<std::size_t>(i)])) continue;
        const Real d = distance(i);
        if (d < best.distance ||
            (d == best.distance && (best.primitive < 0 || i < best.primitive))) {
          best.distance = d;
          best.primitive = i;
        }
      }
    } else {
      // Visit the nearer child first (push it last) so the radius shrinks early.
      const int left = node.first;
      const int right = node.first + 1;
      const bool left_nearer = nodes_[static_cast<std::size_t>(left)].box.squared_distance(p) <=
                               nodes_[static_cast<std::size_t>(right)].box.squared_distance(p);
      stack[top++] = left_nearer ? right : left;
      stack[top++] = left_nearer ? left : right;
    }
  }
  if (best.primitive < 0) best.distance = std::numeric_limits<Real>::infinity();
  return best;
}

template <class Hit>
BvhRayHit Bvh::ray_cast(const Vec3& origin, const Vec3& dir, Real max_t, Hit&& hit) const {
  BvhRayHit best;
  best.t = max_t;
  if (nodes_.empty()) return best;
  const Vec3 inverse_dir = dir.cwiseInverse();  // infinite components are fine (see ray_aabb)
  const auto entry = [&](const Aabb& b) { return ray_aabb(origin, inverse_dir, b, best.t); };
  std::array<int, kStackSize> stack;
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const BvhNode& node = nodes_[static_cast<std::size_t>(stack[--top])];
    if (!entry(node.box)) continue;
    if (node.leaf()) {
      for (int k = node.first; k < node.first + node.count; ++k) {
        const int i = order_[static_cast<std::size_t>(k)];
        if (!entry(boxes_[static_cast<std::size_t>(i)])) continue;
        const std::optional<Real> t = hit(i, best.t);
        if (t && (*t < best.t || (*t == best.t && (best.primitive < 0 || i < best.primitive)))) {
          best.t = *t;
          best.primitive = i;
        }
      }
    } else {
      const int left = node.first;
      const int right = node.first + 1;
      const auto tl = entry(nodes_[static_cast<std::size_t>(left)].box);
      const auto tr = entry(nodes_[static_cast<std::size_t>(right)].box);
      if (tl && tr) {
        const bool left_first = *tl <= *tr;
        stack[top++] = left_first ? right : left;
        stack[top++] = left_first ? left : right;
      } else if (tl) {
        stack[top++] = left;
      } else if (tr) {
        stack[top++] = right;
      }
    }
  }
  if (best.primitive < 0) best.t = std::numeric_limits<Real>::infinity();
  return best;
}

}  // namespace medvision::sim
