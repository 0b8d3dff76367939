// The signed distance field agrees with analytic distances: exactly at the
// grid nodes, and between them within the error of trilinear interpolation
// (zero for a plane, O(h^2 / radius) for a sphere, at most sqrt(3) h / 2
// across the creases of a box). Built from a triangle mesh, it equals the
// analytic field of the same solid.

#include "sim/sdf.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/random.h"

namespace medvision::sim {
namespace {

constexpr Real kPi = std::numbers::pi;

Vec3 random_in(SplitMix64& rng, const Aabb& box) {
  return box.min + Vec3(rng.uniform(), rng.uniform(), rng.uniform()).cwiseProduct(box.extent());
}

const Aabb kBounds{Vec3(-0.1, -0.1, -0.1), Vec3(0.1, 0.1, 0.1)};

TEST(Sdf, SphereFieldIsExactAtNodesAndWithinInterpolationErrorBetween) {
  const Real h = 0.005;
  const SdfSphere ball{Vec3(0.01, 0.02, -0.01), 0.05};
  const std::array<SdfPrimitive, 1> shapes = {ball};
  const SignedDistanceField field = build_sdf(shapes, kBounds, h);
  EXPECT_EQ(field.nodes[0], 41);
  for (int k = 0; k < field.nodes[2]; k += 7) {
    for (int j = 0; j < field.nodes[1]; j += 5) {
      for (int i = 0; i < field.nodes[0]; i += 3) {
        const Vec3 p = field.node_position(i, j, k);
        EXPECT_NEAR(sample(field, p), signed_distance(ball, p), 1e-15);
      }
    }
  }
  // Between nodes: |f''| <= 1 / rho for f = rho - r, so the error is at most
  // 3 h^2 / (8 rho); rho >= 0.02 m here.
  SplitMix64 rng(3);
  Real worst = 0;
  Real worst_angle = 0;
  for (int n = 0; n < 5000; ++n) {
    const Vec3 p = random_in(rng, kBounds);
    const Real rho = (p - ball.center).norm();
    if (rho < 0.02 || rho > 0.09) continue;
    const SdfSample s = sample_with_gradient(field, p);
    worst = std::max(worst, std::abs(s.distance - signed_distance(ball, p)));
    if (rho > 0.03) {
      const Vec3 radial = (p - ball.center) / rho;
      worst_angle =
          std::max(worst_angle, std::acos(std::min(Real(1), s.gradient.normalized().dot(radial))));
    }
  }
  EXPECT_LT(worst, 3 * h * h / (8 * 0.02)) << "worst " << worst;
  EXPECT_LT(worst_angle, 0.1) << "gradient direction off by " << worst_angle << " rad";
}

TEST(Sdf, BoxFieldIsExactWherePlanarAndWithinHalfADiagonalAcrossCreases) {
  const Real h = 0.005;
  const SdfBox axis_aligned{Transform{}, Vec3(0.04, 0.03, 0.05)};
  const SdfBox turned{Transform{Vec3(0.005, -0.01, 0),
                                Quat(Eigen::AngleAxis<Real>(0.6, Vec3(1, 1, 0).normalized()))},
                      Vec3(0.04, 0.03, 0.05)};
  for (const SdfBox& box : {axis_aligned, turned}) {
    const std::array<SdfPrimitive, 1> shapes = {box};
    const SignedDistanceField field = build_sdf(shapes, kBounds, h);
    SplitMix64 rng(4);
    Real worst = 0;
    for (int n = 0; n < 5000; ++n) {
      const Vec3 p = random_in(rng, kBounds.inflated(-h));
      worst = std::max(worst, std::abs(sample(field, p) - signed_distance(box, p)));
    }
    EXPECT_LT(worst, std::sqrt(3.0) / 2 * h) << "worst " << worst;
  }
  // Beside the +x face, away from edges and the medial planes: linear, so exact.
  const std::array<SdfPrimitive, 1> shapes = {axis_aligned};
  const SignedDistanceField field = build_sdf(shapes, kBounds, h);
  SplitMix64 rng(5);
  for (int n = 0; n < 200; ++n) {
    const Vec3 p(0.04 + h * (1 + 3 * rng.uniform()), 0.02 * (rng.uniform() - 0.5),
                 0.06 * (rng.uniform() - 0.5));
    EXPECT_NEAR(sample(field, p), p.x() - 0.04, 1e-15);
    EXPECT_NEAR((sample_with_gradient(field, p).gradient - Vec3::UnitX()).norm(), 0, 1e-12);
  }
}

TEST(Sdf, UnionOfCapsuleAndSphereIsTheNearerOne) {
  const std::array<SdfPrimitive, 2> shapes = {SdfCapsule{Vec3(-0.05, 0, 0), Vec3(0.05, 0, 0), 0.01},
                                              SdfSphere{Vec3(0, 0.05, 0), 0.02}};
  const SignedDistanceField field = build_sdf(shapes, kBounds, 0.004);
  EXPECT_NEAR(sample(field, Vec3(0, -0.03, 0)), 0.02, 3 * 0.004 * 0.004 / (8 * 0.03));
  EXPECT_NEAR(sample(field, Vec3(0, 0.08, 0)), 0.01, 3 * 0.004 * 0.004 / (8 * 0.03));
  EXPECT_LT(sample(field, Vec3(0.02, 0, 0)), 0);
  EXPECT_LT(sample(field, Vec3(0, 0.05, 0)), 0);
}

TEST(Sdf, OutsideTheGridTheFieldGrowsWithTheDistanceToIt) {
  const std::array<SdfPrimitive, 1> shapes = {SdfSphere{Vec3::Zero(), 0.05}};
  const SignedDistanceField field = build_sdf(shapes, kBounds, 0.01);
  const Vec3 far(0.3, 0, 0);
  const SdfSample s = sample_with_gradient(field, far);
  EXPECT_NEAR(s.distance, 0.05 + 0.2, 1e-12);  // exact here: on the axis
  EXPECT_NEAR((s.gradient - Vec3::UnitX()).norm(), 0, 1e-12);
  EXPECT_GE(sample(field, Vec3(0.3, 0.3, 0.3)), std::sqrt(3 * 0.09) - 0.05 - 1e-12);
}

struct Mesh {
  std::vector<Vec3> vertices;
  std::vector<std::array<int, 3>> triangles;
};

Mesh box_mesh(const Transform& pose, const Vec3& h) {
  Mesh m;
  for (int i = 0; i < 8; ++i) {
    m.vertices.push_back(pose.apply(
        Vec3((i & 1) ? h.x() : -h.x(), (i & 2) ? h.y() : -h.y(), (i & 4) ? h.z() : -h.z())));
  }
  // Counter-clockwise seen from outside.
  const int quads[6][4] = {{0, 4, 6, 2}, {1, 3, 7, 5}, {0, 1, 5, 4},
                           {2, 6, 7, 3}, {0, 2, 3, 1}, {4, 5, 7, 6}};
  for (const auto& q : quads) {
    m.triangles.push_back({q[0], q[1], q[2]});
    m.triangles.push_back({q[0], q[2], q[3]});
  }
  return m;
}

Mesh uv_sphere(const Vec3& c, Real r, int slices, int stacks) {
  Mesh m;
  m.vertices.push_back(c + Vec3(0, r, 0));
  for (int s = 1; s < stacks; ++s) {
    const Real theta = kPi * s / stacks;
    for (int k = 0; k < slices; ++k) {
      const Real phi = 2 * kPi * k / slices;
      m.vertices.push_back(c + r * Vec3(std::sin(theta) * std::cos(phi), std::cos(theta),
                                        -std::sin(theta) * std::sin(phi)));
    }
  }
  m.vertices.push_back(c - Vec3(0, r, 0));
  const int south = static_cast<int>(m.vertices.size()) - 1;
  const auto ring = [&](int s, int k) { return 1 + (s - 1) * slices + (k % slices); };
  for (int k = 0; k < slices; ++k) {
    m.triangles.push_back({0, ring(1, k), ring(1, k + 1)});
    m.triangles.push_back({south, ring(stacks - 1, k + 1), ring(stacks - 1, k)});
    for (int s = 1; s + 1 < stacks; ++s) {
      m.triangles.push_back({ring(s, k), ring(s + 1, k), ring(s + 1, k + 1)});
      m.triangles.push_back({ring(s, k), ring(s + 1, k + 1), ring(s, k + 1)});
    }
  }
  return m;
}

TEST(Sdf, FieldOfABoxMeshEqualsTheAnalyticBoxFieldAtEveryNode) {
  const Transform pose{Vec3(0.01, 0, -0.005),
                       Quat(Eigen::AngleAxis<Real>(0.4, Vec3(0, 1, 1).normalized()))};
  const Vec3 half(0.03, 0.02, 0.04);
  const Mesh mesh = box_mesh(pose, half);
  EXPECT_NEAR(winding_number(mesh.vertices, mesh.triangles, pose.translation), 1, 1e-12);
  EXPECT_NEAR(winding_number(mesh.vertices, mesh.triangles, Vec3(0.09, 0.09, 0.09)), 0, 1e-12);
  const SignedDistanceField field =
      build_sdf_from_mesh(mesh.vertices, mesh.triangles, kBounds, 0.01);
  const SdfBox box{pose, half};
  Real worst = 0;
  for (int k = 0; k < field.nodes[2]; ++k) {
    for (int j = 0; j < field.nodes[1]; ++j) {
      for (int i = 0; i < field.nodes[0]; ++i) {
        const Vec3 p = field.node_position(i, j, k);
        worst = std::max(worst, std::abs(field.at(i, j, k) - signed_distance(box, p)));
      }
    }
  }
  EXPECT_LT(worst, 1e-12);
}

TEST(Sdf, FieldOfASphereMeshMatchesTheSphereWithinItsFacetingError) {
  const Vec3 c(0.005, -0.01, 0.0);
  const Real r = 0.05;
  const int slices = 16;
  const Mesh mesh = uv_sphere(c, r, slices, slices / 2);
  const Aabb bounds{Vec3(-0.08, -0.08, -0.08), Vec3(0.08, 0.08, 0.08)};
  const SignedDistanceField field =
      build_sdf_from_mesh(mesh.vertices, mesh.triangles, bounds, 0.02);
  // Facets span 2 pi / slices in longitude and latitude, so the faceted
  // surface lies within r (1 - cos^2(pi / slices)) of the sphere, and so do
  // the two distance fields.
  const Real faceting = r * (1 - std::pow(std::cos(kPi / slices), 2));
  Real worst = 0;
  for (int k = 0; k < field.nodes[2]; ++k) {
    for (int j = 0; j < field.nodes[1]; ++j) {
      for (int i = 0; i < field.nodes[0]; ++i) {
        const Vec3 p = field.node_position(i, j, k);
        const Real exact = (p - c).norm() - r;
        worst = std::max(worst, std::abs(field.at(i, j, k) - exact));
        if (std::abs(exact) > faceting) {
          EXPECT_EQ(field.at(i, j, k) < 0, exact < 0) << p.transpose();
        }
      }
    }
  }
  EXPECT_LT(worst, faceting) << "worst " << worst;
}

TEST(Sdf, AMissingTriangleDoesNotTurnTheInsideOut) {
  Mesh mesh = box_mesh(Transform{}, Vec3(0.03, 0.03, 0.03));
  mesh.triangles.pop_back();  // a crack: half of one face is gone
  const Real w = winding_number(mesh.vertices, mesh.triangles, Vec3(0.005, 0.0, -0.01));
  EXPECT_GT(w, 0.5);
  EXPECT_LT(w, 1.0);
  EXPECT_LT(winding_number(mesh.vertices, mesh.triangles, Vec3(0.0, 0.0, 0.09)), 0.5);
}

}  // namespace
}  // namespace medvision::sim
