#pragma once
// Vital signs as a monitor (and the scenario's triggers) read them.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

struct Vitals {
  double time_s = 0;
  double heart_rate_per_min = 0;  // monitor rate from the ECG; 0 in VF and asystole
  double systolic_mmHg = 0;
  double diastolic_mmHg = 0;
  double map_mmHg = 0;
  double cardiac_output_L_per_min = 0;
  double stroke_volume_mL = 0;
  double cvp_mmHg = 0;
  double respiration_rate_per_min = 0;
  double tidal_volume_mL = 0;
  double spo2 = 0;  // fraction
  double etco2_mmHg = 0;
  double pao2_mmHg = 0;
  double paco2_mmHg = 0;
  double blood_volume_mL = 0;
  double haemoglobin_g_per_dL = 0;
  double ecg_mV = 0;
  Rhythm rhythm = Rhythm::normal_sinus;
};

Vitals read_vitals(const PatientModel& model, const PatientState& state);

// Names of the numeric vitals, in CSV column order ("heart_rate_per_min", ...).
const std::vector<std::string>& vital_names();

// A numeric vital by name, for scenario triggers ("map_mmHg"). `rhythm` is
// not numeric: read Vitals::rhythm.
Result<double> vital_by_name(const Vitals& vitals, std::string_view name);

}  // namespace medvision::physio
