#pragma once
// The anatomy of the cholecystectomy-like dissection task, built small enough
// for the 1 kHz solver on one core: a gallbladder-like organ (an ellipsoid of
// tetrahedra whose back is fixed to the liver bed) and, under its front
// flank, a duct (a thin square prism of tetrahedra fixed at both ends, as the
// cystic duct runs from the gallbladder's neck to the common bile duct).
// The organ hides the duct from a camera above until it is retracted.
//
// Both live in one TissueModel, so one solver steps them. Particle indices
// never change (cuts and grasps edit constraints, not particles), so the
// per-particle `structure` stays valid for the model's whole life; the duct's
// particles are the contiguous range [duct_first, particles()).
//
// World frame: +Z up, the duct along +X; the organ's back (+Y) is its bed.

#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::laparoscopy {

using sim::Material;
using sim::Real;
using sim::TissueModel;
using sim::TissueState;
using sim::Vec3;

struct OrganSpec {
  Vec3 centre{0, 0, 0.02};
  Vec3 semi_axes{0.035, 0.018, 0.014};  // a gallbladder is ~7-10 cm long, 3-4 cm wide
  Real cell_m = 0.006;                  // the voxel grid the ellipsoid is cut from
  // Gallbladder wall and bile together: a soft, nearly incompressible body
  // (liver-like 10 kPa; see kDissectionSubsteps for why not stiffer).
  Material material{10e3, 0.45};
  Real density_kg_per_m3 = 1050;
  // Particles whose rest y is beyond this fraction of the y semi-axis are
  // attached to the liver bed.
  Real bed_fraction = 0.55;
  Real bed_compliance_m_per_N = 1e-5;
};

struct DuctSpec {
  Vec3 start{-0.03, -0.014, 0.002};  // axis end under the organ's neck (proximal)
  Real length_m = 0.06;              // along +X
  Real width_m = 0.003;              // square section; a cystic duct is ~3 mm across
  int segments = 30;                 // cubes along the duct
  // Stiffer than the organ (a fibrous tube), yet soft enough for 40 substeps
  // with margin: at 60 kPa a duct cut beside a clip went unstable.
  Material material{30e3, 0.45};
  Real density_kg_per_m3 = 1050;
  Real end_length_m = 0.0031;  // particles this close to either end are attached there
  Real end_compliance_m_per_N = 1e-6;
};

// Substeps per 10 ms step for this anatomy. Chosen when the tets were only
// conditionally stable in time step: left at rest with a 0.1 mm random
// perturbation, a 3 mm 8 kPa duct gained ~9 m/s at 20 substeps and a 6 mm
// 20 kPa organ ~3 m/s at 10; 40 damped it. XPBD's Gauss-Newton step dropped
// the scalar deviatoric constraint's second derivative, which carried the
// shear stiffness at rest (docs/sim.md, "Stability"). Since the deviatoric
// term is projected as a constraint linear in the positions
// (xpbd_tet_constraints.cpp) the anatomy at rest stays still at 5, 10 and 20
// substeps too (0.1 mm perturbation, no gravity, no damping: kinetic energy
// over the last 5 of 10 s <= 7e-12 J, against 1e-3 J at 10 and 2e-4 J at 20
// before), and the dissection, duct-clip, tet-cut and grasp tests pass at 10
// and 20. Fewer substeps cost accuracy instead: the organ sags 2.50 mm at 40,
// 2.81 mm at 20 and 3.63 mm at 10 (time-step bias, docs/sim.md, "Accuracy").
// Lowering this is the task module's call; it is left at 40.
inline constexpr int kDissectionSubsteps = 40;

enum class Structure : std::uint8_t { organ, duct };

struct DissectionAnatomy {
  TissueModel model;
  std::vector<Structure> structure;  // per particle
  std::int32_t duct_first = 0;       // first duct particle
  Vec3 duct_start = Vec3::Zero();    // the duct's axis at rest, proximal end
  Vec3 duct_end = Vec3::Zero();      // distal end
  Real duct_width_m = 0;
  bool is_duct(std::int32_t particle) const { return particle >= duct_first; }
};

DissectionAnatomy make_dissection_anatomy(const OrganSpec& organ = {}, const DuctSpec& duct = {});

// The organ alone: the voxel cubes whose centres lie inside the ellipsoid,
// each split into five tetrahedra, unused grid points dropped. Nothing attached.
TissueModel make_ellipsoid_organ(const OrganSpec& spec);

// The duct alone: segments x 1 x 1 cubes along +X from `start`, nothing attached.
TissueModel make_duct(const DuctSpec& spec);

// How much of the duct's middle (rest fractions [from, to] along it) the
// organ leaves in sight of a camera at `eye`: the fraction of the duct's
// top particles there whose straight line to the eye crosses no organ
// surface triangle (Moller & Trumbore 1997 ray-triangle test). 0 = hidden,
// 1 = fully exposed.
Real duct_exposure(const DissectionAnatomy& anatomy, const TissueState& state, const Vec3& eye,
                   Real from = 0.3, Real to = 0.7);

// Where a point lies along the duct's rest axis: 0 at the proximal end, 1 at
// the distal end (unclamped).
Real fraction_along_duct(const DissectionAnatomy& anatomy, const Vec3& point);

}  // namespace medvision::laparoscopy
