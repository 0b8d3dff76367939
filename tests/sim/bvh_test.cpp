// The bounding-volume hierarchy answers every query exactly as a brute-force
// loop over all primitives does, on random boxes, before and after the
// primitives move and the tree is refitted.

#include "sim/bvh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "core/random.h"

namespace medvision::sim {
namespace {

Vec3 random_point(SplitMix64& rng, Real scale) {
  return scale * Vec3(rng.uniform() - 0.5, rng.uniform() - 0.5, rng.uniform() - 0.5);
}

// Spheres of random radius: boxes around them, exact distances and ray hits.
struct Spheres {
  std::vector<Vec3> centers;
  std::vector<Real> radii;
  std::vector<Aabb> boxes() const {
    std::vector<Aabb> b;
    for (std::size_t i = 0; i < centers.size(); ++i)
      b.push_back(Aabb::around(centers[i], radii[i]));
    return b;
  }
  Real distance(int i, const Vec3& p) const {
    const auto k = static_cast<std::size_t>(i);
    return std::max(Real(0), (p - centers[k]).norm() - radii[k]);
  }
};

Spheres random_spheres(SplitMix64& rng, int n) {
  Spheres s;
  for (int i = 0; i < n; ++i) {
    s.centers.push_back(random_point(rng, 1.0));
    s.radii.push_back(0.005 + 0.03 * rng.uniform());
  }
  return s;
}

std::vector<int> brute_overlaps(const std::vector<Aabb>& boxes, const Aabb& q) {
  std::vector<int> out;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    if (boxes[i].overlaps(q)) out.push_back(static_cast<int>(i));
  }
  return out;
}

void expect_queries_match_brute_force(const Bvh& tree, const Spheres& s, SplitMix64& rng) {
  const std::vector<Aabb> boxes = s.boxes();
  for (int q = 0; q < 200; ++q) {
    const Vec3 c = random_point(rng, 1.2);
    const Aabb box{c.array() - 0.1 * rng.uniform(), c.array() + 0.1 * rng.uniform()};
    std::vector<int> got;
    tree.overlaps(box, got);
    ASSERT_EQ(got, brute_overlaps(boxes, box));

    const Real radius = 0.3 * rng.uniform();
    const BvhClosest near = tree.closest(c, radius, [&](int i) { return s.distance(i, c); });
    int want = -1;
    Real best = radius;
    for (int i = 0; i < static_cast<int>(boxes.size()); ++i) {
      const Real d = s.distance(i, c);
      if (d < best || (d == best && want < 0)) {
        best = d;
        want = i;
      }
    }
    ASSERT_EQ(near.primitive, want);
    if (want >= 0) {
      ASSERT_EQ(near.distance, best);
    }

    const Vec3 dir = random_point(rng, 2.0).normalized();
    const auto hit_sphere = [&](int i, Real t_max) {
      return ray_sphere(c, dir, s.centers[static_cast<std::size_t>(i)],
                        s.radii[static_cast<std::size_t>(i)], t_max);
    };
    const BvhRayHit ray = tree.ray_cast(c, dir, 2.0, hit_sphere);
    int want_ray = -1;
    Real want_t = 2.0;
    for (int i = 0; i < static_cast<int>(boxes.size()); ++i) {
      const auto t = hit_sphere(i, 2.0);
      if (t && (*t < want_t || (*t == want_t && want_ray < 0))) {
        want_t = *t;
        want_ray = i;
      }
    }
    ASSERT_EQ(ray.primitive, want_ray);
    if (want_ray >= 0) {
      ASSERT_EQ(ray.t, want_t);
    }
  }
}

TEST(Bvh, QueriesEqualBruteForceOnRandomSpheres) {
  SplitMix64 rng(7);
  const Spheres s = random_spheres(rng, 1000);
  Bvh tree;
  tree.build(s.boxes());
  EXPECT_LE(tree.depth(), 40);
  expect_queries_match_brute_force(tree, s, rng);
}

TEST(Bvh, MedianSplitTreeAnswersTheSame) {
  SplitMix64 rng(8);
  const Spheres s = random_spheres(rng, 500);
  Bvh tree;
  BvhBuildOptions options;
  options.split = BvhBuildOptions::Split::median;
  tree.build(s.boxes(), options);
  EXPECT_LE(tree.depth(), 10);  // ceil(log2(500 / 4)) + 1 levels of halving
  expect_queries_match_brute_force(tree, s, rng);
}

TEST(Bvh, RefittedTreeStillEqualsBruteForceAfterThePrimitivesMove) {
  SplitMix64 rng(9);
  Spheres s = random_spheres(rng, 800);
  Bvh tree;
  tree.build(s.boxes());
  // A deformation: every centre moves, some far.
  for (auto& c : s.centers) c += random_point(rng, 0.4) + Vec3(0.3 * c.y(), 0, 0);
  tree.refit(s.boxes());
  for (const BvhNode& node : tree.nodes()) {
    if (node.leaf()) continue;
    const Aabb both = merged(tree.nodes()[static_cast<std::size_t>(node.first)].box,
                             tree.nodes()[static_cast<std::size_t>(node.first + 1)].box);
    EXPECT_EQ(node.box.min, both.min);
    EXPECT_EQ(node.box.max, both.max);
  }
  expect_queries_match_brute_force(tree, s, rng);
}

TEST(Bvh, OverlappingPairsEqualBruteForceOncePerPairInAscendingFirstIndex) {
  SplitMix64 rng(10);
  const Spheres s = random_spheres(rng, 400);
  const std::vector<Aabb> boxes = s.boxes();
  Bvh tree;
  tree.build(boxes);
  std::vector<std::pair<int, int>> got;
  tree.for_each_overlapping_pair([&](int i, int j) { got.emplace_back(i, j); });
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));
  std::sort(got.begin(), got.end());
  std::vector<std::pair<int, int>> want;
  for (int i = 0; i < 400; ++i) {
    for (int j = i + 1; j < 400; ++j) {
      if (boxes[static_cast<std::size_t>(i)].overlaps(boxes[static_cast<std::size_t>(j)])) {
        want.emplace_back(i, j);
      }
    }
  }
  EXPECT_EQ(got, want);
  EXPECT_GT(want.size(), 10u);
}

