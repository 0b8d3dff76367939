#pragma once
// Circulation: two time-varying-elastance ventricles and four vascular
// compartments (systemic arteries and veins, pulmonary arteries and veins)
// joined by resistances and diode valves; chest compressions as an external
// intrathoracic pressure.

#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

// What drives the heart this tick: the baroreflex and drug effects combined,
// after the rhythm has had its say.
struct CardiacDrive {
  double beat_rate_per_min = 0;  // 0: no organised beats (VF, asystole)
  double contraction_scale = 0;  // 1: full sinus contraction; PEA/pVT small; VF 0
  double contractility_factor = 1;
  double resistance_factor = 1;
  double venous_v0_shift_mL = 0;
};

// Volumes at the resting pressures, with the systemic veins holding the rest
// of the blood volume.
void init_circulation(const PatientModel& model, PatientState& state);

// Unstressed volume of the systemic veins that makes the compartments hold
// the model's blood volume at the resting pressures.
double resting_venous_v0_mL(const PatientModel& model);

// Advances the circulation by one physiology tick (kCirculationSubsteps
// substeps) and updates the beat-to-beat measurement.
void step_circulation(const PatientModel& model, const CardiacDrive& drive, PatientState& state);

double blood_volume_mL(const CirculationState& c);

}  // namespace medvision::physio
