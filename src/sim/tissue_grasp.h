#pragma once
// A grasper holding volumetric tissue. When the jaws close, every free
// particle within `radius_m` of the jaws' segment (from the hinge along the
// jaws' +Z for `length_m`) is tied to the jaws by a stiff point attachment
// whose target the jaws carry. The tissue then pulls on those attachments,
// and their multipliers give the force the grasper applies (Macklin,
// Mueller & Chentanez 2016, sec. 3: the constraint force is grad C lambda /
// h^2): the retraction force a trainee should keep low.
//
// Unlike sheet_grip (which pins), held particles keep their masses, so the
// measured force includes the inertia of the held tissue, as a real jaw's
// load cell would. Particles already attached to anatomy are not taken.
//
// Grasping edits the model's attachments (and re-colours it); a session that
// grasps owns its model and snapshots it with the state.

#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct TissueGrasp {
  std::vector<std::int32_t> particles;  // sorted
  std::vector<Vec3> local;              // each particle in the jaws' frame when taken
  bool holding() const { return !particles.empty(); }
};

struct GraspJaws {
  Real length_m = 0.016;
  Real radius_m = 0.004;
  // Small but not zero: with zero compliance the particle lands on its
  // target and the force's direction is lost; 1e-6 m/N moves a held
  // particle 1 um per newton.
  Real compliance_m_per_N = 1e-6;
};

// Takes the particles between the jaws; `eligible` (per particle, may be
// empty) restricts which may be taken. Resizes the state's multipliers.
TissueGrasp grasp_tissue(TissueModel& model, TissueState& state, const Transform& jaws,
                         const GraspJaws& spec, const std::vector<bool>& eligible = {});

// Moves the grasp's attachment targets with the jaws (call before a step).
void carry_tissue_grasp(TissueModel& model, const TissueGrasp& grasp, const Transform& jaws);

// Removes the grasp's attachments. Resizes the state's multipliers.
void release_tissue_grasp(TissueModel& model, TissueState& state, TissueGrasp& grasp);

// The force the jaws applied to the tissue in the last substep of length h
// (sum over the grasp's attachments of lambda grad C / h^2), newtons. The
// tissue pulls on the jaws with the opposite force.
Vec3 tissue_grasp_force(const TissueModel& model, const TissueState& state,
                        const TissueGrasp& grasp, Real h);

// Resizes every multiplier array of `state` to `model`'s constraints,
// zeroing them (they are per-substep readouts, reset every substep anyway).
void fit_multipliers(const TissueModel& model, TissueState& state);

}  // namespace medvision::sim
