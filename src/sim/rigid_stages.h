#pragma once
// The stages of RigidWorld's step, in the order step() calls them. Each is
// a plain function of (model, state) in its own file:
//   rigid_integrate.cpp       begin_rigid_step, predict_bodies, derive_velocities
//   rigid_collision.cpp       find_candidate_pairs, find_contacts
//   rigid_contact_solver.cpp  solve_contact_positions, solve_contact_velocities
//   rigid_attachment.cpp      reset_attachment_multipliers, solve_attachment_positions
//   rigid_world.cpp           finish_rigid_step

#include "sim/rigid_world.h"

namespace medvision::sim {

// Remembers the poses at the start of the step, zeroes the joint reports.
void begin_rigid_step(const RigidWorldModel& model, RigidWorldState& state);
// Broad phase, once per step: pairs of pieces whose boxes, grown by how far
// the bodies can move in dt, overlap (and pieces against planes).
void find_candidate_pairs(const RigidWorldModel& model, RigidWorldState& state, Real dt);
// Dynamic bodies: gravity and inertia over one substep h; kinematic bodies:
// to `fraction` of the way from their step-start pose to their target.
void predict_bodies(const RigidWorldModel& model, RigidWorldState& state, Real h, Real dt,
                    Real fraction);
// Narrow phase at the predicted poses: contact points of candidate pairs.
void find_contacts(const RigidWorldModel& model, RigidWorldState& state);
void reset_attachment_multipliers(RigidWorldState& state);
void solve_contact_positions(const RigidWorldModel& model, RigidWorldState& state, Real h,
                             int substeps);
void solve_attachment_positions(const RigidWorldModel& model, RigidWorldState& state, Real h,
                                int substeps);
// Velocities from how far the solved poses moved in the substep.
void derive_velocities(const RigidWorldModel& model, RigidWorldState& state, Real h);
// Dynamic friction and restitution as impulses on the derived velocities.
void solve_contact_velocities(const RigidWorldModel& model, RigidWorldState& state, Real h,
                              int substeps);
// Report means, advances the clock.
void finish_rigid_step(RigidWorldState& state, Real dt);

}  // namespace medvision::sim
