#pragma once
// Electrosurgical hook cautery as heat deposited in the tets at the hook's
// contact (issue 4: "cautery marks and weakens tissue and logs thermal
// damage").
//
// While the hook is active, its power goes into the tets whose centres lie
// within the contact radius, shared by volume, so the zone warms uniformly:
//   dT = P dt / (rho c V_zone)
// (c of soft tissue ~3.6 kJ/(kg K): Duck 1990, "Physical Properties of
// Tissue", ch. 2). Conduction away from the zone and perfusion are left out:
// activations last a second or two, and the heat that would spread in that
// time over a few millimetres is what the contact radius stands for.
//
// Thermal damage follows the temperature thresholds of tissue coagulation
// and ablation (Thomsen 1991, Photochem Photobiol 53:825): above ~60 C
// proteins denature within about a second and the tissue is coagulated: it
// is marked and weakened (its Lame parameters scaled down; coagulated tissue
// loses its structure and tensile strength); at 100 C its water boils and
// the tissue is vaporised: the tet is removed as a cut removes it
// (sim/tet_cut.h), so a hook held long enough divides tissue.
//
// Temperatures live with the tets (TetConstraints::temperature_C) and
// coagulation edits the model: like grasps, clips and cuts, a session that
// cauterises owns its model.

#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct CauterySpec {
  Real power_W = 20;              // into the tissue at the contact (coag settings are 20-40 W)
  Real contact_radius_m = 0.002;  // the hook's contact zone
  Real specific_heat_J_per_kg_K = 3600;
  Real density_kg_per_m3 = 1050;
  Real coagulation_C = 60;
  Real vaporisation_C = 100;
  Real coagulated_stiffness = 0.5;  // factor on mu and lambda once coagulated (a model choice)
};

struct CauteryStep {
  int heated = 0;      // tets in the contact zone
  int coagulated = 0;  // tets that crossed the coagulation temperature in this step
  int vaporised = 0;   // tets removed in this step
  int particles_freed = 0;
  Real energy_J = 0;                            // deposited in this step
  Real max_temperature_C = kBodyTemperature_C;  // in the zone, after the step
  Vec3 centre = Vec3::Zero();                   // of the zone (current positions)
};

// One activation step of `dt` seconds with the hook's tip at `tip` (the
// state's frame). `include` (per particle, may be empty) limits the tets
// that can be heated to those whose vertices it all marks.
CauteryStep apply_cautery(TissueModel& model, TissueState& state, const Vec3& tip, Real dt,
                          const CauterySpec& spec, const std::vector<bool>& include = {});

// Whether tet t has been coagulated (its temperature reached the threshold).
inline bool coagulated(const TissueModel& model, std::size_t t, const CauterySpec& spec) {
  return model.tets.temperature_C[t] >= spec.coagulation_C;
}

}  // namespace medvision::sim
