#include "modules/laparoscopy/dissection_anatomy.h"

#include <cmath>

namespace medvision::laparoscopy {

using namespace sim;  // the engine this task is built on
namespace {

// A new model holding only the tets `keep` marks, with the particles they
// use (renumbered in their old order) and masses lumped again from them.
TissueModel keep_tets(const TissueModel& from, const std::vector<bool>& keep, Real density) {
  std::vector<std::int32_t> renumber(from.particles(), -1);
  TissueModel m;
  for (std::size_t t = 0; t < from.tets.size(); ++t) {
    if (!keep[t]) continue;
    for (std::int32_t p : from.tets.vertices[t]) renumber[static_cast<std::size_t>(p)] = 0;
  }
  for (std::size_t i = 0; i < from.particles(); ++i) {
    if (renumber[i] < 0) continue;
    renumber[i] = static_cast<std::int32_t>(m.rest_position.size());
    m.rest_position.push_back(from.rest_position[i]);
  }
  m.mass.assign(m.rest_position.size(), 0.0);
  auto& t = m.tets;
  for (std::size_t k = 0; k < from.tets.size(); ++k) {
    if (!keep[k]) continue;
    std::array<std::int32_t, 4> v = from.tets.vertices[k];
    for (auto& p : v) p = renumber[static_cast<std::size_t>(p)];
    t.vertices.push_back(v);
    t.inv_rest_shape.push_back(from.tets.inv_rest_shape[k]);
    t.rest_volume.push_back(from.tets.rest_volume[k]);
    t.mu.push_back(from.tets.mu[k]);
    t.lambda.push_back(from.tets.lambda[k]);
    for (std::int32_t p : v)
      m.mass[static_cast<std::size_t>(p)] += density * t.rest_volume.back() / 4;
  }
  m.inv_mass.resize(m.mass.size());
  for (std::size_t i = 0; i < m.mass.size(); ++i) m.inv_mass[i] = 1 / m.mass[i];
  finish_model(m);
  return m;
}

// Appends `part`'s particles and constraints to `into` (indices shifted);
// the caller finishes the model. Returns the index of part's first particle.
std::int32_t append(TissueModel& into, const TissueModel& part) {
  const auto offset = static_cast<std::int32_t>(into.particles());
  into.rest_position.insert(into.rest_position.end(), part.rest_position.begin(),
                            part.rest_position.end());
  into.mass.insert(into.mass.end(), part.mass.begin(), part.mass.end());
  into.inv_mass.insert(into.inv_mass.end(), part.inv_mass.begin(), part.inv_mass.end());
  auto& t = into.tets;
  for (std::size_t k = 0; k < part.tets.size(); ++k) {
    std::array<std::int32_t, 4> v = part.tets.vertices[k];
    for (auto& p : v) p += offset;
    t.vertices.push_back(v);
    t.inv_rest_shape.push_back(part.tets.inv_rest_shape[k]);
    t.rest_volume.push_back(part.tets.rest_volume[k]);
    t.mu.push_back(part.tets.mu[k]);
    t.lambda.push_back(part.tets.lambda[k]);
  }
  return offset;
}

bool inside_ellipsoid(const OrganSpec& s, const Vec3& p) {
  return (p - s.centre).cwiseQuotient(s.semi_axes).squaredNorm() <= 1.0;
}

}  // namespace

TissueModel make_ellipsoid_organ(const OrganSpec& spec) {
  Eigen::Vector3i cells;
  for (int k = 0; k < 3; ++k)
    cells[k] = std::max(1, static_cast<int>(std::ceil(2 * spec.semi_axes[k] / spec.cell_m)));
  const Vec3 size = cells.cast<Real>() * spec.cell_m;
  const Vec3 origin = spec.centre - size / 2;
  TissueModel block =
      make_tet_block(cells.x(), cells.y(), cells.z(), size, spec.material, spec.density_kg_per_m3);
  for (Vec3& p : block.rest_position) p += origin;
  // A tet's centroid lies strictly inside its cube, so it names the cube;
  // keeping whole cubes keeps the five-tet split's faces matched.
  std::vector<bool> keep(block.tets.size());
  for (std::size_t t = 0; t < block.tets.size(); ++t) {
    Vec3 centroid = Vec3::Zero();
    for (std::int32_t p : block.tets.vertices[t])
      centroid += block.rest_position[static_cast<std::size_t>(p)] / 4;
    const Vec3 cube = ((centroid - origin) / spec.cell_m).array().floor();
    keep[t] = inside_ellipsoid(spec, origin + (cube.array() + 0.5).matrix() * spec.cell_m);
  }
  return keep_tets(block, keep, spec.density_kg_per_m3);
}

TissueModel make_duct(const DuctSpec& spec) {
  TissueModel duct =
      make_tet_block(spec.segments, 1, 1, Vec3(spec.length_m, spec.width_m, spec.width_m),
                     spec.material, spec.density_kg_per_m3);
  const Vec3 shift = spec.start - Vec3(0, spec.width_m / 2, spec.width_m / 2);
  for (Vec3& p : duct.rest_position) p += shift;
  return duct;
}

DissectionAnatomy make_dissection_anatomy(const OrganSpec& organ, const DuctSpec& duct) {
  DissectionAnatomy a;
  a.model = make_ellipsoid_organ(organ);
  const TissueModel duct_model = make_duct(duct);
  a.duct_first = append(a.model, duct_model);
  a.structure.assign(a.model.particles(), Structure::organ);
  for (std::size_t i = static_cast<std::size_t>(a.duct_first); i < a.structure.size(); ++i)
    a.structure[i] = Structure::duct;
  a.duct_start = duct.start;
  a.duct_end = duct.start + Vec3(duct.length_m, 0, 0);
  a.duct_width_m = duct.width_m;
  finish_model(a.model);

  const Real bed_y = organ.centre.y() + organ.bed_fraction * organ.semi_axes.y();
  attach_particles(
      a.model,
      [&](const Vec3& p) { return p.y() >= bed_y && p.z() > duct.start.z() + duct.width_m; },
      organ.bed_compliance_m_per_N);
  const Real x0 = duct.start.x(), x1 = duct.start.x() + duct.length_m;
  attach_particles(
      a.model,
      [&](const Vec3& p) {
        return std::abs(p.y() - duct.start.y()) <= duct.width_m &&
               std::abs(p.z() - duct.start.z()) <= duct.width_m / 2 + 1e-9 &&
               (p.x() <= x0 + duct.end_length_m || p.x() >= x1 - duct.end_length_m);
      },
      duct.end_compliance_m_per_N);
  return a;
}

namespace {

// Whether the segment from `origin` to `end` crosses triangle (a, b, c)
// strictly between its ends (Moller & Trumbore 1997, "Fast, minimum storage
// ray-triangle intersection", J Graphics Tools 2:21).
bool segment_hits(const Vec3& origin, const Vec3& end, const Vec3& a, const Vec3& b,
                  const Vec3& c) {
  const Vec3 dir = end - origin;
  const Vec3 e1 = b - a, e2 = c - a;
  const Vec3 p = dir.cross(e2);
  const Real det = e1.dot(p);
  if (std::abs(det) < 1e-18) return false;
  const Real inv = 1 / det;
  const Vec3 s = origin - a;
  const Real u = s.dot(p) * inv;
  if (u < 0 || u > 1) return false;
  const Vec3 q = s.cross(e1);
  const Real v = dir.dot(q) * inv;
  if (v < 0 || u + v > 1) return false;
  const Real t = e2.dot(q) * inv;
  return t > 1e-9 && t < 1;
}

}  // namespace

Real duct_exposure(const DissectionAnatomy& anatomy, const TissueState& state, const Vec3& eye,
                   Real from, Real to) {
  const TissueModel& m = anatomy.model;
  const Real top = anatomy.duct_start.z() + anatomy.duct_width_m / 2;
  int seen = 0, total = 0;
  for (std::size_t i = static_cast<std::size_t>(anatomy.duct_first); i < m.particles(); ++i) {
    const Vec3& rest = m.rest_position[i];
    const Real f = fraction_along_duct(anatomy, rest);
    if (f < from || f > to || rest.z() < top - 1e-9 || m.inv_mass[i] == 0) continue;
    ++total;
    bool hidden = false;
    for (const auto& tri : m.surface) {
      if (anatomy.is_duct(tri[0])) continue;
      const auto x = [&](int k) -> const Vec3& {
        return state.position[static_cast<std::size_t>(tri[static_cast<std::size_t>(k)])];
      };
      if (segment_hits(state.position[i], eye, x(0), x(1), x(2))) {
        hidden = true;
        break;
      }
    }
    if (!hidden) ++seen;
  }
  return total == 0 ? 0 : static_cast<Real>(seen) / total;
}

Real fraction_along_duct(const DissectionAnatomy& anatomy, const Vec3& point) {
  const Vec3 axis = anatomy.duct_end - anatomy.duct_start;
  return (point - anatomy.duct_start).dot(axis) / axis.squaredNorm();
}

}  // namespace medvision::laparoscopy
