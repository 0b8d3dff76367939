#pragma once
// The soft-tissue solver: XPBD (Macklin, Mueller & Chentanez 2016, "XPBD:
// position-based simulation of compliant constrained dynamics") with small
// steps (Macklin et al. 2019, "Small Steps in Physics Simulation"): a step of
// dt is split into `substeps` substeps of h = dt / substeps, each projecting
// every constraint exactly once with its multiplier reset to zero.
//
// Deterministic: the same model, state and inputs give the same state bit
// for bit, whatever `threads` is (constraints of one colour touch disjoint
// particles, and every reduction runs over fixed chunks in a fixed order).

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"
#include "sim/xpbd_colliders.h"

namespace medvision::sim {

// How the deviatoric part of the stable neo-Hookean tets is projected (same
// energy and forces either way; see xpbd_tet_constraints.cpp and
// docs/sim.md, "Stability"). Both are stable at rest for any substep.
enum class TetProjection : std::uint8_t {
  // Six components of the linearised Green strain: rotation invariant, so a
  // stressed tet's step carries no torque. A 7x7 solve per tet.
  green_strain,
  // Nine components of F: a 3x3 solve cached per step, about twice as fast,
  // but a stressed tet's step carries a small torque (free bodies spin
  // slowly; clipped or pinched structures ring longer).
  linear_f,
};

struct SolverSettings {
  int substeps = 10;               // per step; with dt = 10 ms, the 1 kHz physics rate
  Vec3 gravity{0, 0, -9.81};       // m/s^2
  Real damping_per_s = 0;          // mass-proportional velocity damping: dv/dt = -c v
  int threads = 1;                 // threads sharing each step (1: no TBB at all)
  int constraints_per_task = 128;  // chunk of a colour one thread claims at a time
  TetProjection tet_projection = TetProjection::green_strain;
};

// What the world does to the tissue during one step.
struct StepInputs {
  std::vector<PlaneCollider> planes;
  std::vector<SphereCollider> spheres;
  std::vector<CapsuleCollider> capsules;
};

// The tissue's push on one collider, averaged over the step (the sum over
// substeps and contacts of the contact impulses, divided by dt). For a
// collider in steady contact it is the contact force: sum lambda n / h^2.
struct ColliderReaction {
  Vec3 force_N = Vec3::Zero();     // on the collider, from the tissue (normal + friction)
  Vec3 torque_N_m = Vec3::Zero();  // about the world origin; about p: torque - p x force
  int contacts = 0;                // particles touching it in the last substep
};

struct StepOutputs {
  std::vector<ColliderReaction> planes, spheres, capsules;  // same order as StepInputs
  Real max_edge_stretch = 1;  // max over edges of length / rest length (tearing cue)
  Real min_volume_ratio = 1;  // min over tets of det F (< 0: some tet is inverted)
  int inverted_tets = 0;
};

class XpbdSolver {
 public:
  explicit XpbdSolver(const SolverSettings& settings = {});
  ~XpbdSolver();
  XpbdSolver(const XpbdSolver&) = delete;
  XpbdSolver& operator=(const XpbdSolver&) = delete;

  // Advances `state` by dt seconds. The returned outputs stay valid until
  // the next call. Allocates only when the number of colliders grows.
  const StepOutputs& step(const TissueModel& model, TissueState& state, Real dt,
                          const StepInputs& inputs);

  const SolverSettings& settings() const { return settings_; }

 private:
  struct Workspace;

  SolverSettings settings_;
  std::unique_ptr<Workspace> work_;
  StepOutputs outputs_;
};

}  // namespace medvision::sim
