#include "modules/emergency/monitor_display.h"

#include "physio/rhythm.h"

namespace medvision::emergency {
namespace {

nlohmann::json or_null(std::optional<double> v) { return v ? nlohmann::json(*v) : nullptr; }

}  // namespace

nlohmann::json MonitorDisplay::sample(const physio::Vitals& v, const physio::PatientState& s,
                                      double t_s) {
  using nlohmann::json;
  const bool perfusing = physio::is_perfusing(v.rhythm);
  if (!perfusing && (!arrest_onset_s_ || rosc_at_s_)) {
    if (!arrest_onset_s_) arrest_onset_s_ = t_s;
    rosc_at_s_.reset();  // a re-arrest: the code timer runs on from the first onset
  }
  if (perfusing && arrest_onset_s_ && !rosc_at_s_) rosc_at_s_ = t_s;
  if (s.interventions.cpr) {
    if (!cpr_started_s_) cpr_started_s_ = t_s;
  } else {
    cpr_started_s_.reset();
  }
  if (t_s >= next_nibp_s_) {
    NibpReading r;
    r.measured_at_s = t_s;
    r.failed = !perfusing;
    r.systolic_mmHg = v.systolic_mmHg;
    r.diastolic_mmHg = v.diastolic_mmHg;
    r.map_mmHg = v.map_mmHg;
    nibp_ = r;
    next_nibp_s_ = t_s + kNibpCycle_s;
  }

  const bool qrs = v.rhythm != physio::Rhythm::vf_coarse && v.rhythm != physio::Rhythm::vf_fine &&
                   v.rhythm != physio::Rhythm::asystole;
  const double ventilated = s.interventions.ventilation_rate_per_min;
  std::optional<double> rr;
  if (ventilated > 0) {
    rr = ventilated;
  } else if (perfusing) {
    rr = v.respiration_rate_per_min;
  } else {
    rr = 0.0;  // apnoea: no spontaneous breathing in arrest
  }
  json nibp = nullptr;
  if (nibp_ && !nibp_->failed) {
    nibp = {{"systolic_mmHg", nibp_->systolic_mmHg},
            {"diastolic_mmHg", nibp_->diastolic_mmHg},
            {"map_mmHg", nibp_->map_mmHg},
            {"measured_at_s", nibp_->measured_at_s}};
  }
  std::optional<double> code;
  if (arrest_onset_s_) code = (rosc_at_s_ ? *rosc_at_s_ : t_s) - *arrest_onset_s_;
  return {{"heart_rate_per_min", qrs ? json(v.heart_rate_per_min) : json(nullptr)},
          {"spo2_pct", perfusing ? json(100.0 * v.spo2) : json(nullptr)},
          {"respiration_rate_per_min", or_null(rr)},
          {"nibp", nibp},
          {"nibp_failed_at_s", nibp_ && nibp_->failed ? json(nibp_->measured_at_s) : json(nullptr)},
          {"code_time_s", or_null(code)},
          {"cpr_cycle_s", cpr_started_s_ ? json(t_s - *cpr_started_s_) : json(nullptr)},
          {"shocks", s.electrical.shocks}};
}

}  // namespace medvision::emergency
