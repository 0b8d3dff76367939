#include "sim/duct_clip.h"

#include <cmath>
#include <limits>

#include "sim/tissue_grasp.h"

namespace medvision::sim {

std::optional<AppliedClip> apply_clip(TissueModel& model, TissueState& state, const Transform& jaws,
                                      const ClipSpec& spec, const std::vector<bool>& eligible) {
  const Quat to_local = jaws.rotation.conjugate();
  std::vector<std::int32_t> caught, upper, lower;
  std::vector<Vec3> local(model.particles());
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (model.inv_mass[i] == 0) continue;
    if (!eligible.empty() && !eligible[i]) continue;
    const Vec3 q = to_local * (state.position[i] - jaws.translation);
    if (q.z() < 0 || q.z() > spec.length_m || std::abs(q.y()) > spec.band_m / 2 ||
        std::abs(q.x()) > spec.reach_m)
      continue;
    local[i] = q;
    caught.push_back(static_cast<std::int32_t>(i));
  }
  // The limbs meet in the middle of what they hold (a clip centres itself
  // on the tube as it closes), not necessarily on the jaws' mid-plane.
  Real middle = 0;
  for (std::int32_t i : caught) middle += local[static_cast<std::size_t>(i)].x();
  if (!caught.empty()) middle /= static_cast<Real>(caught.size());
  for (std::int32_t i : caught)
    (local[static_cast<std::size_t>(i)].x() >= middle ? upper : lower).push_back(i);
  AppliedClip clip;
  // Each particle on the upper side meets its nearest counterpart below, in
  // rest coordinates (so across the tube, not along it, however obliquely
  // the jaws close); lower particles left without a partner pair with their
  // nearest upper one, so none is skipped.
  auto nearest = [&](std::int32_t from, const std::vector<std::int32_t>& among) {
    std::int32_t best = -1;
    Real best_d = std::numeric_limits<Real>::infinity();
    for (std::int32_t j : among) {
      const Real d = (model.rest_position[static_cast<std::size_t>(from)] -
                      model.rest_position[static_cast<std::size_t>(j)])
                         .squaredNorm();
      if (d < best_d) {
        best_d = d;
        best = j;
      }
    }
    return best;
  };
  std::vector<bool> paired(model.particles(), false);
  for (std::int32_t i : upper) {
    const std::int32_t j = nearest(i, lower);
    if (j < 0) break;
    clip.pinched.push_back({i, j});
    paired[static_cast<std::size_t>(i)] = paired[static_cast<std::size_t>(j)] = true;
  }
  for (std::int32_t j : lower) {
    if (paired[static_cast<std::size_t>(j)]) continue;
    const std::int32_t i = nearest(j, upper);
    if (i < 0) break;
    clip.pinched.push_back({i, j});
  }
  if (clip.pinched.empty()) return std::nullopt;

  int count = 0;
  auto& d = model.distances;
  // The limbs are rigid: the particles along each keep their spacing.
  for (const auto* limb : {&upper, &lower}) {
    for (std::size_t k = 1; k < limb->size(); ++k) {
      const auto i = static_cast<std::size_t>((*limb)[k - 1]),
                 j = static_cast<std::size_t>((*limb)[k]);
      d.particles.push_back({(*limb)[k - 1], (*limb)[k]});
      d.rest_length.push_back((state.position[i] - state.position[j]).norm());
      d.compliance.push_back(spec.compliance_m_per_N);
    }
  }
  for (const auto& [i, j] : clip.pinched) {
    d.particles.push_back({i, j});
    d.rest_length.push_back(spec.closed_gap_m);
    d.compliance.push_back(spec.compliance_m_per_N);
    for (std::int32_t p : {i, j}) {
      clip.world_centre += state.position[static_cast<std::size_t>(p)];
      clip.rest_centre += model.rest_position[static_cast<std::size_t>(p)];
      ++count;
    }
  }
  clip.world_centre /= count;
  clip.rest_centre /= count;
  finish_model(model);
  fit_multipliers(model, state);
  return clip;
}

}  // namespace medvision::sim
