#include "sim/geometry.h"

#include <algorithm>
#include <cmath>

namespace medvision::sim {
namespace {

// Below this squared length (m^2) a direction is treated as zero: far below
// any feature of a surgical scene (1e-24 m^2 = (1 pm)^2).
constexpr Real kTinySquared = 1e-24;

Real clamp01(Real x) { return std::clamp(x, Real(0), Real(1)); }

// The unit direction from `from` to `to`, or `fallback` when they coincide.
Vec3 direction_or(const Vec3& from, const Vec3& to, const Vec3& fallback, Real* length) {
  const Vec3 d = to - from;
  const Real n2 = d.squaredNorm();
  *length = std::sqrt(n2);
  return n2 > kTinySquared ? Vec3(d / *length) : fallback;
}

}  // namespace

Vec3 any_perpendicular(const Vec3& v) {
  // Cross with the coordinate axis least aligned with v.
  const Vec3 a = v.cwiseAbs();
  Vec3 axis = Vec3::UnitX();
  if (a.y() < a.x() && a.y() <= a.z()) axis = Vec3::UnitY();
  if (a.z() < a.x() && a.z() < a.y()) axis = Vec3::UnitZ();
  return v.cross(axis).normalized();
}

SegmentPoint closest_point_on_segment(const Vec3& p, const Vec3& a, const Vec3& b) {
  const Vec3 ab = b - a;
  const Real len2 = ab.squaredNorm();
  const Real t = len2 > kTinySquared ? clamp01((p - a).dot(ab) / len2) : Real(0);
  return {a + t * ab, t};
}

// Ericson 2005, sec. 5.1.9: minimise |p1 + s d1 - p2 - t d2|^2 over the unit
// square, solving for s on the infinite lines, clamping, then recomputing t
// for that s and clamping again (and s once more if t was clamped).
SegmentPair closest_points_segment_segment(const Vec3& p1, const Vec3& q1, const Vec3& p2,
                                           const Vec3& q2) {
  const Vec3 d1 = q1 - p1;
  const Vec3 d2 = q2 - p2;
  const Vec3 r = p1 - p2;
  const Real a = d1.squaredNorm();
  const Real e = d2.squaredNorm();
  const Real f = d2.dot(r);
  Real s = 0;
  Real t = 0;
  if (a <= kTinySquared && e <= kTinySquared) {
    // Both are points.
  } else if (a <= kTinySquared) {
    t = clamp01(f / e);
  } else {
    const Real c = d1.dot(r);
    if (e <= kTinySquared) {
      s = clamp01(-c / a);
    } else {
      const Real b = d1.dot(d2);
      const Real denom = a * e - b * b;  // >= 0; zero when parallel
      s = denom > 1e-12 * a * e ? clamp01((b * f - c * e) / denom) : Real(0);
      t = (b * s + f) / e;
      if (t < 0) {
        t = 0;
        s = clamp01(-c / a);
      } else if (t > 1) {
        t = 1;
        s = clamp01((b - c) / a);
      }
    }
  }
  SegmentPair out;
  out.on_first = p1 + s * d1;
  out.on_second = p2 + t * d2;
  out.s = s;
  out.t = t;
  out.distance_squared = (out.on_first - out.on_second).squaredNorm();
  return out;
}

// Ericson 2005, sec. 5.1.5: find the Voronoi region of the triangle (three
// vertices, three edges, the face) that contains p from dot products only.
TrianglePoint closest_point_on_triangle(const Vec3& p, const Vec3& a, const Vec3& b,
                                        const Vec3& c) {
  const Vec3 ab = b - a;
  const Vec3 ac = c - a;
  if (ab.cross(ac).squaredNorm() <= kTinySquared * kTinySquared) {
    // Degenerate (a segment or a point): the best of its three edges.
    TrianglePoint best{a, Vec3(1, 0, 0)};
    Real best_d2 = (p - a).squaredNorm();
    const Vec3 corners[3] = {a, b, c};
    for (int i = 0; i < 3; ++i) {
      const int j = (i + 1) % 3;
      const SegmentPoint sp = closest_point_on_segment(p, corners[i], corners[j]);
      const Real d2 = (p - sp.point).squaredNorm();
      if (d2 < best_d2) {
        best_d2 = d2;
        best.point = sp.point;
        best.barycentric.setZero();
        best.barycentric[i] = 1 - sp.t;
        best.barycentric[j] = sp.t;
      }
    }
    return best;
  }
  const Vec3 ap = p - a;
  const Real d1 = ab.dot(ap);
  const Real d2 = ac.dot(ap);
  if (d1 <= 0 && d2 <= 0) return {a, Vec3(1, 0, 0)};

  const Vec3 bp = p - b;
  const Real d3 = ab.dot(bp);
  const Real d4 = ac.dot(bp);
  if (d3 >= 0 && d4 <= d3) return {b, Vec3(0, 1, 0)};

  const Real vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const Real v = d1 / (d1 - d3);
    return {a + v * ab, Vec3(1 - v, v, 0)};
  }

