#include "physio/circulation.h"

#include <algorithm>
#include <cmath>

namespace medvision::physio {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Resting targets used to lay out the blood volume at start.
constexpr double kRestArterial_mmHg = 87.0;
constexpr double kRestVenous_mmHg = 7.0;  // mean systemic filling pressure (Guyton)
constexpr double kRestCentralVenous_mmHg = 4.0;
constexpr double kRestPulmonaryArterial_mmHg = 15.0;
constexpr double kRestPulmonaryVenous_mmHg = 8.0;
constexpr double kRestLv_mL = 90.0;
constexpr double kRestRv_mL = 95.0;
// A measurement window closes at the latest after this long without a beat
// or compression (asystole, VF).
constexpr double kMaxWindowS = 2.0;
// Compression depth beyond which more depth adds no flow (AHA 2020 upper
// limit 60 mm), and below which the chest barely transmits pressure.
constexpr double kCprMaxEffectiveDepthMm = 60.0;
constexpr double kCprSlackDepthMm = 10.0;

double vessel_pressure(const VesselCompartment& v, double volume_mL, double v0_shift_mL = 0) {
  return (volume_mL - v.v0_mL - v0_shift_mL) / v.compliance_mL_per_mmHg;
}

// Ursino 1998, eqs. 5-7: ventricular activation sin^2 over systole, whose
// duration shortens with heart rate as T_sys = T_sys0 - k_sys / T.
double activation(const CirculationParams& p, double elapsed_s, double period_s) {
  // Our addition: at most 60 % of the beat, so very fast rates keep some filling time.
  const double systole =
      std::clamp(p.systole_base_s - p.systole_rate_coeff_s2 / period_s, 0.12, 0.6 * period_s);
  if (elapsed_s >= systole) return 0.0;
  const double s = std::sin(kPi * elapsed_s / systole);
  return s * s;
}

// Linearised backward-Euler flow across a resistance between two elastic
// compartments: Q = dP / (R + dt (E_up + E_down)). Unconditionally stable
// for the pair, so stiff valves (R*C ~ 1 ms) integrate at 1 ms steps.
double implicit_flow(double p_up, double p_down, double r, double e_up, double e_down, double dt) {
  return (p_up - p_down) / (r + dt * (e_up + e_down));
}

double valve_flow(double p_up, double p_down, double r, double e_up, double e_down, double dt) {
  return std::max(implicit_flow(p_up, p_down, r, e_up, e_down, dt), 0.0);
}

void close_window(Measurement& m) {
  if (m.window_s <= 0) return;
  m.systolic_mmHg = m.max_mmHg;
  m.diastolic_mmHg = m.min_mmHg;
  m.map_mmHg = m.pressure_integral_mmHg_s / m.window_s;
  m.cvp_mmHg = m.venous_pressure_integral_mmHg_s / m.window_s;
  m.cardiac_output_mL_per_s = m.aortic_flow_mL / m.window_s;
  m.pulmonary_flow_mL_per_s = m.pulmonary_flow_mL / m.window_s;
  m.stroke_volume_mL = m.beats > 0 ? m.aortic_flow_mL / m.beats : 0.0;
  m.window_s = 0;
  m.max_mmHg = -1e9;
  m.min_mmHg = 1e9;
  m.pressure_integral_mmHg_s = 0;
  m.venous_pressure_integral_mmHg_s = 0;
  m.aortic_flow_mL = 0;
  m.pulmonary_flow_mL = 0;
  m.beats = 0;
}

// Starts a beat when the current one is over; returns whether one started.
bool advance_beat(const CardiacDrive& drive, double dt, CirculationState& c) {
  c.beat_elapsed_s += dt;
  if (c.beat_elapsed_s < c.beat_period_s) return false;
  c.beat_elapsed_s -= c.beat_period_s;
  if (drive.beat_rate_per_min > 0) {
    c.beat_period_s = 60.0 / drive.beat_rate_per_min;
    c.contraction_scale = drive.contraction_scale;
    return true;
  }
  // No organised activity: keep a nominal period so a beat starts promptly
  // once a rhythm returns, but nothing contracts.
  c.beat_period_s = 0.25;
  c.contraction_scale = 0;
  return false;
}

// Chest compressions: half-sine-squared intrathoracic pressure over the
// compression half of each cycle (50 % duty cycle, AHA 2020), transmitted to
// the heart and pulmonary vessels (cardiac and thoracic pump, Rudikoff et al.
// 1980, Circulation 61:345). Returns whether a compression started.
bool advance_compressions(const PatientModel& model, const Interventions& in, double dt,
                          CirculationState& c) {
  if (!in.cpr || in.cpr_rate_per_min <= 0) {
    c.intrathoracic_mmHg = 0;
    c.compression_elapsed_s = 0;
    return false;
  }
  const double period = 60.0 / in.cpr_rate_per_min;
  c.compression_elapsed_s += dt;
  bool started = false;
  if (c.compression_elapsed_s >= period) {
    c.compression_elapsed_s -= period;
    started = true;
  }
  const double depth = std::clamp(in.cpr_depth_mm, 0.0, kCprMaxEffectiveDepthMm);
  const double peak =
      model.circulation.cpr_pressure_mmHg_per_mm * std::max(depth - kCprSlackDepthMm, 0.0);
  const double half = 0.5 * period;
  if (c.compression_elapsed_s < half) {
    const double s = std::sin(kPi * c.compression_elapsed_s / half);
    c.intrathoracic_mmHg = peak * s * s;
  } else {
    c.intrathoracic_mmHg = 0;
  }
  return started;
}

void substep(const PatientModel& model, const CardiacDrive& drive, double dt, PatientState& s) {
  const CirculationParams& p = model.circulation;
  CirculationState& c = s.circulation;
  Measurement& m = s.measurement;

  const bool beat = advance_beat(drive, dt, c);
  const bool compression = advance_compressions(model, s.interventions, dt, c);
  if (beat || compression || m.window_s >= kMaxWindowS) {
    close_window(m);
    m.beats = (beat || compression) ? 1 : 0;
  }

  const double act = activation(p, c.beat_elapsed_s, c.beat_period_s) * c.contraction_scale;
  const double e_lv =
      p.left.emin_mmHg_per_mL +
      (p.left.emax_mmHg_per_mL * drive.contractility_factor - p.left.emin_mmHg_per_mL) * act;
  const double e_rv =
      p.right.emin_mmHg_per_mL +
      (p.right.emax_mmHg_per_mL * drive.contractility_factor - p.right.emin_mmHg_per_mL) * act;
  const double pt = c.intrathoracic_mmHg;

  c.lv_mmHg = e_lv * (c.lv_mL - p.left.v0_mL) + pt;
  c.rv_mmHg = e_rv * (c.rv_mL - p.right.v0_mL) + pt;
  c.arterial_mmHg = vessel_pressure(p.systemic_arteries, c.systemic_arteries_mL);
  c.venous_mmHg = vessel_pressure(p.systemic_veins, c.systemic_veins_mL, drive.venous_v0_shift_mL);
  c.central_venous_mmHg = vessel_pressure(p.central_veins, c.central_veins_mL) + pt;
  c.pulmonary_arterial_mmHg = vessel_pressure(p.pulmonary_arteries, c.pulmonary_arteries_mL) + pt;
  c.pulmonary_venous_mmHg = vessel_pressure(p.pulmonary_veins, c.pulmonary_veins_mL) + pt;

  const double e_sa = 1.0 / p.systemic_arteries.compliance_mL_per_mmHg;
  const double e_sv = 1.0 / p.systemic_veins.compliance_mL_per_mmHg;
  const double e_cv = 1.0 / p.central_veins.compliance_mL_per_mmHg;
  const double e_pa = 1.0 / p.pulmonary_arteries.compliance_mL_per_mmHg;
  const double e_pv = 1.0 / p.pulmonary_veins.compliance_mL_per_mmHg;

  const double q_aortic =
      valve_flow(c.lv_mmHg, c.arterial_mmHg, p.aortic_valve_mmHg_s_per_mL, e_lv, e_sa, dt);
  const double q_systemic =
      implicit_flow(c.arterial_mmHg, c.venous_mmHg,
                    p.systemic_resistance_mmHg_s_per_mL * drive.resistance_factor, e_sa, e_sv, dt);
  // Venous valves at the thoracic inlet stop blood being squeezed back out
  // of the chest during compressions (Niemann et al. 1981, Circulation 64:985).
  const double q_venous_return =
      valve_flow(c.venous_mmHg, c.central_venous_mmHg, p.venous_return_resistance_mmHg_s_per_mL,
                 e_sv, e_cv, dt);
  const double q_tricuspid =
      valve_flow(c.central_venous_mmHg, c.rv_mmHg, p.tricuspid_valve_mmHg_s_per_mL, e_cv, e_rv, dt);
  const double q_pulmonic = valve_flow(c.rv_mmHg, c.pulmonary_arterial_mmHg,
                                       p.pulmonic_valve_mmHg_s_per_mL, e_rv, e_pa, dt);
  const double q_pulmonary = implicit_flow(c.pulmonary_arterial_mmHg, c.pulmonary_venous_mmHg,
                                           p.pulmonary_resistance_mmHg_s_per_mL, e_pa, e_pv, dt);
  const double q_mitral =
      valve_flow(c.pulmonary_venous_mmHg, c.lv_mmHg, p.mitral_valve_mmHg_s_per_mL, e_pv, e_lv, dt);

  c.lv_mL += dt * (q_mitral - q_aortic);
  c.systemic_arteries_mL += dt * (q_aortic - q_systemic);
  c.systemic_veins_mL += dt * (q_systemic - q_venous_return);
  c.central_veins_mL += dt * (q_venous_return - q_tricuspid);
  c.rv_mL += dt * (q_tricuspid - q_pulmonic);
  c.pulmonary_arteries_mL += dt * (q_pulmonic - q_pulmonary);
  c.pulmonary_veins_mL += dt * (q_pulmonary - q_mitral);

  m.window_s += dt;
  m.max_mmHg = std::max(m.max_mmHg, c.arterial_mmHg);
  m.min_mmHg = std::min(m.min_mmHg, c.arterial_mmHg);
  m.pressure_integral_mmHg_s += c.arterial_mmHg * dt;
  m.venous_pressure_integral_mmHg_s += c.central_venous_mmHg * dt;
  m.aortic_flow_mL += q_aortic * dt;
  m.pulmonary_flow_mL += q_pulmonary * dt;
}

double laid_out_volume_except_veins(const PatientModel& model) {
  const CirculationParams& p = model.circulation;
  return p.systemic_arteries.v0_mL +
         p.systemic_arteries.compliance_mL_per_mmHg * kRestArterial_mmHg +
         p.pulmonary_arteries.v0_mL +
         p.pulmonary_arteries.compliance_mL_per_mmHg * kRestPulmonaryArterial_mmHg +
         p.pulmonary_veins.v0_mL +
         p.pulmonary_veins.compliance_mL_per_mmHg * kRestPulmonaryVenous_mmHg +
         p.central_veins.v0_mL + p.central_veins.compliance_mL_per_mmHg * kRestCentralVenous_mmHg +
         kRestLv_mL + kRestRv_mL;
}

}  // namespace

