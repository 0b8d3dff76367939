#include "sim/contact.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

constexpr Real kInf = std::numeric_limits<Real>::infinity();
// A face axis is kept unless another axis is this much shallower (Box2D's
// relative and absolute tolerances; the absolute one is 10 micrometres).
constexpr Real kRelativeTolerance = 0.95;
constexpr Real kAbsoluteTolerance = 1e-5;

// Is separation x (negative: overlap) larger than y by more than the tolerances?
bool clearly_greater(Real x, Real y) {
  return x > y + (1 - kRelativeTolerance) * std::abs(y) + kAbsoluteTolerance;
}

// --- candidates and their reduction to a manifold --------------------------

struct Candidates {
  static constexpr int kCapacity = 2 * ConvexPolyhedron::kMaxVertices;
  std::array<ContactPoint, kCapacity> points;
  int count = 0;

  void add(const Vec3& on_a, const Vec3& on_b, const Vec3& normal, Real depth) {
    if (count < kCapacity) points[at(count++)] = {on_a, on_b, normal, depth};
  }
  // Skips a point whose on_a is within `tolerance` of one already kept.
  void add_unique(const Vec3& on_a, const Vec3& on_b, const Vec3& normal, Real depth,
                  Real tolerance) {
    for (int i = 0; i < count; ++i) {
      if ((points[at(i)].on_a - on_a).squaredNorm() <= tolerance * tolerance) return;
    }
    add(on_a, on_b, normal, depth);
  }
  // a and b trade places.
  void flip() {
    for (int i = 0; i < count; ++i) {
      ContactPoint& c = points[at(i)];
      std::swap(c.on_a, c.on_b);
      c.normal = -c.normal;
    }
  }
};

Vec3 middle(const ContactPoint& c) { return Real(0.5) * (c.on_a + c.on_b); }

// Gregorius 2015: deepest, farthest from it, largest triangle, largest
// added area; first index wins ties.
void reduce(const Candidates& in, ContactManifold& out) {
  out.count = 0;
  if (in.count <= ContactManifold::kCapacity) {
    for (int i = 0; i < in.count; ++i) out.points[at(out.count++)] = in.points[at(i)];
    return;
  }
  const Vec3 n = in.points[0].normal;
  int i0 = 0;
  for (int i = 1; i < in.count; ++i) {
    if (in.points[at(i)].depth > in.points[at(i0)].depth) i0 = i;
  }
  const Vec3 p0 = middle(in.points[at(i0)]);
  int i1 = i0;
  Real far2 = -1;
  for (int i = 0; i < in.count; ++i) {
    const Real d2 = (middle(in.points[at(i)]) - p0).squaredNorm();
    if (d2 > far2) {
      far2 = d2;
      i1 = i;
    }
  }
  const Vec3 p1 = middle(in.points[at(i1)]);
  int i2 = i0;
  Real area = -1;
  for (int i = 0; i < in.count; ++i) {
    const Real a = std::abs((p1 - p0).cross(middle(in.points[at(i)]) - p0).dot(n));
    if (a > area) {
      area = a;
      i2 = i;
    }
  }
  if ((p1 - p0).cross(middle(in.points[at(i2)]) - p0).dot(n) < 0) std::swap(i1, i2);
  const std::array<int, 3> tri = {i0, i1, i2};
  int i3 = -1;
  Real gain = 0;
  for (int i = 0; i < in.count; ++i) {
    if (i == i0 || i == i1 || i == i2) continue;
    const Vec3 p = middle(in.points[at(i)]);
    for (int e = 0; e < 3; ++e) {
      const Vec3 a = middle(in.points[at(tri[at(e)])]);
      const Vec3 b = middle(in.points[at(tri[at((e + 1) % 3)])]);
      const Real outside = -(b - a).cross(p - a).dot(n);  // > 0 beyond edge (a, b)
      if (outside > gain) {
        gain = outside;
        i3 = i;
      }
    }
  }
  for (int i : tri) out.points[at(out.count++)] = in.points[at(i)];
  if (i3 >= 0) out.points[at(out.count++)] = in.points[at(i3)];
}

// --- planes ----------------------------------------------------------------

struct PlacedPlane {
  Vec3 normal;
  Real offset = 0;
};

