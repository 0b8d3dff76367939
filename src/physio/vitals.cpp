#include "physio/vitals.h"

#include <array>

#include "physio/blood_volume.h"
#include "physio/circulation.h"

namespace medvision::physio {
namespace {

// Sinus tachycardia is a sinus rhythm faster than 100/min.
constexpr double kTachycardiaPerMin = 100.0;
// A pulse oximeter needs a pulse: without one it shows no reading.
constexpr double kOximeterMinPulsePressure_mmHg = 10.0;

struct Column {
  const char* name;
  double Vitals::*field;
};

constexpr std::array<Column, 16> kColumns = {{
    {"heart_rate_per_min", &Vitals::heart_rate_per_min},
    {"systolic_mmHg", &Vitals::systolic_mmHg},
    {"diastolic_mmHg", &Vitals::diastolic_mmHg},
    {"map_mmHg", &Vitals::map_mmHg},
    {"cardiac_output_L_per_min", &Vitals::cardiac_output_L_per_min},
    {"stroke_volume_mL", &Vitals::stroke_volume_mL},
    {"cvp_mmHg", &Vitals::cvp_mmHg},
    {"respiration_rate_per_min", &Vitals::respiration_rate_per_min},
    {"tidal_volume_mL", &Vitals::tidal_volume_mL},
    {"spo2", &Vitals::spo2},
    {"etco2_mmHg", &Vitals::etco2_mmHg},
    {"pao2_mmHg", &Vitals::pao2_mmHg},
    {"paco2_mmHg", &Vitals::paco2_mmHg},
    {"blood_volume_mL", &Vitals::blood_volume_mL},
    {"haemoglobin_g_per_dL", &Vitals::haemoglobin_g_per_dL},
    {"time_s", &Vitals::time_s},
}};

}  // namespace

Vitals read_vitals(const PatientModel& model, const PatientState& state) {
  const Measurement& m = state.measurement;
  const RespirationState& r = state.respiration;
  const ElectricalState& e = state.electrical;
  Vitals v;
  v.time_s = state.time_s;
  const bool organised =
      e.rhythm != Rhythm::vf_coarse && e.rhythm != Rhythm::vf_fine && e.rhythm != Rhythm::asystole;
  v.heart_rate_per_min = organised ? 60.0 / state.circulation.beat_period_s : 0.0;
  v.systolic_mmHg = m.systolic_mmHg;
  v.diastolic_mmHg = m.diastolic_mmHg;
  v.map_mmHg = m.map_mmHg;
  v.cardiac_output_L_per_min = m.cardiac_output_mL_per_s * 60.0 / 1000.0;
  v.stroke_volume_mL = m.stroke_volume_mL;
  v.cvp_mmHg = m.cvp_mmHg;
  v.respiration_rate_per_min = r.rate_per_min;
  v.tidal_volume_mL = r.tidal_volume_mL;
  v.spo2 = m.systolic_mmHg - m.diastolic_mmHg >= kOximeterMinPulsePressure_mmHg
               ? r.arterial_o2_saturation
               : 0.0;
  v.etco2_mmHg = r.etco2_mmHg;
  v.pao2_mmHg = r.arterial_o2_mmHg;
  v.paco2_mmHg = r.arterial_co2_mmHg;
  v.blood_volume_mL = blood_volume_mL(state.circulation);
  v.haemoglobin_g_per_dL = haemoglobin_g_per_dL(model, state);
  v.ecg_mV = e.ecg_mV;
  v.rhythm = e.rhythm;
  if (is_sinus(e.rhythm)) {
    v.rhythm = v.heart_rate_per_min > kTachycardiaPerMin ? Rhythm::sinus_tachycardia
                                                         : Rhythm::normal_sinus;
  }
  return v;
}

const std::vector<std::string>& vital_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& c : kColumns) {
      if (std::string_view(c.name) != "time_s") n.emplace_back(c.name);
    }
    return n;
  }();
  return names;
}

Result<double> vital_by_name(const Vitals& vitals, std::string_view name) {
  for (const auto& c : kColumns) {
    if (name == c.name) return vitals.*(c.field);
  }
  if (name == "spo2_percent") return vitals.spo2 * 100.0;
  if (name == "rhythm") {
    return make_error(ErrorCode::invalid_input,
                      "vital `rhythm` is not a number; compare Vitals::rhythm by name");
  }
  std::string known;
  for (const auto& n : vital_names()) known += (known.empty() ? "" : ", ") + n;
  return make_error(ErrorCode::not_found,
                    "unknown vital '" + std::string(name) + "'; expected one of " + known);
}

}  // namespace medvision::physio
