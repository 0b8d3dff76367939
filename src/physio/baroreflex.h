#pragma once
// Arterial baroreflex: sensed mean arterial pressure drives heart rate,
// contractility, systemic resistance and unstressed venous volume through
// logistic curves and first-order effector lags.

#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

void init_baroreflex(const PatientModel& model, PatientState& state);

// Advances the baroreflex by one physiology tick from the current arterial pressure.
void step_baroreflex(const PatientModel& model, PatientState& state);

// The effector's steady-state value at a sensed pressure.
double baro_target(const BaroEffector& e, double setpoint_mmHg, double pressure_mmHg);

}  // namespace medvision::physio
