#include "physio/patient_model.h"

#include <cmath>
#include <functional>

#include "physio/circulation.h"

namespace medvision::physio {
namespace {

struct Body {
  double age_years;
  double weight_kg;
  double height_cm;
  bool male;
};

// Nadler, Hidalgo & Bloch 1962, Surgery 51:224: blood volume (L) from
// height (m) and weight (kg), separate male and female coefficients.
double nadler_blood_volume_mL(const Body& b) {
  const double h = b.height_cm / 100.0;
  const double litres = b.male ? 0.3669 * h * h * h + 0.03219 * b.weight_kg + 0.6041
                               : 0.3561 * h * h * h + 0.03308 * b.weight_kg + 0.1833;
  return litres * 1000.0;
}

CirculationParams standard_circulation() {
  CirculationParams c;
  // Elastances and compliances in the range of Ursino 1998 (Am J Physiol 275:H1733,
  // Table 1) and Smith et al. 2004 (Med Eng Phys 26:131), lumped into six
  // compartments and tuned so the standard male rests at the Pulse/BioGears
  // validation values (HR 72, 114/74 mmHg, CO 5.6 L/min, CVP ~4 mmHg).
  c.left = {4.0, 0.05, 15.0};
  c.right = {0.75, 0.035, 15.0};
  c.systemic_arteries = {1.6, 700.0};
  c.systemic_veins = {130.0, 0.0};  // v0 is set from the blood volume below
  c.central_veins = {15.0, 120.0};
  c.pulmonary_arteries = {3.5, 110.0};
  c.pulmonary_veins = {18.0, 260.0};
  c.systemic_resistance_mmHg_s_per_mL = 0.90;
  // Guyton's venous return: (mean systemic filling ~7 mmHg - CVP ~4) / 5.6 L/min.
  c.venous_return_resistance_mmHg_s_per_mL = 0.032;
  c.pulmonary_resistance_mmHg_s_per_mL = 0.08;
  c.aortic_valve_mmHg_s_per_mL = 0.006;
  c.mitral_valve_mmHg_s_per_mL = 0.005;
  c.pulmonic_valve_mmHg_s_per_mL = 0.003;
  c.tricuspid_valve_mmHg_s_per_mL = 0.004;
  c.cpr_pressure_mmHg_per_mm = 1.0;
  return c;
}

BaroreflexParams standard_baroreflex() {
  BaroreflexParams b;
  b.setpoint_map_mmHg = 88.5;
  b.afferent_time_constant_s = 1.5;
  // Effector time constants after Ursino 1998: heart period ~2 s,
  // contractility 8 s, resistance 6 s, unstressed venous volume 20 s.
  // Vessels respond more steeply than heart rate, so that blood pressure
  // holds while heart rate climbs through ATLS classes I-II.
  b.heart_rate_per_min = {165.0, 40.0, 72.0, 2.0, 14.0};
  b.contractility_factor = {1.8, 0.7, 1.0, 8.0, 9.0};
  b.resistance_factor = {2.0, 0.6, 1.0, 6.0, 9.0};
  b.venous_v0_shift_mL = {-1100.0, 400.0, 0.0, 20.0, 9.0};
  return b;
}

RespirationParams standard_respiration(const Body& body) {
  RespirationParams r;
  r.frc_mL = 30.0 * body.weight_kg;
  r.dead_space_mL = 2.2 * body.weight_kg;  // Radford 1955: ~1 mL per lb body weight
  r.rest_rate_per_min = 12.0;
  r.rest_tidal_volume_mL = 7.0 * body.weight_kg;
  r.shunt_fraction = 0.02;
  // Resting VO2 250 mL/min at 77 kg, scaled by Kleiber's 3/4 power of weight.
  r.vo2_mL_per_min = 250.0 * std::pow(body.weight_kg / 77.0, 0.75);
  r.respiratory_quotient = 0.8;
  r.haemoglobin_g_per_dL = body.male ? 15.0 : 13.5;
  // Apnoeic PaCO2 rises ~3-4 mmHg/min (Eger & Severinghaus 1961): CO2
  // production 200 mL/min over ~50 mL/mmHg of fast CO2 stores.
  r.tissue_co2_capacity_mL_per_mmHg = 50.0;
  r.venous_o2_store_mL = 3000.0;
  // CO2 response ~2 L/min per mmHg (Read 1967 rebreathing) over a resting VE of ~6.5 L/min.
  r.co2_response_per_mmHg = 0.3;
  r.hypoxic_response = 15.0;
  return r;
}

PatientModel build(const std::string& preset, const Body& body) {
  PatientModel m;
  m.preset = preset;
  m.age_years = body.age_years;
  m.weight_kg = body.weight_kg;
  m.height_cm = body.height_cm;
  m.blood_volume_mL = nadler_blood_volume_mL(body);
  m.haematocrit = body.male ? 0.45 : 0.40;
  m.circulation = standard_circulation();
  m.baroreflex = standard_baroreflex();
  m.respiration = standard_respiration(body);
  return m;
}

struct Modification {
  const char* name;
  double lo;
  double hi;
  std::function<void(PatientModel&, double)> apply;
};

const std::vector<Modification>& modifications_table() {
  static const std::vector<Modification> table = {
      {"blood_volume_mL", 2000, 9000, [](PatientModel& m, double v) { m.blood_volume_mL = v; }},
      {"haemoglobin_g_per_dL", 4, 22,
       [](PatientModel& m, double v) { m.respiration.haemoglobin_g_per_dL = v; }},
      {"shunt_fraction", 0, 0.6,
       [](PatientModel& m, double v) { m.respiration.shunt_fraction = v; }},
      {"heart_rate_per_min", 40, 140,
       [](PatientModel& m, double v) { m.baroreflex.heart_rate_per_min.at_rest = v; }},
      {"respiration_rate_per_min", 6, 40,
       [](PatientModel& m, double v) { m.respiration.rest_rate_per_min = v; }},
      {"contractility_factor", 0.2, 2.0,
       [](PatientModel& m, double v) {
         m.circulation.left.emax_mmHg_per_mL *= v;
         m.circulation.right.emax_mmHg_per_mL *= v;
       }},
      {"systemic_resistance_factor", 0.3, 3.0,
       [](PatientModel& m, double v) { m.circulation.systemic_resistance_mmHg_s_per_mL *= v; }},
      {"vo2_mL_per_min", 100, 1500,
       [](PatientModel& m, double v) { m.respiration.vo2_mL_per_min = v; }},
      {"seed", 0, 1.8e19,
       [](PatientModel& m, double v) { m.seed = static_cast<std::uint64_t>(v); }},
  };
  return table;
}

}  // namespace

std::vector<std::string> patient_presets() { return {"standard-male", "standard-female"}; }

std::vector<std::string> patient_modifications() {
  std::vector<std::string> names{"age_years", "weight_kg", "height_cm"};
  for (const auto& mod : modifications_table()) names.emplace_back(mod.name);
  return names;
}

Result<PatientModel> make_patient(std::string_view preset,
                                  const std::map<std::string, double>& modifications) {
  Body body{};
  // Pulse Physiology Engine's StandardMale: 44 y, 77 kg, 180 cm.
  if (preset == "standard-male") {
    body = {44.0, 77.0, 180.0, true};
  } else if (preset == "standard-female") {
    body = {44.0, 65.0, 165.0, false};
  } else {
    return make_error(ErrorCode::invalid_input, "unknown patient preset '" + std::string(preset) +
                                                    "'; expected standard-male or standard-female");
  }
  for (const auto& [name, value] : modifications) {
    if (!std::isfinite(value)) {
      return make_error(ErrorCode::invalid_input,
                        "patient modification `" + name + "` must be a finite number");
    }
  }
  // Body size first: blood volume, ventilation and metabolism scale with it.
  const auto body_field = [&](const char* name, double lo, double hi, double& field) -> Status {
    const auto it = modifications.find(name);
    if (it == modifications.end()) return {};
    if (it->second < lo || it->second > hi) {
      return make_error(ErrorCode::invalid_input, std::string("patient modification `") + name +
                                                      "` must be between " + std::to_string(lo) +
                                                      " and " + std::to_string(hi));
    }
    field = it->second;
    return {};
  };
  MV_TRY(body_field("age_years", 18, 100, body.age_years));
  MV_TRY(body_field("weight_kg", 35, 200, body.weight_kg));
  MV_TRY(body_field("height_cm", 130, 220, body.height_cm));
  PatientModel model = build(std::string(preset), body);

  for (const auto& [name, value] : modifications) {
    if (name == "age_years" || name == "weight_kg" || name == "height_cm") continue;
    const Modification* found = nullptr;
    for (const auto& mod : modifications_table()) {
      if (name == mod.name) found = &mod;
    }
    if (found == nullptr) {
      std::string known;
      for (const auto& n : patient_modifications()) known += (known.empty() ? "" : ", ") + n;
      return make_error(ErrorCode::invalid_input,
                        "unknown patient modification `" + name + "`; expected one of " + known);
    }
    if (value < found->lo || value > found->hi) {
      return make_error(ErrorCode::invalid_input,
                        "patient modification `" + name + "` must be between " +
                            std::to_string(found->lo) + " and " + std::to_string(found->hi));
    }
    found->apply(model, value);
  }
  model.circulation.systemic_veins.v0_mL = resting_venous_v0_mL(model);
  return model;
}

}  // namespace medvision::physio
