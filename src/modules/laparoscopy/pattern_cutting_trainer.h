#pragma once
// The box trainer set up for FLS pattern cutting (Fundamentals of
// Laparoscopic Surgery manual skills task 2; Derossis et al. 1998, Am J
// Surg 175:482): a square of gauze held level at its four corners above the
// box floor, a circle marked on it, a grasper through the left port to hold
// the gauze under tension and scissors through the right port to cut the
// circle out.
//
// The gauze is a 10 cm (4 inch) square with a 5 cm circle; the cut is
// judged against a band 2 mm either side of the marked line (our
// tolerance; see content/scenarios/laparoscopy/pattern-cutting.yaml).
// It is meshed at 3.1 mm; the cut line is measured where the blades
// crossed the triangles they removed (sim/sheet_cut.h), not at the kerf.

#include "modules/laparoscopy/box_trainer.h"
#include "sim/tissue_model.h"
#include "sim/xpbd_solver.h"

namespace medvision::laparoscopy {

struct CirclePattern {
  sim::Vec3 centre = sim::Vec3::Zero();  // on the gauze at rest (room coordinates)
  double radius_m = 0.025;
  double band_half_width_m = 0.002;
};

struct GauzeSpec {
  double side_m = 0.10;
  int cells = 32;                        // per side: 3.125 mm squares
  double height_m = 0.84;                // above the room floor (the box floor is at 0.78 m)
  double corner_slack_m = 0.002;         // each corner clip this much closer to the centre: it sags
  double clip_radius_m = 0.007;          // the patch of gauze each clip holds
  double areal_density_kg_per_m2 = 0.1;  // cotton gauze
  // Per interior edge (sim::ClothSpec): a folded 8-ply gauze square holds
  // its shape far better than a single layer (1e5).
  double bend_compliance_per_N_m = 300;
};

// The trainer (floor, ports, a grasper left and scissors right) and the gauze.
struct PatternCuttingSetup {
  BoxTrainer box;
  GauzeSpec gauze_spec;
  sim::TissueModel gauze;  // rest positions in room coordinates, the gauze level
  CirclePattern pattern;
  sim::SolverSettings solver;
};

PatternCuttingSetup make_pattern_cutting_setup();

// Where a rest (material) point lies relative to the pattern, seen from
// above: offset (x, z) from the circle's centre, metres.
Eigen::Vector2d pattern_offset(const CirclePattern& pattern, const sim::Vec3& rest);

}  // namespace medvision::laparoscopy
