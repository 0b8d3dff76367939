#include "sim/shapes.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

// Directions closer than this (1 - |cos|) are the same SAT axis.
constexpr Real kParallel = 1e-9;

void add_edge_direction(ConvexPolyhedron& poly, const Vec3& d) {
  for (std::size_t k = 0; k < poly.edge_directions.size(); ++k) {
    if (1 - std::abs(poly.edge_directions[k].dot(d)) < kParallel) {
      poly.edge_direction.push_back(static_cast<int>(k));
      return;
    }
  }
  poly.edge_direction.push_back(static_cast<int>(poly.edge_directions.size()));
  poly.edge_directions.push_back(d);
}

std::optional<ShapeRayHit> ray_cast_polyhedron(const ConvexPolyhedron& poly, const Vec3& origin,
                                               const Vec3& dir, Real max_t) {
  // Cyrus & Beck 1978, "Generalized two- and three-dimensional clipping":
  // the ray is inside where it is behind every face plane.
  Real enter = 0;
  Real exit = max_t;
  int enter_face = -1;
  for (int f = 0; f < poly.face_count(); ++f) {
    const Vec3& n = poly.face_normals[at(f)];
    const Real denom = n.dot(dir);
    const Real dist = poly.face_offsets[at(f)] - n.dot(origin);  // > 0 behind the plane
    if (denom == 0) {
      if (dist < 0) return std::nullopt;
      continue;
    }
    const Real t = dist / denom;
    if (denom < 0) {
      if (t > enter) {
        enter = t;
        enter_face = f;
      }
    } else {
      exit = std::min(exit, t);
    }
    if (enter > exit) return std::nullopt;
  }
  const Vec3 normal = enter_face >= 0 ? poly.face_normals[at(enter_face)] : Vec3(-dir.normalized());
  return ShapeRayHit{enter, normal};
}

}  // namespace

