#pragma once
// A grasper holding a sheet: the particles between the jaws when they close
// are pinned (inverse mass 0) and carried rigidly with the jaws until they
// open; the pull of the sheet on them is the grasper's load.

#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct SheetGrip {
  std::vector<std::int32_t> particles;
  std::vector<Vec3> local;  // each particle in the jaws' frame when it was taken
  bool holding() const { return !particles.empty(); }
};

// Takes the free particles within `radius_m` of the jaws' segment (from the
// hinge `jaws.translation` along the jaws' +Z for `length_m`) and pins them.
SheetGrip grip_sheet(TissueModel& model, const TissueState& state, const Transform& jaws,
                     Real length_m, Real radius_m);

// Puts the held particles where the jaws carry them (before a solver step).
void carry_grip(const SheetGrip& grip, TissueState& state, const Transform& jaws);

// Lets go: the particles get their inverse masses back (those a cut has not freed).
void release_grip(TissueModel& model, SheetGrip& grip);

// The sheet's pull on the held particles through its distance constraints in
// the last substep of length h (lambda grad C / h^2 summed; Macklin et al.
// 2016, sec. 3: the constraint force is the multiplier over h^2).
Vec3 grip_load(const TissueModel& model, const TissueState& state, const SheetGrip& grip, Real h);

}  // namespace medvision::sim
