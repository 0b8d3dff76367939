#pragma once
// A surgical clip closed on a duct by a clip applier. The applier's jaws
// close along their local X (they open in the local XZ plane, as every
// instrument's do, see instrument.h); a clip closed on a tube flattens it
// between its two limbs. We model the closed clip by what it does to the
// tissue: each eligible particle inside the clip's band on one side of the
// middle of what the jaws hold (a clip centres itself on the tube) is tied by a stiff distance
// constraint to its nearest counterpart on the other side (nearest at rest), with a rest length of
// the closed clip's gap, so the duct is pinched shut where the clip sits and the clip moves with
// the duct. The particles along each limb keep their spacing (the limbs are rigid), so a clip may
// turn with the duct but not fold. Constraints on particles a later cut frees are dropped with
// them.
//
// The clip is logged by where it closed: the mean rest and world positions of
// the particles it pinched.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct ClipSpec {
  Real length_m = 0.009;  // medium-large ligation clips are ~9 mm long
  Real band_m = 0.003;    // particles within band/2 of the jaws' XZ plane are caught
  Real reach_m = 0.004;   // how far from the mid-plane the open limbs reach
  // Tissue left between the closed limbs: a third of the 3 mm duct. Closing
  // further flattens its tets below what the solver steps stably at 40
  // substeps (measured: a clipped duct vibrating at ~2 m/s).
  Real closed_gap_m = 0.001;
  Real compliance_m_per_N = 1e-6;
};

struct AppliedClip {
  std::vector<std::array<std::int32_t, 2>> pinched;  // particle pairs tied together
  Vec3 world_centre = Vec3::Zero();                  // mean position of the pinched particles
  Vec3 rest_centre = Vec3::Zero();                   // the same in rest coordinates
};

// Closes a clip with the applier's jaws at `jaws` (hinge at the translation,
// +Z along the jaws, closing along local X) on the particles `eligible`
// marks (empty: all). Nothing when no pair lies across the mid-plane.
// Adds distance constraints to `model` and resizes the state's multipliers.
std::optional<AppliedClip> apply_clip(TissueModel& model, TissueState& state, const Transform& jaws,
                                      const ClipSpec& spec, const std::vector<bool>& eligible = {});

}  // namespace medvision::sim