  const Vec3 cp = p - c;
  const Real d5 = ab.dot(cp);
  const Real d6 = ac.dot(cp);
  if (d6 >= 0 && d5 <= d6) return {c, Vec3(0, 0, 1)};

  const Real vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const Real w = d2 / (d2 - d6);
    return {a + w * ac, Vec3(1 - w, 0, w)};
  }

  const Real va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
    const Real w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
    return {b + w * (c - b), Vec3(0, 1 - w, w)};
  }

  const Real denom = 1 / (va + vb + vc);
  const Real v = vb * denom;
  const Real w = vc * denom;
  return {a + v * ab + w * ac, Vec3(1 - v - w, v, w)};
}

// When the segment does not cross the triangle, the closest pair has an
// endpoint of the segment or an edge of the triangle among its features
// (Ericson 2005, sec. 5.1.10): five candidates, the first best wins.
SegmentTrianglePair closest_points_segment_triangle(const Vec3& p, const Vec3& q, const Vec3& a,
                                                    const Vec3& b, const Vec3& c) {
  SegmentTrianglePair best;
  if (const auto hit = ray_triangle(p, q - p, a, b, c, 1)) {
    best.t = *hit;
    best.on_segment = p + *hit * (q - p);
    best.on_triangle = best.on_segment;
    best.distance_squared = 0;
    return best;
  }
  const TrianglePoint at_p = closest_point_on_triangle(p, a, b, c);
  best.on_segment = p;
  best.on_triangle = at_p.point;
  best.t = 0;
  best.distance_squared = (p - at_p.point).squaredNorm();

  const TrianglePoint at_q = closest_point_on_triangle(q, a, b, c);
  if (const Real d2 = (q - at_q.point).squaredNorm(); d2 < best.distance_squared) {
    best = {q, at_q.point, 1, d2};
  }
  const Vec3 corners[3] = {a, b, c};
  for (int i = 0; i < 3; ++i) {
    const SegmentPair e = closest_points_segment_segment(p, q, corners[i], corners[(i + 1) % 3]);
    if (e.distance_squared < best.distance_squared) {
      best = {e.on_first, e.on_second, e.s, e.distance_squared};
    }
  }
  return best;
}

SurfaceDistance capsule_point_distance(const CapsuleSegment& capsule, const Vec3& p) {
  const SegmentPoint core = closest_point_on_segment(p, capsule.a, capsule.b);
  const Vec3 axis = capsule.b - capsule.a;
  const Vec3 fallback =
      axis.squaredNorm() > kTinySquared ? any_perpendicular(axis) : Vec3(Vec3::UnitY());
  Real d = 0;
  const Vec3 n = direction_or(p, core.point, fallback, &d);
  return {d - capsule.radius, core.point - capsule.radius * n, p, n};
}

SurfaceDistance capsule_triangle_distance(const CapsuleSegment& capsule, const Vec3& a,
                                          const Vec3& b, const Vec3& c) {
  const SegmentTrianglePair pair = closest_points_segment_triangle(capsule.a, capsule.b, a, b, c);
  // If the core crosses the triangle, push out along the face normal on the
  // side of the capsule's middle.
  Vec3 face = (b - a).cross(c - a);
  face = face.squaredNorm() > kTinySquared * kTinySquared ? Vec3(face.normalized())
                                                          : any_perpendicular(b - a);
  if (face.dot(Real(0.5) * (capsule.a + capsule.b) - a) < 0) face = -face;
  Real d = 0;
  const Vec3 n = direction_or(pair.on_triangle, pair.on_segment, face, &d);
  return {d - capsule.radius, pair.on_segment - capsule.radius * n, pair.on_triangle, n};
}

