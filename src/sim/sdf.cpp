#include "sim/sdf.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "sim/bvh.h"
#include "sim/geometry.h"

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

// Fills every node with f(position); nodes are independent, so the slabs
// run in parallel and the result does not depend on the schedule.
template <class F>
void fill(SignedDistanceField& field, F&& f) {
  tbb::parallel_for(tbb::blocked_range<int>(0, field.nodes[2]),
                    [&](const tbb::blocked_range<int>& r) {
                      for (int k = r.begin(); k < r.end(); ++k) {
                        for (int j = 0; j < field.nodes[1]; ++j) {
                          for (int i = 0; i < field.nodes[0]; ++i) {
                            field.values[field.index(i, j, k)] = f(field.node_position(i, j, k));
                          }
                        }
                      }
                    });
}

SdfSample sample_impl(const SignedDistanceField& field, const Vec3& p) {
  const Aabb box = field.bounds();
  const Vec3 q = p.cwiseMax(box.min).cwiseMin(box.max);
  const Vec3 u = (q - field.origin) / field.spacing;
  std::array<int, 3> lo{};
  std::array<int, 3> hi{};
  Vec3 f = Vec3::Zero();
  for (int a = 0; a < 3; ++a) {
    const int n = field.nodes[at(a)];
    lo[at(a)] = std::clamp(static_cast<int>(std::floor(u[a])), 0, std::max(n - 2, 0));
    hi[at(a)] = std::min(lo[at(a)] + 1, n - 1);
    f[a] = std::clamp(u[a] - lo[at(a)], Real(0), Real(1));
  }
  Real c[2][2][2];
  for (int dk = 0; dk < 2; ++dk) {
    for (int dj = 0; dj < 2; ++dj) {
      for (int di = 0; di < 2; ++di) {
        c[di][dj][dk] = field.at(di ? hi[0] : lo[0], dj ? hi[1] : lo[1], dk ? hi[2] : lo[2]);
      }
    }
  }
  const Real x = f.x();
  const Real y = f.y();
  const Real z = f.z();
  // Interpolate along x, then y, then z; the gradient is the derivative of
  // the same polynomial.
  const Real c00 = c[0][0][0] + x * (c[1][0][0] - c[0][0][0]);
  const Real c10 = c[0][1][0] + x * (c[1][1][0] - c[0][1][0]);
  const Real c01 = c[0][0][1] + x * (c[1][0][1] - c[0][0][1]);
  const Real c11 = c[0][1][1] + x * (c[1][1][1] - c[0][1][1]);
  const Real c0 = c00 + y * (c10 - c00);
  const Real c1 = c01 + y * (c11 - c01);
  SdfSample s;
  s.distance = c0 + z * (c1 - c0);
  const Real dx0 = (1 - y) * (c[1][0][0] - c[0][0][0]) + y * (c[1][1][0] - c[0][1][0]);
  const Real dx1 = (1 - y) * (c[1][0][1] - c[0][0][1]) + y * (c[1][1][1] - c[0][1][1]);
  s.gradient.x() = (1 - z) * dx0 + z * dx1;
  s.gradient.y() = (1 - z) * (c10 - c00) + z * (c11 - c01);
  s.gradient.z() = c1 - c0;
  s.gradient /= field.spacing;

  const Vec3 outside = p - q;
  if (const Real d = outside.norm(); d > 0) {
    s.distance += d;
    s.gradient = outside / d;
  }
  return s;
}

}  // namespace

Real sample(const SignedDistanceField& field, const Vec3& p) {
  return sample_impl(field, p).distance;
}

SdfSample sample_with_gradient(const SignedDistanceField& field, const Vec3& p) {
  return sample_impl(field, p);
}

Real signed_distance(const SdfPrimitive& shape, const Vec3& p) {
  if (const auto* s = std::get_if<SdfSphere>(&shape)) return (p - s->center).norm() - s->radius;
  if (const auto* c = std::get_if<SdfCapsule>(&shape)) {
    return (p - closest_point_on_segment(p, c->a, c->b).point).norm() - c->radius;
  }
  // Box (Quilez, "Distance functions"): the distance to the box outside,
  // minus the depth below the nearest face inside.
  const auto& b = std::get<SdfBox>(shape);
  const Vec3 local = b.pose.rotation.conjugate() * (p - b.pose.translation);
  const Vec3 q = local.cwiseAbs() - b.half_extents;
  return q.cwiseMax(0).norm() + std::min(q.maxCoeff(), Real(0));
}

Real union_distance(std::span<const SdfPrimitive> shapes, const Vec3& p) {
  Real d = std::numeric_limits<Real>::infinity();
  for (const auto& s : shapes) d = std::min(d, signed_distance(s, p));
  return d;
}

SignedDistanceField make_grid(const Aabb& bounds, Real spacing) {
  SignedDistanceField field;
  field.origin = bounds.min;
  field.spacing = spacing;
  const Vec3 extent = bounds.extent();
  for (int a = 0; a < 3; ++a) {
    field.nodes[at(a)] = static_cast<int>(std::ceil(extent[a] / spacing - 1e-9)) + 1;
  }
  field.values.assign(at(field.nodes[0]) * at(field.nodes[1]) * at(field.nodes[2]), 0);
  return field;
}

SignedDistanceField build_sdf(std::span<const SdfPrimitive> shapes, const Aabb& bounds,
                              Real spacing) {
  SignedDistanceField field = make_grid(bounds, spacing);
  fill(field, [&](const Vec3& p) { return union_distance(shapes, p); });
  return field;
}

Real winding_number(std::span<const Vec3> vertices, std::span<const std::array<int, 3>> triangles,
                    const Vec3& p) {
  Real total = 0;
  for (const auto& t : triangles) {
    const Vec3 a = vertices[at(t[0])] - p;
    const Vec3 b = vertices[at(t[1])] - p;
    const Vec3 c = vertices[at(t[2])] - p;
    const Real la = a.norm();
    const Real lb = b.norm();
    const Real lc = c.norm();
    // tan(omega / 2) = a.(b x c) / (|a||b||c| + (a.b)|c| + (a.c)|b| + (b.c)|a|)
    const Real num = a.dot(b.cross(c));
    const Real den = la * lb * lc + a.dot(b) * lc + a.dot(c) * lb + b.dot(c) * la;
    total += 2 * std::atan2(num, den);
  }
  return total / (4 * std::numbers::pi);
}

SignedDistanceField build_sdf_from_mesh(std::span<const Vec3> vertices,
                                        std::span<const std::array<int, 3>> triangles,
                                        const Aabb& bounds, Real spacing) {
  std::vector<Aabb> boxes;
  boxes.reserve(triangles.size());
  for (const auto& t : triangles) {
    Aabb b = Aabb::around(vertices[at(t[0])]);
    b.grow(vertices[at(t[1])]);
    b.grow(vertices[at(t[2])]);
    boxes.push_back(b);
  }
  Bvh tree;
  tree.build(boxes);
  SignedDistanceField field = make_grid(bounds, spacing);
  fill(field, [&](const Vec3& p) {
    const BvhClosest nearest = tree.closest(p, std::numeric_limits<Real>::infinity(), [&](int i) {
      const auto& t = triangles[at(i)];
      const TrianglePoint c =
          closest_point_on_triangle(p, vertices[at(t[0])], vertices[at(t[1])], vertices[at(t[2])]);
      return (c.point - p).norm();
    });
    const bool inside = winding_number(vertices, triangles, p) > Real(0.5);
    return inside ? -nearest.distance : nearest.distance;
  });
  return field;
}

}  // namespace medvision::sim
