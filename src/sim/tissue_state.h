#pragma once
// TissueState: everything about a piece of tissue that changes with time. A
// plain copyable value: copying it is how a session snapshots, rewinds and
// replays. Its arrays are sized once, by initial_state(model); stepping
// never resizes them.

#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"

namespace medvision::sim {

struct TissueState {
  std::vector<Vec3> position;           // m
  std::vector<Vec3> velocity;           // m/s
  std::vector<Vec3> previous_position;  // at the start of the last substep, m

  // Multipliers of the last substep, one per constraint in model order. Small
  // Steps resets them every substep, so they are readouts, not memory: a
  // constraint's force is lambda / h^2 (newtons for distance/attachment
  // constraints, N m for bending, Pa m^3 for the tets' pair). The tets'
  // deviatoric multiplier is a matrix (xpbd_tet_constraints.cpp); stored is
  // its gradient-weighted contraction with F, -3 mu V h^2 at rest.
  std::vector<Real> lambda_hydrostatic;
  std::vector<Real> lambda_deviatoric;
  std::vector<Real> lambda_distance;
  std::vector<Real> lambda_bending;
  std::vector<Real> lambda_attachment;

  Real time_s = 0;
  std::uint64_t steps = 0;
};

// The model at rest: positions at rest, zero velocities and multipliers.
TissueState initial_state(const TissueModel& model);

// FNV-1a over every number of the state, bit for bit: equal hashes mean equal
// states (two runs, or a run and its replay).
std::uint64_t state_hash(const TissueState& state);

}  // namespace medvision::sim