ConvexPolyhedron make_convex_polyhedron(std::vector<Vec3> vertices,
                                        const std::vector<std::vector<int>>& faces) {
  assert(vertices.size() >= 4 && vertices.size() <= ConvexPolyhedron::kMaxVertices);
  assert(faces.size() >= 4 && faces.size() <= ConvexPolyhedron::kMaxFaces);
  ConvexPolyhedron poly;
  poly.vertices = std::move(vertices);
  Vec3 centroid = Vec3::Zero();
  for (const Vec3& v : poly.vertices) centroid += v;
  centroid /= static_cast<Real>(poly.vertices.size());

  std::vector<std::array<int, 2>> edges;
  poly.face_starts.push_back(0);
  for (const auto& face : faces) {
    // Newell's normal: robust for any planar polygon, sized by its area.
    Vec3 center = Vec3::Zero();
    for (int i : face) center += poly.vertices[at(i)];
    center /= static_cast<Real>(face.size());
    Vec3 n = Vec3::Zero();
    for (std::size_t k = 0; k < face.size(); ++k) {
      const Vec3 u = poly.vertices[at(face[k])] - center;
      const Vec3 w = poly.vertices[at(face[(k + 1) % face.size()])] - center;
      n += u.cross(w);
    }
    const bool inward = n.dot(center - centroid) < 0;
    n = (inward ? -n : n).normalized();
    const std::size_t first = poly.face_indices.size();
    poly.face_indices.insert(poly.face_indices.end(), face.begin(), face.end());
    if (inward)
      std::reverse(poly.face_indices.begin() + static_cast<std::ptrdiff_t>(first),
                   poly.face_indices.end());
    poly.face_starts.push_back(static_cast<int>(poly.face_indices.size()));
    poly.face_normals.push_back(n);
    Real offset = 0;
    for (int i : face) offset += n.dot(poly.vertices[at(i)]);
    poly.face_offsets.push_back(offset / static_cast<Real>(face.size()));
    for (std::size_t k = 0; k < face.size(); ++k) {
      const int a = face[k];
      const int b = face[(k + 1) % face.size()];
      edges.push_back({std::min(a, b), std::max(a, b)});
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  poly.edges = edges;
  for (const auto& e : poly.edges) {
    add_edge_direction(poly, (poly.vertices[at(e[1])] - poly.vertices[at(e[0])]).normalized());
  }
  return poly;
}

ConvexPolyhedron make_box(const Vec3& h) {
  std::vector<Vec3> v;
  for (int i = 0; i < 8; ++i) {
    v.emplace_back((i & 1) ? h.x() : -h.x(), (i & 2) ? h.y() : -h.y(), (i & 4) ? h.z() : -h.z());
  }
  return make_convex_polyhedron(
      std::move(v),
      {{0, 2, 6, 4}, {1, 5, 7, 3}, {0, 4, 5, 1}, {2, 3, 7, 6}, {0, 1, 3, 2}, {4, 6, 7, 5}});
}

ConvexPolyhedron make_prism(std::span<const Eigen::Vector2d> outline, Real half_height) {
  const int n = static_cast<int>(outline.size());
  assert(n >= 3 && 2 * n <= ConvexPolyhedron::kMaxVertices);
  std::vector<Vec3> v;
  for (const auto& p : outline) v.emplace_back(p.x(), -half_height, p.y());
  for (const auto& p : outline) v.emplace_back(p.x(), half_height, p.y());
  std::vector<std::vector<int>> faces;
  std::vector<int> bottom;
  std::vector<int> top;
  for (int i = 0; i < n; ++i) {
    bottom.push_back(i);
    top.push_back(n + i);
    const int j = (i + 1) % n;
    faces.push_back({i, j, n + j, n + i});
  }
  faces.push_back(bottom);
  faces.push_back(top);
  return make_convex_polyhedron(std::move(v), faces);
}

Real equilateral_inradius(Real side) { return side / (2 * std::sqrt(Real(3))); }

namespace {

// Corner k of an equilateral triangle of this side centred on the origin, in (x, z).
Eigen::Vector2d triangle_corner(Real side, int k) {
  const Real circumradius = side / std::sqrt(Real(3));
  const Real angle = std::numbers::pi / 2 + k * 2 * std::numbers::pi / 3;
  return {circumradius * std::cos(angle), circumradius * std::sin(angle)};
}

}  // namespace

ConvexPolyhedron make_triangular_prism(Real side, Real half_height) {
  const std::array<Eigen::Vector2d, 3> outline = {
      triangle_corner(side, 0), triangle_corner(side, 1), triangle_corner(side, 2)};
  return make_prism(outline, half_height);
}

std::vector<ShapeInstance> make_triangular_ring(Real outer_side, Real hole_side, Real half_height) {
  assert(hole_side > 0 && hole_side < outer_side);
  std::vector<ShapeInstance> pieces;
  for (int k = 0; k < 3; ++k) {
    // The strip along side k: outer edge and the parallel inner edge.
    const std::array<Eigen::Vector2d, 4> outline = {
        triangle_corner(outer_side, k), triangle_corner(outer_side, (k + 1) % 3),
        triangle_corner(hole_side, (k + 1) % 3), triangle_corner(hole_side, k)};
    pieces.push_back({make_prism(outline, half_height), Transform{}});
  }
  return pieces;
}

CapsuleSegment capsule_in_world(const Capsule& capsule, const Transform& pose) {
  const Vec3 axis = pose.rotation * Vec3(0, capsule.half_length, 0);
  return {pose.translation - axis, pose.translation + axis, capsule.radius};
}

Aabb world_aabb(const Shape& shape, const Transform& pose) {
  if (const auto* c = std::get_if<Capsule>(&shape)) {
    const CapsuleSegment s = capsule_in_world(*c, pose);
    Aabb box = Aabb::around(s.a, s.radius);
    box.grow(Aabb::around(s.b, s.radius));
    return box;
  }
  if (const auto* poly = std::get_if<ConvexPolyhedron>(&shape)) {
    Aabb box;
    for (const Vec3& v : poly->vertices) box.grow(pose.apply(v));
    return box;
  }
  const Real inf = std::numeric_limits<Real>::infinity();
  return Aabb{Vec3::Constant(-inf), Vec3::Constant(inf)};
}

std::optional<ShapeRayHit> ray_cast(const Shape& shape, const Transform& pose, const Vec3& origin,
                                    const Vec3& dir, Real max_t) {
  if (const auto* c = std::get_if<Capsule>(&shape)) {
    const CapsuleSegment s = capsule_in_world(*c, pose);
    const auto t = ray_capsule(origin, dir, s, max_t);
    if (!t) return std::nullopt;
    const Vec3 p = origin + *t * dir;
    const Vec3 out = p - closest_point_on_segment(p, s.a, s.b).point;
    const Vec3 normal =
        *t > 0 && out.squaredNorm() > 0 ? Vec3(out.normalized()) : Vec3(-dir.normalized());
    return ShapeRayHit{*t, normal};
  }
  // Polyhedra and planes: in the shape's frame.
  const Quat inverse = pose.rotation.conjugate();
  const Vec3 o = inverse * (origin - pose.translation);
  const Vec3 d = inverse * dir;
  if (const auto* poly = std::get_if<ConvexPolyhedron>(&shape)) {
    auto hit = ray_cast_polyhedron(*poly, o, d, max_t);
    if (hit) hit->normal = pose.rotation * hit->normal;
    return hit;
  }
  if (o.y() <= 0) return ShapeRayHit{0, -dir.normalized()};
  if (d.y() >= 0) return std::nullopt;
  const Real t = -o.y() / d.y();
  if (t > max_t) return std::nullopt;
  return ShapeRayHit{t, pose.rotation * Vec3::UnitY()};
}

}  // namespace medvision::sim
