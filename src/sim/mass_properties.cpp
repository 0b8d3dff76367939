#include "sim/mass_properties.h"

#include <numbers>
#include <vector>

namespace medvision::sim {
namespace {

// Second moment sum(x x^T) dV of the tetrahedron (0, a, b, c): the canonical
// tetrahedron's covariance (1/120)(I + 1 1^T) mapped by A = [a b c], i.e.
// det(A)/120 (A A^T + (a+b+c)(a+b+c)^T) (Tonon 2004, "Explicit exact
// formulas for the 3-D tetrahedron inertia tensor in terms of its vertex
// coordinates", J. Math. Stat. 1:8; Blow & Binstock 2004, "How to find the
// inertia tensor (or other mass properties) of a 3D solid body represented
// by a triangle mesh").
Mat3 tetrahedron_second_moment(const Vec3& a, const Vec3& b, const Vec3& c, Real det) {
  const Vec3 s = a + b + c;
  return det / 120 *
         (a * a.transpose() + b * b.transpose() + c * c.transpose() + s * s.transpose());
}

// Inertia about the centre of mass from the second moment about the origin.
Mat3 inertia_from_second_moment(const Mat3& second_moment_origin, Real mass, const Vec3& com) {
  const Mat3 c = second_moment_origin - mass * com * com.transpose();
  return c.trace() * Mat3::Identity() - c;
}

MassProperties polyhedron_mass(const ConvexPolyhedron& poly, Real density) {
  // Fan of tetrahedra from an interior reference point r, one per face triangle.
  Vec3 r = Vec3::Zero();
  for (const Vec3& v : poly.vertices) r += v;
  r /= static_cast<Real>(poly.vertices.size());
  Real volume = 0;
  Vec3 first_moment = Vec3::Zero();
  Mat3 second = Mat3::Zero();
  for (int f = 0; f < poly.face_count(); ++f) {
    const Vec3 a = poly.face_vertex(f, 0) - r;
    for (int k = 1; k + 1 < poly.face_size(f); ++k) {
      const Vec3 b = poly.face_vertex(f, k) - r;
      const Vec3 c = poly.face_vertex(f, k + 1) - r;
      const Real det = a.dot(b.cross(c));  // 6 x signed volume (faces wind outwards)
      volume += det / 6;
      first_moment += det / 24 * (a + b + c);
      second += tetrahedron_second_moment(a, b, c, det);
    }
  }
  MassProperties m;
  m.mass = density * volume;
  const Vec3 com_r = first_moment / volume;
  m.center_of_mass = r + com_r;
  m.inertia = inertia_from_second_moment(density * second, m.mass, com_r);
  return m;
}

MassProperties capsule_mass(const Capsule& c, Real density) {
  // A cylinder of length 2h plus two hemispheres; a hemisphere's centre of
  // mass is 3r/8 from its flat face, hence the 3hr/4 term.
  const Real r = c.radius;
  const Real h = c.half_length;
  const Real pi = std::numbers::pi;
  const Real cylinder = density * pi * r * r * 2 * h;
  const Real spheres = density * 4 * pi * r * r * r / 3;
  MassProperties m;
  m.mass = cylinder + spheres;
  const Real axial = cylinder * r * r / 2 + spheres * 2 * r * r / 5;
  const Real across =
      cylinder * (r * r / 4 + h * h / 3) + spheres * (2 * r * r / 5 + h * h + 3 * h * r / 4);
  m.inertia = Vec3(across, axial, across).asDiagonal();
  return m;
}

}  // namespace

MassProperties mass_properties(const Shape& shape, Real density) {
  if (const auto* c = std::get_if<Capsule>(&shape)) return capsule_mass(*c, density);
  if (const auto* p = std::get_if<ConvexPolyhedron>(&shape)) return polyhedron_mass(*p, density);
  return {};
}

MassProperties transformed(const MassProperties& m, const Transform& pose) {
  const Mat3 r = pose.rotation.toRotationMatrix();
  return {m.mass, pose.apply(m.center_of_mass), r * m.inertia * r.transpose()};
}

MassProperties combined(std::span<const MassProperties> parts) {
  MassProperties total;
  for (const auto& p : parts) {
    total.mass += p.mass;
    total.center_of_mass += p.mass * p.center_of_mass;
  }
  if (total.mass <= 0) return {};
  total.center_of_mass /= total.mass;
  for (const auto& p : parts) {
    const Vec3 d = p.center_of_mass - total.center_of_mass;
    total.inertia += p.inertia + p.mass * (d.squaredNorm() * Mat3::Identity() - d * d.transpose());
  }
  return total;
}

MassProperties mass_properties(std::span<const ShapeInstance> pieces, Real density) {
  std::vector<MassProperties> parts;
  for (const auto& piece : pieces) {
    parts.push_back(transformed(mass_properties(piece.shape, density), piece.local));
  }
  return combined(parts);
}

}  // namespace medvision::sim