PlacedPlane place_plane(const Transform& pose) {
  const Vec3 n = pose.rotation * Vec3::UnitY();
  return {n, n.dot(pose.translation)};
}

void capsule_plane(const CapsuleSegment& c, const PlacedPlane& plane, Real margin,
                   Candidates& out) {
  const int ends = (c.a - c.b).squaredNorm() > 0 ? 2 : 1;
  for (int k = 0; k < ends; ++k) {
    const Vec3& e = k == 0 ? c.a : c.b;
    const Real gap = plane.normal.dot(e) - plane.offset - c.radius;
    if (gap > margin) continue;
    const Vec3 on_a = e - c.radius * plane.normal;
    out.add(on_a, on_a - gap * plane.normal, plane.normal, -gap);
  }
}

void polyhedron_plane(const ConvexPolyhedron& poly, const Transform& pose, const PlacedPlane& plane,
                      Real margin, Candidates& out) {
  for (const Vec3& local : poly.vertices) {
    const Vec3 v = pose.apply(local);
    const Real gap = plane.normal.dot(v) - plane.offset;
    if (gap <= margin) out.add(v, v - gap * plane.normal, plane.normal, -gap);
  }
}

// --- capsule-capsule -------------------------------------------------------

void capsule_capsule(const CapsuleSegment& a, const CapsuleSegment& b, Real margin,
                     Candidates& out) {
  const Real tolerance = Real(0.1) * (a.radius + b.radius);
  const auto keep = [&](const SurfaceDistance& d) {
    if (d.distance <= margin) {
      out.add_unique(d.on_first, d.on_second, d.normal, -d.distance, tolerance);
    }
  };
  keep(capsule_capsule_distance(a, b));
  keep(capsule_capsule_distance({a.a, a.a, a.radius}, b));
  keep(capsule_capsule_distance({a.b, a.b, a.radius}, b));
  keep(capsule_capsule_distance(a, {b.a, b.a, b.radius}));
  keep(capsule_capsule_distance(a, {b.b, b.b, b.radius}));
}

// --- capsule-polyhedron (in the polyhedron's frame) ------------------------

// Cyrus-Beck: does segment [p, q] have a point behind every face plane?
bool segment_enters(const ConvexPolyhedron& poly, const Vec3& p, const Vec3& q) {
  Real t0 = 0;
  Real t1 = 1;
  const Vec3 d = q - p;
  for (int f = 0; f < poly.face_count(); ++f) {
    const Vec3& n = poly.face_normals[at(f)];
    const Real denom = n.dot(d);
    const Real dist = poly.face_offsets[at(f)] - n.dot(p);
    if (denom == 0) {
      if (dist < 0) return false;
      continue;
    }
    const Real t = dist / denom;
    if (denom < 0) {
      t0 = std::max(t0, t);
    } else {
      t1 = std::min(t1, t);
    }
    if (t0 > t1) return false;
  }
  return true;
}

// The surface point of `poly` closest to x (x outside), over the faces' fans.
Vec3 closest_on_surface(const ConvexPolyhedron& poly, const Vec3& x) {
  Vec3 best = poly.vertices[0];
  Real best_d2 = kInf;
  for (int f = 0; f < poly.face_count(); ++f) {
    for (int k = 1; k + 1 < poly.face_size(f); ++k) {
      const TrianglePoint tp = closest_point_on_triangle(
          x, poly.face_vertex(f, 0), poly.face_vertex(f, k), poly.face_vertex(f, k + 1));
      const Real d2 = (tp.point - x).squaredNorm();
      if (d2 < best_d2) {
        best_d2 = d2;
        best = tp.point;
      }
    }
  }
  return best;
}

SegmentTrianglePair closest_segment_surface(const ConvexPolyhedron& poly, const Vec3& p,
                                            const Vec3& q) {
  SegmentTrianglePair best;
  best.distance_squared = kInf;
  for (int f = 0; f < poly.face_count(); ++f) {
    for (int k = 1; k + 1 < poly.face_size(f); ++k) {
      const SegmentTrianglePair pair = closest_points_segment_triangle(
          p, q, poly.face_vertex(f, 0), poly.face_vertex(f, k), poly.face_vertex(f, k + 1));
      if (pair.distance_squared < best.distance_squared) best = pair;
    }
  }
  return best;
}

