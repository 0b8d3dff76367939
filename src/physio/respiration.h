#pragma once
// Breathing (spontaneous with chemoreflex, or delivered by bag-valve-mask or
// ventilator) and gas exchange between alveoli, blood and tissues.

#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

void init_respiration(const PatientModel& model, PatientState& state);

// Rate, tidal volume and alveolar ventilation for this tick from the airway,
// assisted ventilation and the chemoreflex.
void step_ventilation(const PatientModel& model, PatientState& state);

// Alveolar, arterial, venous and tissue O2/CO2 for this tick, from the
// pulmonary and systemic flows of the last measurement.
void step_gas_exchange(const PatientModel& model, double haemoglobin_g_per_dL, PatientState& state);

}  // namespace medvision::physio
