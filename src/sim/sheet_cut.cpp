#include "sim/sheet_cut.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "core/disjoint_sets.h"

namespace medvision::sim {
namespace {

using Triangle = std::array<std::int32_t, 3>;

Triangle sorted(Triangle t) {
  std::sort(t.begin(), t.end());
  return t;
}

// The parameter interval [lo, hi] of p(s) = p0 + s (p1 - p0), s in [0, 1],
// inside the sector; empty when lo > hi. The sector (an angle below pi) is
// convex, so the inside is one interval: clipped by the two blade
// half-planes (Cyrus & Beck 1978) and by the blades' reach.
std::pair<Real, Real> inside_sector(const BladeSector& b, const Vec3& p0, const Vec3& p1) {
  const Real tan_a = std::tan(b.half_angle_rad);
  const auto u = [&](const Vec3& p) { return (p - b.hinge).dot(b.along); };
  const auto w = [&](const Vec3& p) { return (p - b.hinge).dot(b.across); };
  Real lo = 0, hi = 1;
  // Keep f(s) = f0 + s (f1 - f0) >= 0.
  const auto keep = [&](Real f0, Real f1) {
    const Real df = f1 - f0;
    if (df == 0) {
      if (f0 < 0) lo = 2;  // wholly outside
      return;
    }
    const Real s = -f0 / df;
    if (df > 0) {
      lo = std::max(lo, s);
    } else {
      hi = std::min(hi, s);
    }
  };
  keep(u(p0) * tan_a - w(p0), u(p1) * tan_a - w(p1));
  keep(u(p0) * tan_a + w(p0), u(p1) * tan_a + w(p1));
  if (lo > hi) return {lo, hi};
  // |q(s)|^2 <= L^2 for the in-plane offset q from the hinge: a s^2 + b s + c <= 0.
  const Vec3 q0(u(p0), w(p0), 0), dq = Vec3(u(p1), w(p1), 0) - q0;
  const Real qa = dq.squaredNorm(), qb = 2 * q0.dot(dq),
             qc = q0.squaredNorm() - b.length_m * b.length_m;
  if (qa == 0) {
    if (qc > 0) lo = 2;
    return {lo, hi};
  }
  const Real disc = qb * qb - 4 * qa * qc;
  if (disc < 0) return {2, 1};
  const Real root = std::sqrt(disc);
  lo = std::max(lo, (-qb - root) / (2 * qa));
  hi = std::min(hi, (-qb + root) / (2 * qa));
  return {lo, hi};
}

// Where the blade plane crosses triangle t, clipped to the sector: the rest
// coordinates of the crossing, or nothing.
std::optional<std::array<Vec3, 2>> crossing(const TissueModel& model, const TissueState& state,
                                            const Triangle& t, const BladeSector& b,
                                            const Vec3& normal) {
  std::array<Real, 3> d;
  for (int k = 0; k < 3; ++k) d[k] = normal.dot(state.position[t[k]] - b.hinge);
  // A vertex exactly on the plane counts on the positive side, so that
  // triangles left on opposite sides never share a vertex.
  const auto side = [&](int k) { return d[k] >= 0; };
  if (side(0) == side(1) && side(1) == side(2)) return std::nullopt;
  std::array<Vec3, 2> world, rest;
  int n = 0;
  for (int k = 0; k < 3; ++k) {
    const int i = k, j = (k + 1) % 3;
    if (side(i) == side(j)) continue;
    const Real s = d[i] / (d[i] - d[j]);
    world[n] = state.position[t[i]] + s * (state.position[t[j]] - state.position[t[i]]);
    rest[n] =
        model.rest_position[t[i]] + s * (model.rest_position[t[j]] - model.rest_position[t[i]]);
    ++n;
  }
  const auto [lo, hi] = inside_sector(b, world[0], world[1]);
  if (!(lo < hi)) return std::nullopt;  // a crossing that only touches the sector cuts nothing
  // The crossing is affine in s within the triangle, in both frames.
  return std::array<Vec3, 2>{rest[0] + lo * (rest[1] - rest[0]),
                             rest[0] + hi * (rest[1] - rest[0])};
}

Real triangle_rest_area(const TissueModel& m, const Triangle& t) {
  const Vec3& a = m.rest_position[t[0]];
  return 0.5 * (m.rest_position[t[1]] - a).cross(m.rest_position[t[2]] - a).norm();
}

// Keeps the distance and bending constraints whose triangles remain.
void keep_constraints_of(TissueModel& m) {
  std::set<Triangle> triangles;
  std::set<std::array<std::int32_t, 2>> edges;
  for (const Triangle& t : m.surface) {
    triangles.insert(sorted(t));
    for (int k = 0; k < 3; ++k) {
      const std::int32_t a = t[k], b = t[(k + 1) % 3];
      edges.insert({std::min(a, b), std::max(a, b)});
    }
  }
  std::vector<bool> drop(m.distances.size());
  for (std::size_t c = 0; c < drop.size(); ++c) {
    const auto [a, b] = m.distances.particles[c];
    drop[c] = !edges.count({std::min(a, b), std::max(a, b)});
  }
  erase_constraints(m.distances, drop);
  drop.assign(m.bending.size(), false);
  for (std::size_t c = 0; c < drop.size(); ++c) {
    const auto& p = m.bending.particles[c];
    drop[c] = !triangles.count(sorted({p[0], p[1], p[2]})) ||
              !triangles.count(sorted({p[1], p[0], p[3]}));
  }
  erase_constraints(m.bending, drop);
}

// Particles in no remaining triangle: frozen, massless, unattached.
int free_orphans(TissueModel& m, TissueState& state) {
  std::vector<bool> used(m.particles(), false);
  for (const Triangle& t : m.surface)
    for (std::int32_t p : t) used[static_cast<std::size_t>(p)] = true;
  int freed = 0;
  for (std::size_t i = 0; i < m.particles(); ++i) {
    if (used[i] || (m.mass[i] == 0 && m.inv_mass[i] == 0)) continue;
    m.mass[i] = 0;
    m.inv_mass[i] = 0;
    state.velocity[i] = Vec3::Zero();
    ++freed;
  }
  std::vector<bool> drop(m.attachments.size());
  for (std::size_t c = 0; c < drop.size(); ++c)
    drop[c] = !used[static_cast<std::size_t>(m.attachments.particle[c])];
  erase_constraints(m.attachments, drop);
  return freed;
}

}  // namespace

SheetCut cut_sheet(TissueModel& model, TissueState& state, const BladeSector& blades) {
  SheetCut out;
  const Vec3 normal = blades.along.cross(blades.across).normalized();
  // The sheet's areal density, to take each removed triangle's share off its
  // corners' lumped masses.
  Real mass = 0, area = 0;
  for (const Triangle& t : model.surface) area += triangle_rest_area(model, t);
  for (std::size_t i = 0; i < model.particles(); ++i) mass += model.mass[i];
  const Real density = area > 0 ? mass / area : 0;

  std::vector<Triangle> kept;
  kept.reserve(model.surface.size());
  for (const Triangle& t : model.surface) {
    const auto cut = crossing(model, state, t, blades, normal);
    if (!cut) {
      kept.push_back(t);
      continue;
    }
    out.rest_segments.push_back(*cut);
    ++out.triangles_removed;
    const Real share = density * triangle_rest_area(model, t) / 3;
    for (std::int32_t p : t) model.mass[static_cast<std::size_t>(p)] -= share;
  }
  if (out.triangles_removed == 0) return out;
  model.surface = std::move(kept);
  keep_constraints_of(model);
  out.particles_freed = free_orphans(model, state);
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (model.inv_mass[i] != 0 && model.mass[i] > 0) model.inv_mass[i] = 1 / model.mass[i];
  }
  finish_model(model);
  state.lambda_distance.assign(model.distances.size(), 0.0);
  state.lambda_bending.assign(model.bending.size(), 0.0);
  state.lambda_attachment.assign(model.attachments.size(), 0.0);
  return out;
}

std::vector<std::vector<std::int32_t>> sheet_pieces(const TissueModel& model) {
  // Particles joined through each triangle.
  DisjointSets<std::int32_t> sets(model.particles());
  for (const Triangle& t : model.surface) {
    for (int k = 1; k < 3; ++k) sets.join(t[k], t[0]);
  }
  std::vector<std::vector<std::int32_t>> pieces;
  std::vector<std::int32_t> piece_of_root(model.particles(), -1);
  for (std::size_t i = 0; i < model.surface.size(); ++i) {
    const auto root = static_cast<std::size_t>(sets.find(model.surface[i][0]));
    if (piece_of_root[root] < 0) {
      piece_of_root[root] = static_cast<std::int32_t>(pieces.size());
      pieces.emplace_back();
    }
    pieces[static_cast<std::size_t>(piece_of_root[root])].push_back(static_cast<std::int32_t>(i));
  }
  return pieces;
}

Real rest_area(const TissueModel& model, const std::vector<std::int32_t>& triangles) {
  Real a = 0;
  for (std::int32_t t : triangles)
    a += triangle_rest_area(model, model.surface[static_cast<std::size_t>(t)]);
  return a;
}

}  // namespace medvision::sim