// The capsule's core is outside: exact closest points.
void capsule_polyhedron_outside(const ConvexPolyhedron& poly, const Vec3& p, const Vec3& q, Real r,
                                Real margin, Candidates& out) {
  const SegmentTrianglePair core = closest_segment_surface(poly, p, q);
  const Real d = std::sqrt(core.distance_squared);
  if (d - r > margin || d <= 0) return;
  const Real tolerance = Real(0.1) * r;
  const Vec3 n = (core.on_segment - core.on_triangle) / d;
  out.add(core.on_segment - r * n, core.on_triangle, n, r - d);
  for (const Vec3& e : {p, q}) {
    const Vec3 c = closest_on_surface(poly, e);
    const Real de = (e - c).norm();
    if (de - r > margin || de <= 0) continue;
    const Vec3 ne = (e - c) / de;
    out.add_unique(e - r * ne, c, ne, r - de, tolerance);
  }
}

struct Interval {
  Real min = kInf;
  Real max = -kInf;
};

Interval project(const ConvexPolyhedron& poly, const Vec3& axis) {
  Interval i;
  for (const Vec3& v : poly.vertices) {
    const Real x = axis.dot(v);
    i.min = std::min(i.min, x);
    i.max = std::max(i.max, x);
  }
  return i;
}

// Overlap along `axis` of the polyhedron and the capsule (segment [p, q]
// grown by r); `axis` is flipped to point from the polyhedron to the capsule
// along the cheaper way out.
Real capsule_overlap(const ConvexPolyhedron& poly, const Vec3& p, const Vec3& q, Real r,
                     Vec3& axis) {
  const Interval box = project(poly, axis);
  const Real s_min = std::min(axis.dot(p), axis.dot(q)) - r;
  const Real s_max = std::max(axis.dot(p), axis.dot(q)) + r;
  const Real up = box.max - s_min;    // pushing the capsule along +axis
  const Real down = s_max - box.min;  // along -axis
  if (down < up) {
    axis = -axis;
    return down;
  }
  return up;
}

// The capsule's core enters the polyhedron: separating axes.
void capsule_polyhedron_inside(const ConvexPolyhedron& poly, const Vec3& p, const Vec3& q, Real r,
                               Real margin, Candidates& out) {
  Real face_overlap = kInf;
  Vec3 face_axis = Vec3::UnitY();
  for (int f = 0; f < poly.face_count(); ++f) {
    Vec3 axis = poly.face_normals[at(f)];
    const Real o = capsule_overlap(poly, p, q, r, axis);
    if (o < face_overlap) {
      face_overlap = o;
      face_axis = axis;
    }
  }
  Real edge_overlap = kInf;
  Vec3 edge_axis = Vec3::UnitY();
  int edge_dir = -1;
  const Vec3 seg = q - p;
  for (std::size_t k = 0; k < poly.edge_directions.size(); ++k) {
    Vec3 axis = seg.cross(poly.edge_directions[k]);
    if (axis.squaredNorm() <= 1e-12 * seg.squaredNorm()) continue;
    axis.normalize();
    const Real o = capsule_overlap(poly, p, q, r, axis);
    if (o < edge_overlap) {
      edge_overlap = o;
      edge_axis = axis;
      edge_dir = static_cast<int>(k);
    }
  }

  if (edge_dir >= 0 && clearly_greater(-edge_overlap, -face_overlap)) {
    // The supporting edge of that direction towards the capsule.
    int best = -1;
    Real support = -kInf;
    for (std::size_t e = 0; e < poly.edges.size(); ++e) {
      if (poly.edge_direction[e] != edge_dir) continue;
      const Vec3 mid = poly.vertices[at(poly.edges[e][0])] + poly.vertices[at(poly.edges[e][1])];
      if (edge_axis.dot(mid) > support) {
        support = edge_axis.dot(mid);
        best = static_cast<int>(e);
      }
    }
    const SegmentPair pair =
        closest_points_segment_segment(p, q, poly.vertices[at(poly.edges[at(best)][0])],
                                       poly.vertices[at(poly.edges[at(best)][1])]);
    const Vec3 on_a = pair.on_first - r * edge_axis;
    out.add(on_a, pair.on_second, edge_axis, (pair.on_second - on_a).dot(edge_axis));
    return;
  }

  // Reference face: the one facing the capsule most; clip the core to it.
  int ref = 0;
  for (int f = 1; f < poly.face_count(); ++f) {
    if (poly.face_normals[at(f)].dot(face_axis) > poly.face_normals[at(ref)].dot(face_axis))
      ref = f;
  }
  const Vec3& n = poly.face_normals[at(ref)];
  const Real offset = poly.face_offsets[at(ref)];
  Real t0 = 0;
  Real t1 = 1;
  for (int k = 0; k < poly.face_size(ref); ++k) {
    const Vec3& v0 = poly.face_vertex(ref, k);
    const Vec3& v1 = poly.face_vertex(ref, (k + 1) % poly.face_size(ref));
    const Vec3 side = (v1 - v0).cross(n);  // outward across edge (v0, v1)
    const Real dp = side.dot(p - v0);
    const Real dq = side.dot(q - v0);
    if (dp > 0 && dq > 0) {
      t0 = 1;
      t1 = 0;
      break;
    }
    if (dp > 0) t0 = std::max(t0, dp / (dp - dq));
    if (dq > 0) t1 = std::min(t1, dp / (dp - dq));
  }
  const auto add_end = [&](const Vec3& e) {
    const Vec3 on_a = e - r * n;
    const Real depth = offset - n.dot(on_a);
    if (depth >= -margin) out.add(on_a, on_a + depth * n, n, depth);
  };
  if (t0 <= t1) {
    add_end(p + t0 * seg);
    if (t1 - t0 > 1e-9) add_end(p + t1 * seg);
  } else {
    add_end(n.dot(p) <= n.dot(q) ? p : q);
  }
}