SurfaceDistance capsule_capsule_distance(const CapsuleSegment& first,
                                         const CapsuleSegment& second) {
  const SegmentPair pair = closest_points_segment_segment(first.a, first.b, second.a, second.b);
  Vec3 fallback = (first.b - first.a).cross(second.b - second.a);
  if (fallback.squaredNorm() > kTinySquared * kTinySquared) {
    fallback.normalize();
  } else if ((first.b - first.a).squaredNorm() > kTinySquared) {
    fallback = any_perpendicular(first.b - first.a);
  } else if ((second.b - second.a).squaredNorm() > kTinySquared) {
    fallback = any_perpendicular(second.b - second.a);
  } else {
    fallback = Vec3::UnitY();
  }
  Real d = 0;
  const Vec3 n = direction_or(pair.on_second, pair.on_first, fallback, &d);
  return {d - first.radius - second.radius, pair.on_first - first.radius * n,
          pair.on_second + second.radius * n, n};
}

std::optional<Real> ray_triangle(const Vec3& origin, const Vec3& dir, const Vec3& a, const Vec3& b,
                                 const Vec3& c, Real max_t) {
  const Vec3 e1 = b - a;
  const Vec3 e2 = c - a;
  const Vec3 pvec = dir.cross(e2);
  const Real det = e1.dot(pvec);
  if (std::abs(det) <= 1e-14 * e1.norm() * e2.norm() * dir.norm()) return std::nullopt;
  const Real inv = 1 / det;
  const Vec3 tvec = origin - a;
  const Real u = tvec.dot(pvec) * inv;
  if (u < 0 || u > 1) return std::nullopt;
  const Vec3 qvec = tvec.cross(e1);
  const Real v = dir.dot(qvec) * inv;
  if (v < 0 || u + v > 1) return std::nullopt;
  const Real t = e2.dot(qvec) * inv;
  if (t < 0 || t > max_t) return std::nullopt;
  return t;
}

std::optional<Real> ray_aabb(const Vec3& origin, const Vec3& inverse_dir, const Aabb& box,
                             Real max_t) {
  Real t0 = 0;
  Real t1 = max_t;
  for (int i = 0; i < 3; ++i) {
    Real near = (box.min[i] - origin[i]) * inverse_dir[i];
    Real far = (box.max[i] - origin[i]) * inverse_dir[i];
    if (near > far) std::swap(near, far);
    // Written so that a NaN (0 * inf: the origin on a slab plane of an axis
    // the ray is parallel to) leaves the interval unchanged.
    t0 = near > t0 ? near : t0;
    t1 = far < t1 ? far : t1;
    if (t0 > t1) return std::nullopt;
  }
  return t0;
}

std::optional<Real> ray_sphere(const Vec3& origin, const Vec3& dir, const Vec3& center, Real radius,
                               Real max_t) {
  const Vec3 m = origin - center;
  const Real c = m.squaredNorm() - radius * radius;
  if (c <= 0) return Real(0);
  const Real b = m.dot(dir);
  const Real a = dir.squaredNorm();
  const Real disc = b * b - a * c;
  if (b > 0 || disc < 0 || a <= kTinySquared) return std::nullopt;
  const Real t = (-b - std::sqrt(disc)) / a;
  if (t > max_t) return std::nullopt;
  return t;
}

std::optional<Real> ray_capsule(const Vec3& origin, const Vec3& dir, const CapsuleSegment& capsule,
                                Real max_t) {
  if (capsule_point_distance(capsule, origin).distance <= 0) return Real(0);
  std::optional<Real> best;
  const auto keep = [&](std::optional<Real> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  keep(ray_sphere(origin, dir, capsule.a, capsule.radius, max_t));
  keep(ray_sphere(origin, dir, capsule.b, capsule.radius, max_t));
  // The cylindrical side: |m_perp + t n_perp|^2 = r^2 in the plane across the axis.
  const Vec3 axis = capsule.b - capsule.a;
  const Real dd = axis.squaredNorm();
  if (dd > kTinySquared) {
    const Vec3 m = origin - capsule.a;
    const Vec3 m_perp = m - (m.dot(axis) / dd) * axis;
    const Vec3 n_perp = dir - (dir.dot(axis) / dd) * axis;
    const Real a = n_perp.squaredNorm();
    const Real b = m_perp.dot(n_perp);
    const Real c = m_perp.squaredNorm() - capsule.radius * capsule.radius;
    const Real disc = b * b - a * c;
    if (a > kTinySquared && disc >= 0) {
      const Real t = (-b - std::sqrt(disc)) / a;
      const Real along = (m + t * dir).dot(axis) / dd;
      if (t >= 0 && t <= max_t && along >= 0 && along <= 1) keep(t);
    }
  }
  return best;
}

}  // namespace medvision::sim
