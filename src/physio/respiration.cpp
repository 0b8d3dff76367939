#include "physio/respiration.h"

#include <algorithm>
#include <cmath>

#include "physio/blood_gas.h"

namespace medvision::physio {
namespace {

// Gas volumes: O2 uptake and CO2 output are STPD, alveolar gas is BTPS.
// (760 / (760 - 47)) * (310 / 273) = 1.21.
constexpr double kStpdToBtps = 1.21;
// Spontaneous breathing stops ~30 s into a non-perfusing arrest (agonal
// gasps are not modelled).
constexpr double kApnoeaAfterArrestS = 30.0;
constexpr double kMaskLeakFraction = 0.1;
// An endotracheal tube bypasses the upper airway, about half of the
// anatomical dead space (Nunn, Applied Respiratory Physiology).
constexpr double kTubeDeadSpaceFraction = 0.5;
constexpr double kCo2SensorTimeConstantS = 20.0;  // central chemoreceptors (slow)
constexpr double kO2SensorTimeConstantS = 5.0;    // carotid bodies (fast)
constexpr double kRestPaco2_mmHg = 40.0;
constexpr double kRestPao2_mmHg = 95.0;

double resting_flow_mL_per_s() { return 5600.0 / 60.0; }

// Fraction of ventilated alveoli that are perfused. At rest ~95 % (normal
// alveolar dead space gives a PaCO2-EtCO2 gap of 2-5 mmHg); as pulmonary
// flow falls, West zone 1 grows. The square-root law is our simplification,
// tuned so that good CPR (about a quarter of normal flow) gives EtCO2 in the
// 10-20 mmHg range reported during CPR (AHA 2020, Part 3; Sheak et al. 2015).
double perfused_fraction(double pulmonary_flow_mL_per_s) {
  const double r = std::clamp(pulmonary_flow_mL_per_s / resting_flow_mL_per_s(), 0.0, 1.0);
  return 0.95 * std::sqrt(r);
}

void spontaneous_breathing(const PatientModel& model, PatientState& state, double& rate,
                           double& volume) {
  const RespirationParams& p = model.respiration;
  const RespirationState& r = state.respiration;
  if (r.apnoea_timer_s > kApnoeaAfterArrestS) {
    rate = 0;
    volume = 0;
    return;
  }
  // CO2 drive linear above threshold (Read 1967); hypoxic drive hyperbolic
  // in PaO2 (Weil et al. 1970, J Clin Invest 49:1061: dVE ~ A / (PaO2 - 32)).
  const double co2_drive = p.co2_response_per_mmHg * (r.sensed_co2_mmHg - kRestPaco2_mmHg);
  const double po2 = std::max(r.sensed_o2_mmHg, 35.0);
  const double o2_drive =
      std::max(p.hypoxic_response * (1.0 / (po2 - 32.0) - 1.0 / (kRestPao2_mmHg - 32.0)), 0.0);
  const double ratio = std::clamp(1.0 + co2_drive + o2_drive, 0.3, 8.0);
  // Deeper breaths first, then faster: split the rise evenly in log terms.
  rate = std::min(p.rest_rate_per_min * std::sqrt(ratio), 45.0);
  volume = std::min(p.rest_tidal_volume_mL * std::sqrt(ratio), 40.0 * model.weight_kg);
}

}  // namespace

void init_respiration(const PatientModel& model, PatientState& state) {
  const RespirationParams& p = model.respiration;
  RespirationState& r = state.respiration;
  r.alveolar_o2_mmHg = 100.0;
  r.alveolar_co2_mmHg = 40.0;
  r.arterial_o2_mmHg = kRestPao2_mmHg;
  r.arterial_co2_mmHg = kRestPaco2_mmHg;
  r.arterial_o2_saturation = o2_saturation(kRestPao2_mmHg);
  r.tissue_co2_mmHg = 46.0;
  r.venous_o2_content_mL_per_mL = o2_content(40.0, p.haemoglobin_g_per_dL);
  r.sensed_co2_mmHg = kRestPaco2_mmHg;
  r.sensed_o2_mmHg = kRestPao2_mmHg;
  r.etco2_mmHg = 38.0;
  r.rate_per_min = p.rest_rate_per_min;
  r.tidal_volume_mL = p.rest_tidal_volume_mL;
}

void step_ventilation(const PatientModel& model, PatientState& state) {
  const RespirationParams& p = model.respiration;
  const Interventions& in = state.interventions;
  RespirationState& r = state.respiration;
  const double dt = kStepSeconds;

  r.apnoea_timer_s = is_perfusing(state.electrical.rhythm) ? 0.0 : r.apnoea_timer_s + dt;
  r.sensed_co2_mmHg += (r.arterial_co2_mmHg - r.sensed_co2_mmHg) * dt / kCo2SensorTimeConstantS;
  r.sensed_o2_mmHg += (r.arterial_o2_mmHg - r.sensed_o2_mmHg) * dt / kO2SensorTimeConstantS;

  const bool assisted_airway =
      in.airway == Airway::bag_valve_mask || in.airway == Airway::intubated;
  double rate = 0;
  double volume = 0;
  double delivered = 0;
  if (assisted_airway && in.ventilation_rate_per_min > 0) {
    rate = in.ventilation_rate_per_min;
    volume = in.ventilation_tidal_volume_mL;
    delivered = in.airway == Airway::bag_valve_mask ? volume * (1.0 - kMaskLeakFraction) : volume;
  } else {
    spontaneous_breathing(model, state, rate, volume);
    delivered = in.airway == Airway::obstructed ? 0.0 : volume;
  }
  const double dead_space =
      p.dead_space_mL * (in.airway == Airway::intubated ? kTubeDeadSpaceFraction : 1.0);
  r.rate_per_min = rate;
  r.tidal_volume_mL =
      in.airway == Airway::obstructed && !(assisted_airway && in.ventilation_rate_per_min > 0)
          ? 0.0
          : delivered;
  r.alveolar_ventilation_mL_per_s = rate / 60.0 * std::max(delivered - dead_space, 0.0);
}

void step_gas_exchange(const PatientModel& model, double haemoglobin_g_per_dL,
                       PatientState& state) {
  const RespirationParams& p = model.respiration;
  RespirationState& r = state.respiration;
  const double dt = kStepSeconds;
  const double dry = p.barometric_mmHg - p.water_vapour_mmHg;
  const double q_pulm = std::max(state.measurement.pulmonary_flow_mL_per_s, 0.0);
  const double q_sys = std::max(state.measurement.cardiac_output_mL_per_s, 0.0);
  const double perfused = perfused_fraction(q_pulm);
  const double va = r.alveolar_ventilation_mL_per_s * perfused;
  const double fio2 = state.interventions.fio2;
  const double hb = haemoglobin_g_per_dL;

  // Pulmonary capillary blood equilibrates with alveolar gas.
  const double cc_o2 = o2_content(r.alveolar_o2_mmHg, hb);
  const double cc_co2 = co2_content(r.alveolar_co2_mmHg);
  const double cv_o2 = r.venous_o2_content_mL_per_mL;
  const double cv_co2 = co2_content(r.tissue_co2_mmHg);

  // Alveolar mass balance (continuous-ventilation approximation), FRC as the store.
  const double uptake_o2 = kStpdToBtps * q_pulm * (cc_o2 - cv_o2);     // mL/s BTPS
  const double output_co2 = kStpdToBtps * q_pulm * (cv_co2 - cc_co2);  // mL/s BTPS
  const double fa_o2 = r.alveolar_o2_mmHg / dry;
  const double fa_co2 = r.alveolar_co2_mmHg / dry;
  const double dfa_o2 = (va * (fio2 - fa_o2) - uptake_o2) / p.frc_mL;
  const double dfa_co2 = (output_co2 - va * fa_co2) / p.frc_mL;
  r.alveolar_co2_mmHg = std::clamp((fa_co2 + dt * dfa_co2) * dry, 0.0, dry);
  r.alveolar_o2_mmHg = std::clamp((fa_o2 + dt * dfa_o2) * dry, 0.0, dry - r.alveolar_co2_mmHg);

  // Venous admixture through the shunt.
  const double s = p.shunt_fraction;
  const double ca_o2 = (1.0 - s) * cc_o2 + s * cv_o2;
  const double ca_co2 = (1.0 - s) * cc_co2 + s * cv_co2;
  r.arterial_o2_mmHg = po2_from_o2_content(ca_o2, hb);
  r.arterial_o2_saturation = o2_saturation(r.arterial_o2_mmHg);
  r.arterial_co2_mmHg = pco2_from_co2_content(ca_co2);

  // Tissues: O2 consumption holds until venous saturation falls below ~25 %
  // (supply-dependent below the critical extraction), CO2 made at RQ 0.8.
  const double venous_sat = cv_o2 / (1.34 * hb / 100.0);
  const double supply_limit = std::clamp(venous_sat / 0.25, 0.0, 1.0);
  const double vo2 = p.vo2_mL_per_min / 60.0 * supply_limit;
  const double vco2 = vo2 * p.respiratory_quotient;
  r.venous_o2_content_mL_per_mL =
      std::max(cv_o2 + dt * (q_sys * (ca_o2 - cv_o2) - vo2) / p.venous_o2_store_mL, 0.0);
  r.tissue_co2_mmHg += dt * (vco2 - q_sys * (cv_co2 - ca_co2)) / p.tissue_co2_capacity_mL_per_mmHg;

  const bool exhaling = r.alveolar_ventilation_mL_per_s > 0.0;
  r.etco2_mmHg = exhaling ? perfused * r.alveolar_co2_mmHg : 0.0;
}

}  // namespace medvision::physio
