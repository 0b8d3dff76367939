#pragma once
// The heart's electrical activity: how each rhythm drives contraction, how
// untreated VF evolves, and the synthetic ECG (lead II, mV) sampled once per
// physiology tick (250 Hz).

#include "physio/circulation.h"
#include "physio/drugs.h"
#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

// Combines rhythm, baroreflex and drug effects into what the heart does this tick.
CardiacDrive cardiac_drive(const PatientModel& model, const PatientState& state,
                           const DrugEffects& drugs);

// Arrest timers, VF coarsening to fine, and the ECG sample.
void step_electrical(const PatientModel& model, PatientState& state);

// Switches rhythm and restarts its clock (used by interventions and shocks).
void change_rhythm(PatientState& state, Rhythm rhythm);

}  // namespace medvision::physio
