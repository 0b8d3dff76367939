#pragma once
// PatientModel: the constant description of one patient (body size and the
// parameters of every subsystem). It never changes while the patient is
// simulated; everything that does change lives in PatientState.
//
// Units: SI (seconds) except where the name carries a clinical unit
// (`_mL`, `_mmHg`, `_per_min`, `_mg`). Pressures in mmHg and volumes in mL are
// how every lumped-parameter cardiovascular model in the literature is stated,
// so keeping them makes the parameters checkable against their sources.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medvision::physio {

// Physiology runs at a fixed 250 Hz (one ECG sample per tick); the
// circulation takes 4 substeps of 1 ms per tick because the valve/ventricle
// time constants are ~2.5 ms (R_valve * C_ventricle in systole), which
// explicit Euler integrates stably only below ~5 ms.
inline constexpr double kPhysioRateHz = 250.0;
inline constexpr double kStepSeconds = 1.0 / kPhysioRateHz;
inline constexpr int kCirculationSubsteps = 4;
inline constexpr double kCirculationStepSeconds = kStepSeconds / kCirculationSubsteps;

struct Ventricle {
  double emax_mmHg_per_mL = 0;  // end-systolic elastance
  double emin_mmHg_per_mL = 0;  // diastolic elastance
  double v0_mL = 0;             // unstressed volume
};

// A vascular compartment: P = (V - V0) / C.
struct VesselCompartment {
  double compliance_mL_per_mmHg = 0;
  double v0_mL = 0;
};

struct CirculationParams {
  Ventricle left;
  Ventricle right;
  VesselCompartment systemic_arteries;
  VesselCompartment
      systemic_veins;  // peripheral veins and venules (holds mean systemic filling pressure)
  VesselCompartment central_veins;  // venae cavae and right atrium: CVP
  VesselCompartment pulmonary_arteries;
  VesselCompartment pulmonary_veins;
  double systemic_resistance_mmHg_s_per_mL = 0;
  double venous_return_resistance_mmHg_s_per_mL = 0;  // peripheral -> central veins (Guyton)
  double pulmonary_resistance_mmHg_s_per_mL = 0;
  double aortic_valve_mmHg_s_per_mL = 0;
  double mitral_valve_mmHg_s_per_mL = 0;
  double pulmonic_valve_mmHg_s_per_mL = 0;
  double tricuspid_valve_mmHg_s_per_mL = 0;
  // Ursino 1998: systole lasts T_sys = T_sys0 - k_sys / T (T = beat period).
  double systole_base_s = 0.5;
  double systole_rate_coeff_s2 = 0.075;
  // CPR: peak intrathoracic pressure per mm of compression depth.
  double cpr_pressure_mmHg_per_mm = 0;
};

// One logistic baroreflex effector (Kent et al. 1972 four-parameter curve):
//   value = high_p + (low_p - high_p) / (1 + exp((P - P_mid) / slope))
// where low_p/high_p are the values at very low/high pressure, and P_mid is
// chosen so that value(setpoint) == at_rest.
struct BaroEffector {
  double low_p = 0;
  double high_p = 0;
  double at_rest = 0;
  double time_constant_s = 1;
  double slope_mmHg = 10;
};

struct BaroreflexParams {
  double setpoint_map_mmHg = 0;
  double afferent_time_constant_s = 0;
  BaroEffector heart_rate_per_min;
  BaroEffector contractility_factor;
  BaroEffector resistance_factor;
  BaroEffector venous_v0_shift_mL;
};

struct RespirationParams {
  double barometric_mmHg = 760.0;
  double water_vapour_mmHg = 47.0;  // at 37 degC
  double frc_mL = 0;                // functional residual capacity: the alveolar gas store
  double dead_space_mL = 0;         // anatomical dead space
  double rest_rate_per_min = 0;
  double rest_tidal_volume_mL = 0;
  double shunt_fraction = 0;
  double vo2_mL_per_min = 0;  // STPD
  double respiratory_quotient = 0.8;
  double haemoglobin_g_per_dL = 0;
  double tissue_co2_capacity_mL_per_mmHg = 0;
  double venous_o2_store_mL = 0;     // blood volume that buffers O2 on the venous side
  double co2_response_per_mmHg = 0;  // fractional rise in minute ventilation per mmHg PaCO2
  double hypoxic_response = 0;       // Weil 1970 shape parameter A (mmHg)
};

struct PatientModel {
  std::string preset;
  double age_years = 0;
  double weight_kg = 0;
  double height_cm = 0;
  double blood_volume_mL = 0;
  double haematocrit = 0;
  CirculationParams circulation;
  BaroreflexParams baroreflex;
  RespirationParams respiration;
  std::uint64_t seed = 1;  // for defibrillation outcomes and VF waveform
};

// Names of the built-in presets ("standard-male", "standard-female").
std::vector<std::string> patient_presets();

// Builds a patient from a preset plus modifications (name -> value), e.g.
// {"weight_kg": 90, "shunt_fraction": 0.25}. Unknown names, NaN or values out
// of physiological range are errors that name the offending field.
Result<PatientModel> make_patient(std::string_view preset,
                                  const std::map<std::string, double>& modifications = {});

// The modification names make_patient accepts.
std::vector<std::string> patient_modifications();

}  // namespace medvision::physio
