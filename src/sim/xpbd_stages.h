#pragma once
// The stages of one XPBD substep, in the order XpbdSolver::step calls them.
// Internal to src/sim; each is defined in its own xpbd_*.cpp file.

#include <cstddef>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"
#include "sim/xpbd_parallel.h"
#include "sim/xpbd_solver.h"

namespace medvision::sim {

// x_prev = x; v += h g; x += h v (x* = x + h v + h^2 g). Pinned particles stay.
void predict(const TissueModel& model, TissueState& state, Real h, const Vec3& gravity,
             Phases& phases);

// One projection of every constraint of a kind, multipliers starting at zero
// (Small Steps), colour by colour.
// `blocks` holds 6 numbers per tet that depend only on the model and h (a
// symmetric 3x3 of xpbd_tet_constraints.cpp); the first substep of a step
// computes them (`first_substep`), the others read them.
void project_tets(const TissueModel& model, TissueState& state, Real h, TetProjection projection,
                  bool first_substep, Real* blocks, Phases& phases);
void project_distances(const TissueModel& model, TissueState& state, Real h, Phases& phases);
void project_bending(const TissueModel& model, TissueState& state, Real h, Phases& phases);
void project_attachments(const TissueModel& model, TissueState& state, Real h, Phases& phases);

// Contact impulses on each collider, summed per fixed chunk of particles.
struct ContactTotals {
  static constexpr std::size_t kParticlesPerChunk = 256;
  std::size_t colliders = 0;
  std::vector<Vec3> impulse;          // N s on the collider, [chunk * colliders + k]
  std::vector<Vec3> angular_impulse;  // N m s about the origin
  std::vector<int> contacts;          // in the last substep
  void reset(std::size_t particles, std::size_t collider_count);
};

// Pushes particles out of the colliders (posed `elapsed_s` after the step
// began) and applies Coulomb friction positionally.
void project_contacts(const TissueModel& model, TissueState& state, Real h, Real elapsed_s,
                      const StepInputs& inputs, ContactTotals& totals, Phases& phases);

// v = (x - x_prev) / h, then damping.
void update_velocities(const TissueModel& model, TissueState& state, Real h, Real damping_per_s,
                       Phases& phases);

// Per-step readouts: stretch, inversion.
void measure_deformation(const TissueModel& model, const TissueState& state, StepOutputs& outputs);

}  // namespace medvision::sim