double resting_venous_v0_mL(const PatientModel& model) {
  const CirculationParams& p = model.circulation;
  return model.blood_volume_mL - laid_out_volume_except_veins(model) -
         p.systemic_veins.compliance_mL_per_mmHg * kRestVenous_mmHg;
}

void init_circulation(const PatientModel& model, PatientState& state) {
  const CirculationParams& p = model.circulation;
  CirculationState& c = state.circulation;
  c.lv_mL = kRestLv_mL;
  c.rv_mL = kRestRv_mL;
  c.systemic_arteries_mL =
      p.systemic_arteries.v0_mL + p.systemic_arteries.compliance_mL_per_mmHg * kRestArterial_mmHg;
  c.pulmonary_arteries_mL =
      p.pulmonary_arteries.v0_mL +
      p.pulmonary_arteries.compliance_mL_per_mmHg * kRestPulmonaryArterial_mmHg;
  c.pulmonary_veins_mL = p.pulmonary_veins.v0_mL +
                         p.pulmonary_veins.compliance_mL_per_mmHg * kRestPulmonaryVenous_mmHg;
  c.central_veins_mL =
      p.central_veins.v0_mL + p.central_veins.compliance_mL_per_mmHg * kRestCentralVenous_mmHg;
  c.systemic_veins_mL = model.blood_volume_mL - laid_out_volume_except_veins(model);
  c.beat_period_s = 60.0 / model.baroreflex.heart_rate_per_min.at_rest;
  c.beat_elapsed_s = 0;
  c.contraction_scale = 1;
  Measurement& m = state.measurement;
  m.systolic_mmHg = 114;
  m.diastolic_mmHg = 74;
  m.map_mmHg = kRestArterial_mmHg;
  m.cvp_mmHg = kRestCentralVenous_mmHg;
  m.cardiac_output_mL_per_s = 5600.0 / 60.0;
  m.pulmonary_flow_mL_per_s = m.cardiac_output_mL_per_s;
  m.stroke_volume_mL = m.cardiac_output_mL_per_s * c.beat_period_s;
}

void step_circulation(const PatientModel& model, const CardiacDrive& drive, PatientState& state) {
  for (int i = 0; i < kCirculationSubsteps; ++i)
    substep(model, drive, kCirculationStepSeconds, state);
}

double blood_volume_mL(const CirculationState& c) {
  return c.lv_mL + c.rv_mL + c.systemic_arteries_mL + c.systemic_veins_mL + c.central_veins_mL +
         c.pulmonary_arteries_mL + c.pulmonary_veins_mL;
}

}  // namespace medvision::physio
