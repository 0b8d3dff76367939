#pragma once
// Cutting volumetric tissue with scissors by element deletion (the simplest
// scheme in Wu, Westermann & Dick 2015, "A survey of physically based
// simulation of cuts in deformable bodies", Comput Graph Forum 34:161,
// sec. 3.1). The blades close in a plane; their sweep is a planar sector
// (apex at the hinge, bisected by the jaws' direction, as wide as the blades
// were open and as long as they are). Every tetrahedron the blade plane
// crosses within the sector is removed, and what depends on the tets is
// rebuilt from those that remain: the surface triangles, the edges, the
// colouring. Particles that remain keep their masses (the kerf's mass stays
// with its neighbours; see tet_cut.cpp for why). Particles left without a tet are frozen (inverse
// mass 0) and their attachments and distance constraints (clips, grasps)
// dropped. Positions and velocities are not touched, so a cut adds no energy.
//
// A vertex exactly on the blade plane counts on its positive side, so the
// tets left on the two sides of a complete cut share no vertex: a cut across
// a duct leaves two separate pieces even when the plane runs through a layer
// of its vertices. The kerf is one element wide.
//
// Like grasps and clips, this edits the TissueModel: a session that cuts
// owns its model and snapshots it with the state.

#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct BladeSweep {
  Vec3 hinge = Vec3::Zero();
  Vec3 along = Vec3::UnitZ();   // unit: from the hinge towards the blade tips
  Vec3 across = Vec3::UnitX();  // unit, perpendicular to `along`: the blades open this way
  Real half_angle_rad = 0.5;    // each blade's angle from `along` when the closing began (< pi/2)
  Real length_m = 0.015;
};

struct TetCut {
  int tets_removed = 0;
  int particles_freed = 0;
  Vec3 world_centre = Vec3::Zero();  // mean of where the blade crossed the removed tets' edges
  Vec3 rest_centre = Vec3::Zero();   // the same crossings in rest coordinates
};

// Removes the tets the sweep crosses; resizes the state's multipliers.
TetCut cut_tets(TissueModel& model, TissueState& state, const BladeSweep& blades);

// Removes the tets `drop` marks (one flag per tet), as a cut does: the
// surface and constraints rebuilt, particles left without a tet frozen and
// their attachments dropped, the state's multipliers resized. Returns the
// particles freed.
int remove_tets(TissueModel& model, TissueState& state, const std::vector<bool>& drop);

// The model's pieces: sets of tets connected through shared vertices, each a
// sorted list of tet indices, ordered by their smallest index. `include`
// (per particle, may be empty) keeps only tets whose vertices it all marks.
std::vector<std::vector<std::int32_t>> tet_pieces(const TissueModel& model,
                                                  const std::vector<bool>& include = {});

}  // namespace medvision::sim
