#pragma once
// Blood volume changes: haemorrhage, crystalloid and blood infusion,
// crystalloid leaving the vessels, and the red-cell mass that sets
// haemoglobin.

#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

void init_blood_volume(const PatientModel& model, PatientState& state);
void step_blood_volume(const PatientModel& model, PatientState& state);
double haemoglobin_g_per_dL(const PatientModel& model, const PatientState& state);

}  // namespace medvision::physio