TEST(Bvh, CoincidentAndDegenerateBoxesBuildABoundedTree) {
  // Particles at one point and particles on a line: no SAH split helps.
  std::vector<Aabb> boxes(300, Aabb::around(Vec3(1, 2, 3)));
  for (int i = 0; i < 300; ++i) boxes.push_back(Aabb::around(Vec3(0.001 * i, 0, 0)));
  Bvh tree;
  tree.build(boxes);
  EXPECT_LE(tree.depth(), 64);
  std::vector<int> got;
  tree.overlaps(Aabb::around(Vec3(1, 2, 3), 1e-9), got);
  EXPECT_EQ(got.size(), 300u);
  EXPECT_EQ(got.front(), 0);
  EXPECT_EQ(got.back(), 299);
}

TEST(Bvh, SameBoxesGiveTheSameTreeAndVisitingOrder) {
  SplitMix64 rng(11);
  const Spheres s = random_spheres(rng, 300);
  Bvh a;
  Bvh b;
  a.build(s.boxes());
  b.build(s.boxes());
  EXPECT_EQ(a.primitive_order(), b.primitive_order());
  std::vector<int> va;
  std::vector<int> vb;
  const Aabb q{Vec3(-0.3, -0.3, -0.3), Vec3(0.3, 0.3, 0.3)};
  a.for_each_overlap(q, [&](int i) { va.push_back(i); });
  b.for_each_overlap(q, [&](int i) { vb.push_back(i); });
  EXPECT_EQ(va, vb);
}

TEST(Bvh, EmptyTreeFindsNothing) {
  Bvh tree;
  tree.build({});
  std::vector<int> got;
  tree.overlaps(Aabb::around(Vec3::Zero(), 1), got);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(tree.closest(Vec3::Zero(), 1, [](int) { return 0.0; }).primitive, -1);
  EXPECT_EQ(tree.ray_cast(Vec3::Zero(), Vec3::UnitX(), 1,
                          [](int, Real) { return std::optional<Real>(0.0); })
                .primitive,
            -1);
}

}  // namespace
}  // namespace medvision::sim