void capsule_polyhedron(const CapsuleSegment& c, const ConvexPolyhedron& poly,
                        const Transform& pose, Real margin, Candidates& out) {
  const Quat to_local = pose.rotation.conjugate();
  const Vec3 p = to_local * (c.a - pose.translation);
  const Vec3 q = to_local * (c.b - pose.translation);
  if (segment_enters(poly, p, q)) {
    capsule_polyhedron_inside(poly, p, q, c.radius, margin, out);
  } else {
    capsule_polyhedron_outside(poly, p, q, c.radius, margin, out);
  }
  for (int i = 0; i < out.count; ++i) {
    ContactPoint& k = out.points[at(i)];
    k.on_a = pose.apply(k.on_a);
    k.on_b = pose.apply(k.on_b);
    k.normal = pose.rotation * k.normal;
  }
}

// --- polyhedron-polyhedron (in the world) ----------------------------------

struct PlacedPolyhedron {
  const ConvexPolyhedron* shape = nullptr;
  std::array<Vec3, ConvexPolyhedron::kMaxVertices> vertices;
  std::array<Vec3, ConvexPolyhedron::kMaxFaces> normals;
  std::array<Real, ConvexPolyhedron::kMaxFaces> offsets;
  int vertex_count = 0;
  int face_count = 0;

  PlacedPolyhedron(const ConvexPolyhedron& poly, const Transform& pose) : shape(&poly) {
    vertex_count = static_cast<int>(poly.vertices.size());
    face_count = poly.face_count();
    for (int i = 0; i < vertex_count; ++i) vertices[at(i)] = pose.apply(poly.vertices[at(i)]);
    for (int f = 0; f < face_count; ++f) {
      normals[at(f)] = pose.rotation * poly.face_normals[at(f)];
      offsets[at(f)] = poly.face_offsets[at(f)] + normals[at(f)].dot(pose.translation);
    }
  }
  const Vec3& face_vertex(int f, int k) const {
    const auto i = static_cast<std::size_t>(shape->face_starts[at(f)] + k);
    return vertices[at(shape->face_indices[i])];
  }
  Interval project(const Vec3& axis) const {
    Interval i;
    for (int v = 0; v < vertex_count; ++v) {
      const Real x = axis.dot(vertices[at(v)]);
      i.min = std::min(i.min, x);
      i.max = std::max(i.max, x);
    }
    return i;
  }
};

