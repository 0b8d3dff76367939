#include "physio/baroreflex.h"

#include <cmath>

namespace medvision::physio {
namespace {

double lag(double value, double target, double time_constant_s) {
  return value + (target - value) * (kStepSeconds / time_constant_s);
}

}  // namespace

// Kent et al. 1972 (Cardiology 57:295) four-parameter logistic, centred so
// that the effector sits at its resting value when pressure is at setpoint.
double baro_target(const BaroEffector& e, double setpoint_mmHg, double pressure_mmHg) {
  const double span = e.low_p - e.high_p;
  const double ratio = span / (e.at_rest - e.high_p) - 1.0;  // exp((P_set - P_mid) / slope)
  const double x = (pressure_mmHg - setpoint_mmHg) / e.slope_mmHg + std::log(ratio);
  return e.high_p + span / (1.0 + std::exp(x));
}

void init_baroreflex(const PatientModel& model, PatientState& state) {
  const BaroreflexParams& b = model.baroreflex;
  BaroreflexState& s = state.baroreflex;
  s.sensed_map_mmHg = b.setpoint_map_mmHg;
  s.heart_rate_per_min = b.heart_rate_per_min.at_rest;
  s.contractility_factor = b.contractility_factor.at_rest;
  s.resistance_factor = b.resistance_factor.at_rest;
  s.venous_v0_shift_mL = b.venous_v0_shift_mL.at_rest;
}

void step_baroreflex(const PatientModel& model, PatientState& state) {
  const BaroreflexParams& b = model.baroreflex;
  BaroreflexState& s = state.baroreflex;
  s.sensed_map_mmHg =
      lag(s.sensed_map_mmHg, state.circulation.arterial_mmHg, b.afferent_time_constant_s);
  const double p = s.sensed_map_mmHg;
  const auto update = [&](const BaroEffector& e, double& value) {
    value = lag(value, baro_target(e, b.setpoint_map_mmHg, p), e.time_constant_s);
  };
  update(b.heart_rate_per_min, s.heart_rate_per_min);
  update(b.contractility_factor, s.contractility_factor);
  update(b.resistance_factor, s.resistance_factor);
  update(b.venous_v0_shift_mL, s.venous_v0_shift_mL);
}

}  // namespace medvision::physio
