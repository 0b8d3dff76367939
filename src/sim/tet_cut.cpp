#include "sim/tet_cut.h"

#include <algorithm>
#include <cmath>

#include "core/disjoint_sets.h"
#include "sim/tissue_grasp.h"

namespace medvision::sim {
namespace {

bool inside_sweep(const BladeSweep& b, const Vec3& p) {
  const Real u = (p - b.hinge).dot(b.along);
  const Real w = (p - b.hinge).dot(b.across);
  return u >= 0 && std::abs(w) <= u * std::tan(b.half_angle_rad) &&
         u * u + w * w <= b.length_m * b.length_m;
}

// Whether the blade plane crosses tet t inside the sweep; adds the crossings
// of its edges (world and rest) to the running sums when it does.
bool crossed(const TissueModel& model, const TissueState& state, std::size_t t, const BladeSweep& b,
             const Vec3& normal, Vec3& world_sum, Vec3& rest_sum, int& crossings) {
  const auto& v = model.tets.vertices[t];
  std::array<Real, 4> d;
  for (int k = 0; k < 4; ++k)
    d[k] = normal.dot(state.position[static_cast<std::size_t>(v[k])] - b.hinge);
  const auto side = [&](int k) { return d[k] >= 0; };
  std::array<Vec3, 6> world, rest;
  int n = 0;
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) {
      if (side(i) == side(j)) continue;
      const Real s = d[i] / (d[i] - d[j]);
      const auto pi = static_cast<std::size_t>(v[i]), pj = static_cast<std::size_t>(v[j]);
      world[n] = state.position[pi] + s * (state.position[pj] - state.position[pi]);
      rest[n] = model.rest_position[pi] + s * (model.rest_position[pj] - model.rest_position[pi]);
      ++n;
    }
  }
  if (n == 0) return false;
  Vec3 centre = Vec3::Zero();
  for (int k = 0; k < n; ++k) centre += world[k] / n;
  bool hit = inside_sweep(b, centre);
  for (int k = 0; k < n && !hit; ++k) hit = inside_sweep(b, world[k]);
  if (!hit) return false;
  for (int k = 0; k < n; ++k) {
    world_sum += world[k];
    rest_sum += rest[k];
  }
  crossings += n;
  return true;
}

// Freezes particles no tet uses any more and drops their constraints.
int free_orphans(TissueModel& model) {
  std::vector<bool> used(model.particles(), false);
  for (const auto& v : model.tets.vertices) {
    for (std::int32_t p : v) used[static_cast<std::size_t>(p)] = true;
  }
  int freed = 0;
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (used[i]) {
      if (model.inv_mass[i] > 0) model.inv_mass[i] = 1 / model.mass[i];
    } else if (model.inv_mass[i] > 0 || model.mass[i] > 0) {
      model.inv_mass[i] = 0;
      model.mass[i] = 0;
      ++freed;
    }
  }
  auto& a = model.attachments;
  std::vector<bool> drop(a.size());
  for (std::size_t c = 0; c < a.size(); ++c)
    drop[c] = !used[static_cast<std::size_t>(a.particle[c])];
  erase_constraints(a, drop);
  auto& d = model.distances;
  drop.assign(d.size(), false);
  for (std::size_t c = 0; c < d.size(); ++c) {
    drop[c] = !used[static_cast<std::size_t>(d.particles[c][0])] ||
              !used[static_cast<std::size_t>(d.particles[c][1])];
  }
  erase_constraints(d, drop);
  return freed;
}

}  // namespace

TetCut cut_tets(TissueModel& model, TissueState& state, const BladeSweep& blades) {
  TetCut cut;
  const Vec3 normal = blades.along.cross(blades.across).normalized();
  std::vector<bool> drop(model.tets.size(), false);
  int crossings = 0;
  for (std::size_t t = 0; t < model.tets.size(); ++t) {
    drop[t] =
        crossed(model, state, t, blades, normal, cut.world_centre, cut.rest_centre, crossings);
    if (drop[t]) ++cut.tets_removed;
  }
  if (cut.tets_removed == 0) return cut;
  cut.world_centre /= crossings;
  cut.rest_centre /= crossings;
  cut.particles_freed = remove_tets(model, state, drop);
  return cut;
}

// The particles that remain keep their masses: the kerf's mass stays with
// its neighbours. Re-lumping from the remaining tets would leave a particle
// with one small corner tet a tiny mass, and the step unstable (measured: a
// duct cut beside a clip kept vibrating at ~0.7 m/s).
int remove_tets(TissueModel& model, TissueState& state, const std::vector<bool>& drop) {
  erase_constraints(model.tets, drop);
  const int freed = free_orphans(model);
  finish_model(model);
  fit_multipliers(model, state);
  return freed;
}

std::vector<std::vector<std::int32_t>> tet_pieces(const TissueModel& model,
                                                  const std::vector<bool>& include) {
  DisjointSets<std::int32_t> sets(model.particles());
  auto included = [&](std::size_t t) {
    if (include.empty()) return true;
    for (std::int32_t p : model.tets.vertices[t]) {
      if (!include[static_cast<std::size_t>(p)]) return false;
    }
    return true;
  };
  for (std::size_t t = 0; t < model.tets.size(); ++t) {
    if (!included(t)) continue;
    const auto& v = model.tets.vertices[t];
    for (int k = 1; k < 4; ++k) sets.join(v[k], v[0]);
  }
  std::vector<std::int32_t> piece_of_root(model.particles(), -1);
  std::vector<std::vector<std::int32_t>> pieces;
  for (std::size_t t = 0; t < model.tets.size(); ++t) {
    if (!included(t)) continue;
    const auto root = static_cast<std::size_t>(sets.find(model.tets.vertices[t][0]));
    if (piece_of_root[root] < 0) {
      piece_of_root[root] = static_cast<std::int32_t>(pieces.size());
      pieces.emplace_back();
    }
    pieces[static_cast<std::size_t>(piece_of_root[root])].push_back(static_cast<std::int32_t>(t));
  }
  return pieces;
}

}  // namespace medvision::sim