struct FaceQuery {
  int face = -1;
  Real separation = -kInf;
};

// Gregorius 2013: the face of `ref` with the largest gap to `other`.
FaceQuery query_faces(const PlacedPolyhedron& ref, const PlacedPolyhedron& other) {
  FaceQuery best;
  for (int f = 0; f < ref.face_count; ++f) {
    const Real s = other.project(ref.normals[at(f)]).min - ref.offsets[at(f)];
    if (s > best.separation) best = {f, s};
  }
  return best;
}

struct EdgeQuery {
  int dir_a = -1;
  int dir_b = -1;
  Vec3 axis;  // from a towards b
  Real separation = -kInf;
};

EdgeQuery query_edges(const PlacedPolyhedron& a, const Transform& pose_a, const PlacedPolyhedron& b,
                      const Transform& pose_b) {
  EdgeQuery best;
  for (std::size_t i = 0; i < a.shape->edge_directions.size(); ++i) {
    const Vec3 ea = pose_a.rotation * a.shape->edge_directions[i];
    for (std::size_t j = 0; j < b.shape->edge_directions.size(); ++j) {
      Vec3 axis = ea.cross(pose_b.rotation * b.shape->edge_directions[j]);
      if (axis.squaredNorm() <= 1e-12) continue;  // parallel edges: a face axis covers it
      axis.normalize();
      const Interval ia = a.project(axis);
      const Interval ib = b.project(axis);
      Real s = ib.min - ia.max;
      if (const Real other_way = ia.min - ib.max; other_way > s) {
        s = other_way;
        axis = -axis;
      }
      if (s > best.separation) best = {static_cast<int>(i), static_cast<int>(j), axis, s};
    }
  }
  return best;
}

// Sutherland-Hodgman: keeps the part of `poly` with side . (x - point) <= 0.
int clip_polygon(const std::array<Vec3, Candidates::kCapacity>& in, int n, const Vec3& side,
                 const Vec3& point, std::array<Vec3, Candidates::kCapacity>& out) {
  int m = 0;
  for (int i = 0; i < n; ++i) {
    const Vec3& s = in[at(i)];
    const Vec3& e = in[at((i + 1) % n)];
    const Real ds = side.dot(s - point);
    const Real de = side.dot(e - point);
    if (ds <= 0 && m < Candidates::kCapacity) out[at(m++)] = s;
    if (((ds < 0 && de > 0) || (ds > 0 && de < 0)) && m < Candidates::kCapacity) {
      out[at(m++)] = s + (ds / (ds - de)) * (e - s);
    }
  }
  return m;
}

// Face contact: `ref` owns the reference face; `ref_is_a` says which shape it is.
void face_contact(const PlacedPolyhedron& ref, int ref_face, const PlacedPolyhedron& inc,
                  bool ref_is_a, Real margin, Candidates& out) {
  const Vec3& n = ref.normals[at(ref_face)];
  int inc_face = 0;
  for (int f = 1; f < inc.face_count; ++f) {
    if (inc.normals[at(f)].dot(n) < inc.normals[at(inc_face)].dot(n)) inc_face = f;
  }
  std::array<Vec3, Candidates::kCapacity> poly;
  std::array<Vec3, Candidates::kCapacity> clipped;
  int count = inc.shape->face_size(inc_face);
  for (int k = 0; k < count; ++k) poly[at(k)] = inc.face_vertex(inc_face, k);
  const int sides = ref.shape->face_size(ref_face);
  for (int k = 0; k < sides && count > 0; ++k) {
    const Vec3& v0 = ref.face_vertex(ref_face, k);
    const Vec3& v1 = ref.face_vertex(ref_face, (k + 1) % sides);
    count = clip_polygon(poly, count, (v1 - v0).cross(n), v0, clipped);
    poly = clipped;
  }
  const Real offset = ref.offsets[at(ref_face)];
  for (int k = 0; k < count; ++k) {
    const Vec3& x = poly[at(k)];
    const Real gap = n.dot(x) - offset;
    if (gap > margin) continue;
    const Vec3 on_ref = x - gap * n;
    if (ref_is_a) {
      out.add(on_ref, x, -n, -gap);
    } else {
      out.add(x, on_ref, n, -gap);
    }
  }
}

