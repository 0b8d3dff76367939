#include "scenario/emergency_catalog.h"

namespace medvision::scenario {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

SignalSpec number_signal(std::string name, double min, double max, std::string unit) {
  SignalSpec s;
  s.name = std::move(name);
  s.type = ValueType::number;
  s.min = min;
  s.max = max;
  s.unit = std::move(unit);
  return s;
}

const std::vector<std::string> kDrugs = {"epinephrine", "amiodarone", "lidocaine"};
const std::vector<std::string> kFluids = {"crystalloid", "blood"};
const std::vector<std::string> kAirway = {"open", "obstructed", "bag_valve_mask", "intubated"};
// The Hs and Ts of the AHA 2020 adult cardiac arrest algorithm.
const std::vector<std::string> kCauses = {
    "none",         "hypovolaemia",         "hypoxia",
    "hydrogen_ion", "hypokalaemia",         "hyperkalaemia",
    "hypothermia",  "tension_pneumothorax", "tamponade",
    "toxins",       "thrombosis_pulmonary", "thrombosis_coronary"};
// START triage categories (Benson, Koenig & Schultz 1996).
const std::vector<std::string> kTriageTags = {"minor", "delayed", "immediate", "expectant"};

std::vector<ActionSpec> actions() {
  return {
      {"haemorrhage",
       {number_param("rate_mL_per_min", 0, 5000, "mL/min"), optional_param(string_param("site"))}},
      {"give_fluid",
       {enum_param("fluid", kFluids), number_param("volume_mL", 1, 5000, "mL"),
        number_param("rate_mL_per_min", 1, 1000, "mL/min", false)}},
      {"give_drug", {enum_param("drug", kDrugs), number_param("dose_mg", 0, 1000, "mg")}},
      {"set_fio2", {number_param("fraction", 0.21, 1.0)}},
      {"set_ventilation",
       {number_param("rate_per_min", 0, 60, "/min"),
        number_param("tidal_volume_mL", 0, 1500, "mL")}},
      {"cpr",
       {bool_param("on"), number_param("depth_mm", 0, 100, "mm", false),
        number_param("rate_per_min", 0, 200, "/min", false)}},
      {"shock", {number_param("energy_J", 1, 400, "J")}},
      {"set_rhythm", {enum_param("rhythm", emergency_rhythms())}},
      {"set_airway", {enum_param("state", kAirway)}},
  };
}

std::vector<EventSpec> events() {
  const auto site = optional_param(string_param("site"));
  return {
      {"shock_delivered", {number_param("energy_J", 1, 400, "J")}},
      {"drug_given", {enum_param("drug", kDrugs), number_param("dose_mg", 0, 1000, "mg")}},
      {"fluid_given", {enum_param("fluid", kFluids), number_param("volume_mL", 1, 5000, "mL")}},
      {"compressions_started", {}},
      {"compressions_stopped", {}},
      {"compression",
       {number_param("depth_mm", 0, 100, "mm"), number_param("rate_per_min", 0, 300, "/min")}},
      {"shock_recognised", {}},
      {"rhythm_checked", {}},
      {"pulse_checked", {}},
      {"rhythm_changed", {enum_param("rhythm", emergency_rhythms())}},
      {"access_obtained", {enum_param("route", {"iv", "io"})}},
      {"airway_changed", {enum_param("state", kAirway)}},
      {"oxygen_applied", {number_param("fraction", 0.21, 1.0)}},
      {"ventilation_given", {}},
      {"cause_treated", {enum_param("cause", kCauses)}},
      {"tourniquet_applied", {site}},
      {"pressure_applied", {site}},
      {"wound_packed", {site}},
      {"bleeding_controlled", {site}},
      {"airway_repositioned", {string_param("patient")}},
      {"patient_tagged", {string_param("patient"), enum_param("tag", kTriageTags)}},
      {"role_assigned", {string_param("role"), number_param("participant", 1, kInf)}},
  };
}

std::vector<SignalSpec> signals() {
  SignalSpec rhythm;
  rhythm.name = "rhythm";
  rhythm.type = ValueType::enumeration;
  rhythm.values = emergency_rhythms();
  // Ranges are what a body can show, not normal ranges: they only refuse
  // comparisons that could never be true.
  return {
      number_signal("heart_rate_per_min", 0, 350, "/min"),
      number_signal("systolic_mmHg", 0, 300, "mmHg"),
      number_signal("diastolic_mmHg", 0, 250, "mmHg"),
      number_signal("map_mmHg", 0, 250, "mmHg"),
      number_signal("cardiac_output_L_per_min", 0, 40, "L/min"),
      number_signal("stroke_volume_mL", 0, 250, "mL"),
      number_signal("cvp_mmHg", -20, 50, "mmHg"),
      number_signal("respiration_rate_per_min", 0, 80, "/min"),
      number_signal("tidal_volume_mL", 0, 3000, "mL"),
      number_signal("spo2", 0, 100, "%"),
      number_signal("etco2_mmHg", 0, 150, "mmHg"),
      number_signal("pao2_mmHg", 0, 760, "mmHg"),
      number_signal("paco2_mmHg", 0, 200, "mmHg"),
      number_signal("blood_volume_mL", 0, 15000, "mL"),
      number_signal("blood_loss_fraction", 0, 1, ""),
      rhythm,
  };
}

std::vector<ParamSpec> patient_settings() {
  return {
      number_param("age_y", 0, 120, "years"),
      number_param("weight_kg", 1, 300, "kg"),
      number_param("height_cm", 40, 250, "cm"),
      enum_param("rhythm", emergency_rhythms()),
      enum_param("airway", kAirway),
      enum_param("cause", kCauses),
      number_param("blood_loss_fraction", 0, 0.7),
      number_param("haemorrhage_rate_mL_per_min", 0, 5000, "mL/min"),
      string_param("haemorrhage_site"),
      number_param("fio2", 0.21, 1.0),
      number_param("potassium_mmol_per_L", 1, 10, "mmol/L"),
      number_param("temperature_C", 15, 43, "C"),
      string_param("injuries"),
      // START findings (Benson, Koenig & Schultz 1996), as the trainee finds them.
      bool_param("walking"),
      bool_param("breathing"),
      bool_param("breathing_after_airway"),
      number_param("respiration_rate_per_min", 0, 80, "/min"),
      bool_param("radial_pulse"),
      number_param("capillary_refill_s", 0, 10, "s"),
      bool_param("obeys_commands"),
  };
}

}  // namespace

const std::vector<std::string>& emergency_rhythms() {
  static const std::vector<std::string> kRhythms = {
      "normal_sinus", "sinus_tachycardia", "vf_coarse", "vf_fine", "pulseless_vt", "pea", "asystole"};
  return kRhythms;
}

Catalog emergency_catalog() {
  Catalog c;
  c.module = "emergency";
  c.actions = actions();
  c.events = events();
  c.signals = signals();
  c.patient_presets = {"standard-male", "standard-female"};
  c.patient_settings = patient_settings();
  c.patient_expected = {enum_param("tag", kTriageTags)};
  return c;
}

}  // namespace medvision::scenario
