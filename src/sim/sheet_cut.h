#pragma once
// Cutting a sheet (gauze, a membrane) with scissors. The two blades open in a
// plane; whatever part of the sheet lies between them when they close is cut
// where the sheet crosses that plane. The blades' sweep is a planar sector:
// apex at the hinge, bisected by the shaft's direction, as wide as the blades
// were open when the closing began and as long as the blades.
//
// A cut removes every sheet triangle that the sector crosses (element
// deletion, the simplest of the cutting schemes Wu, Westermann & Dick 2015
// survey in "A survey of physically based simulation of cuts in deformable
// bodies", Comput Graph Forum 34:161, sec. 3.1): the kerf is one triangle
// wide, so a sheet must be meshed finer than the accuracy the cut is judged
// at. What depends on the triangles is rebuilt from the ones that remain:
// distance constraints on their edges, bending on edges two of them share,
// lumped masses; particles left without a triangle are frozen (inverse mass
// 0) and their attachments dropped. Positions and velocities are not touched,
// so a cut adds no energy. Deterministic: the result depends only on the
// model, the state and the sector.
//
// This changes the TissueModel, the one exception to its being constant: a
// session that cuts owns its model and snapshots it with the state.

#include <array>
#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct BladeSector {
  Vec3 hinge = Vec3::Zero();
  Vec3 along = Vec3::UnitZ();   // unit: from the hinge towards the blade tips (the shaft)
  Vec3 across = Vec3::UnitX();  // unit, perpendicular to `along`: the blades open this way
  Real half_angle_rad = 0.5;    // each blade's angle from `along` when the closing began (< pi/2)
  Real length_m = 0.015;
};

struct SheetCut {
  int triangles_removed = 0;
  int particles_freed = 0;  // left without a triangle, now frozen
  // Where the blades crossed each removed triangle, in rest coordinates (the
  // sheet's material frame, where a pattern is drawn): the cut line.
  std::vector<std::array<Vec3, 2>> rest_segments;
};

// Cuts `model` (a sheet: surface triangles with distance and bending
// constraints, no tets) where the sector crosses it, and resizes the
// state's multipliers to the new constraints.
SheetCut cut_sheet(TissueModel& model, TissueState& state, const BladeSector& blades);

// The sheet's pieces: connected sets of triangles (sharing a vertex), each a
// list of surface indices, ordered by their smallest triangle index.
std::vector<std::vector<std::int32_t>> sheet_pieces(const TissueModel& model);

// Rest area of triangles (m^2).
Real rest_area(const TissueModel& model, const std::vector<std::int32_t>& triangles);

}  // namespace medvision::sim