int supporting_edge(const PlacedPolyhedron& p, int dir, const Vec3& axis) {
  int best = -1;
  Real support = -kInf;
  for (std::size_t e = 0; e < p.shape->edges.size(); ++e) {
    if (p.shape->edge_direction[e] != dir) continue;
    const Real s =
        axis.dot(p.vertices[at(p.shape->edges[e][0])] + p.vertices[at(p.shape->edges[e][1])]);
    if (s > support) {
      support = s;
      best = static_cast<int>(e);
    }
  }
  return best;
}

void polyhedron_polyhedron(const ConvexPolyhedron& shape_a, const Transform& pose_a,
                           const ConvexPolyhedron& shape_b, const Transform& pose_b, Real margin,
                           Candidates& out) {
  const PlacedPolyhedron a(shape_a, pose_a);
  const PlacedPolyhedron b(shape_b, pose_b);
  const FaceQuery fa = query_faces(a, b);
  if (fa.separation > margin) return;
  const FaceQuery fb = query_faces(b, a);
  if (fb.separation > margin) return;
  const EdgeQuery e = query_edges(a, pose_a, b, pose_b);
  if (e.separation > margin) return;

  const bool use_b = clearly_greater(fb.separation, fa.separation);
  const Real face_separation = use_b ? fb.separation : fa.separation;
  if (e.dir_a >= 0 && clearly_greater(e.separation, face_separation)) {
    const int ea = supporting_edge(a, e.dir_a, e.axis);
    const int eb = supporting_edge(b, e.dir_b, -e.axis);
    const SegmentPair pair = closest_points_segment_segment(
        a.vertices[at(shape_a.edges[at(ea)][0])], a.vertices[at(shape_a.edges[at(ea)][1])],
        b.vertices[at(shape_b.edges[at(eb)][0])], b.vertices[at(shape_b.edges[at(eb)][1])]);
    out.add(pair.on_first, pair.on_second, -e.axis, (pair.on_first - pair.on_second).dot(e.axis));
    return;
  }
  if (use_b) {
    face_contact(b, fb.face, a, false, margin, out);
  } else {
    face_contact(a, fa.face, b, true, margin, out);
  }
}

}  // namespace

void collide(const Shape& a, const Transform& pose_a, const Shape& b, const Transform& pose_b,
             Real margin, ContactManifold& out) {
  Candidates c;
  const auto* cap_a = std::get_if<Capsule>(&a);
  const auto* cap_b = std::get_if<Capsule>(&b);
  const auto* poly_a = std::get_if<ConvexPolyhedron>(&a);
  const auto* poly_b = std::get_if<ConvexPolyhedron>(&b);
  const bool plane_a = std::holds_alternative<Plane>(a);
  const bool plane_b = std::holds_alternative<Plane>(b);

  if (cap_a && cap_b) {
    capsule_capsule(capsule_in_world(*cap_a, pose_a), capsule_in_world(*cap_b, pose_b), margin, c);
  } else if (cap_a && poly_b) {
    capsule_polyhedron(capsule_in_world(*cap_a, pose_a), *poly_b, pose_b, margin, c);
  } else if (poly_a && cap_b) {
    capsule_polyhedron(capsule_in_world(*cap_b, pose_b), *poly_a, pose_a, margin, c);
    c.flip();
  } else if (poly_a && poly_b) {
    polyhedron_polyhedron(*poly_a, pose_a, *poly_b, pose_b, margin, c);
  } else if (plane_b && !plane_a) {
    if (cap_a) capsule_plane(capsule_in_world(*cap_a, pose_a), place_plane(pose_b), margin, c);
    if (poly_a) polyhedron_plane(*poly_a, pose_a, place_plane(pose_b), margin, c);
  } else if (plane_a && !plane_b) {
    if (cap_b) capsule_plane(capsule_in_world(*cap_b, pose_b), place_plane(pose_a), margin, c);
    if (poly_b) polyhedron_plane(*poly_b, pose_b, place_plane(pose_a), margin, c);
    c.flip();
  }
  reduce(c, out);
}

}  // namespace medvision::sim
