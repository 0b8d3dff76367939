#include "modules/emergency/emergency_catalog.h"

#include <limits>

#include "physio/drugs.h"
#include "physio/interventions.h"
#include "physio/patient_state.h"
#include "physio/rhythm.h"

namespace medvision::emergency {
namespace {

using scenario::ActionSpec;
using scenario::bool_param;
using scenario::enum_param;
using scenario::EventSpec;
using scenario::MetricSpec;
using scenario::number_param;
using scenario::number_signal;
using scenario::optional_param;
using scenario::ParamSpec;
using scenario::SignalSpec;
using scenario::string_param;
using scenario::ValueType;

constexpr double kInf = std::numeric_limits<double>::infinity();

template <class Enum>
std::vector<std::string> names_of(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i)
    out.emplace_back(physio::to_string(static_cast<Enum>(static_cast<std::uint8_t>(i))));
  return out;
}

const std::vector<std::string>& drugs() {
  static const auto kNames = names_of<physio::Drug>(physio::kDrugCount);
  return kNames;
}
const std::vector<std::string>& fluids() {
  static const auto kNames = names_of<physio::Fluid>(physio::kFluidCount);
  return kNames;
}
const std::vector<std::string>& airways() {
  static const auto kNames = names_of<physio::Airway>(physio::kAirwayCount);
  return kNames;
}

// The Hs and Ts of the AHA 2020 adult cardiac arrest algorithm.
const std::vector<std::string> kCauses = {
    "none",         "hypovolaemia",         "hypoxia",
    "hydrogen_ion", "hypokalaemia",         "hyperkalaemia",
    "hypothermia",  "tension_pneumothorax", "tamponade",
    "toxins",       "thrombosis_pulmonary", "thrombosis_coronary"};
// START triage categories (Benson, Koenig & Schultz 1996).
const std::vector<std::string> kTriageTags = {"minor", "delayed", "immediate", "expectant"};
const std::vector<std::string> kBleedingSites = {"left_thigh", "right_thigh", "left_arm",
                                                 "right_arm", "wound"};

ParamSpec labelled(ParamSpec p, std::string label, std::optional<scenario::Value> fallback = {},
                   double step = 0) {
  p.label = std::move(label);
  p.default_value = std::move(fallback);
  p.step = step;
  return p;
}

ActionSpec action(std::string name, std::vector<ParamSpec> params, std::string label = {},
                  std::string group = {}, std::string needs = {}) {
  ActionSpec a;
  a.name = std::move(name);
  a.params = std::move(params);
  a.label = std::move(label);
  a.group = std::move(group);
  a.needs = std::move(needs);
  return a;
}

// Parameters that a participant's action and a scenario's action share.
std::vector<ParamSpec> fluid_params() {
  return {
      labelled(enum_param("fluid", fluids()), "fluid", scenario::Value(std::string("crystalloid"))),
      labelled(number_param("volume_mL", 1, 5000, "mL"), "volume", 500.0, 50),
      labelled(number_param("rate_mL_per_min", 1, 2000, "mL/min", false), "rate", 200.0, 10)};
}
std::vector<ParamSpec> drug_params() {
  ParamSpec dose = labelled(number_param("dose_mg", 0, 1000, "mg"), "dose", 1.0, 0.1);
  // The usual adult dose in cardiac arrest (AHA 2020): epinephrine 1 mg,
  // amiodarone 300 mg first dose, lidocaine 1-1.5 mg/kg (100 mg).
  dose.suggest_from = "drug";
  dose.suggestions = {{"epinephrine", 1}, {"amiodarone", 300}, {"lidocaine", 100}};
  return {
      labelled(enum_param("drug", drugs()), "drug", scenario::Value(std::string("epinephrine"))),
      dose};
}
std::vector<ParamSpec> shock_params() {
  return {labelled(number_param("energy_J", 1, 400, "J"), "energy", 200.0, 1)};
}

ParamSpec site_param() {
  ParamSpec p =
      labelled(optional_param(string_param("site")), "site", scenario::Value(std::string("wound")));
  p.choices = kBleedingSites;  // suggestions: a site may be any text
  return p;
}

// A boolean shown as a choice between two words (true first).
ParamSpec switch_param(std::string name, std::string label, std::string on, std::string off) {
  ParamSpec p = labelled(bool_param(std::move(name)), std::move(label), true);
  p.choice_labels = {std::move(on), std::move(off)};
  return p;
}

ParamSpec choices_from(ParamSpec p, std::string from, std::string label) {
  p.choices_from = std::move(from);
  p.label = std::move(label);
  return p;
}

std::vector<ActionSpec> participant_actions() {
  ParamSpec airway = labelled(enum_param("state", {"open", "bag_valve_mask", "intubated"}),
                              "airway", scenario::Value(std::string("bag_valve_mask")));
  airway.choice_labels = {"open (head tilt)", "bag-valve-mask", "intubate"};
  ParamSpec route = labelled(enum_param("route", {"iv", "io"}, false), "route",
                             scenario::Value(std::string("iv")));
  route.choice_labels = {"IV", "IO"};
  const ParamSpec casualty = choices_from(string_param("patient"), "casualties", "casualty");
  std::vector<std::string> causes(kCauses.begin() + 1, kCauses.end());
  return {
      action("assign_role", {choices_from(string_param("role"), "roles", "role")}, "Take role",
             "team"),
      action("compressions",
             {switch_param("on", "compressions", "start", "stop"),
              labelled(number_param("depth_mm", 0, 100, "mm", false), "depth", 55.0, 1),
              labelled(number_param("rate_per_min", 1, 200, "/min", false), "rate", 110.0, 1)},
             "Compressions", "cpr", "patient"),
      action("shock", shock_params(), "Shock", "cpr", "patient"),
      action("rhythm_check", {}, "Rhythm check", "cpr", "patient"),
      action("pulse_check", {}, "Pulse check", "cpr", "patient"),
      action("airway", {airway}, "Airway", "airway", "patient"),
      action("oxygen", {labelled(number_param("fraction", 0.21, 1.0), "FiO₂", 1.0, 0.01)}, "Oxygen",
             "airway", "patient"),
      action("ventilate",
             {labelled(number_param("rate_per_min", 0, 60, "/min", false), "rate", 10.0, 1),
              labelled(number_param("tidal_volume_mL", 0, 1500, "mL", false), "volume", 500.0, 10)},
             "Ventilate", "airway", "patient"),
      action("access", {route}, "IV/IO access", "circulation"),
      action("give_drug", drug_params(), "Give drug", "circulation", "patient"),
      action("give_fluid", fluid_params(), "Give fluid", "circulation", "patient"),
      action("treat_cause", {labelled(enum_param("cause", causes), "cause")}, "Treat cause",
             "circulation"),
      action("recognise_shock", {}, "Recognise shock", "circulation"),
      action("pressure", {site_param()}, "Direct pressure", "haemorrhage", "patient"),
      action("tourniquet", {site_param()}, "Tourniquet", "haemorrhage", "patient"),
      action("pack_wound", {site_param()}, "Pack wound", "haemorrhage", "patient"),
      action("control_bleeding", {site_param()}, "Control bleeding", "haemorrhage", "patient"),
      action("tag",
             {casualty, labelled(enum_param("tag", kTriageTags), "tag",
                                 scenario::Value(std::string("immediate")))},
             "Tag", "triage", "casualties"),
      action("reposition_airway", {casualty}, "Reposition airway", "triage", "casualties"),
  };
}

std::vector<ActionSpec> scenario_actions() {
  return {
      action("haemorrhage", {number_param("rate_mL_per_min", 0, 5000, "mL/min"),
                             optional_param(string_param("site"))}),
      action("give_fluid", fluid_params()),
      action("give_drug", drug_params()),
      action("set_fio2", {number_param("fraction", 0.21, 1.0)}),
      action("set_ventilation", {number_param("rate_per_min", 0, 60, "/min"),
                                 number_param("tidal_volume_mL", 0, 1500, "mL")}),
      action("cpr", {bool_param("on"),
                     labelled(number_param("depth_mm", 0, 100, "mm", false), "depth", 55.0),
                     labelled(number_param("rate_per_min", 0, 200, "/min", false), "rate", 110.0)}),
      action("shock", shock_params()),
      action("set_rhythm", {enum_param("rhythm", rhythm_names())}),
      action("set_airway", {enum_param("state", airways())}),
  };
}

std::vector<EventSpec> events() {
  const auto site = optional_param(string_param("site"));
  return {
      {"shock_delivered", {number_param("energy_J", 1, 400, "J")}},
      {"drug_given", {enum_param("drug", drugs()), number_param("dose_mg", 0, 1000, "mg")}},
      {"fluid_given", {enum_param("fluid", fluids()), number_param("volume_mL", 1, 5000, "mL")}},
      {"compressions_started", {}},
      {"compressions_stopped", {}},
      {"compression",
       {number_param("depth_mm", 0, 100, "mm"), number_param("rate_per_min", 0, 300, "/min")}},
      {"shock_recognised", {}},
      {"rhythm_checked", {}},
      {"pulse_checked", {}},
      {"rhythm_changed", {enum_param("rhythm", rhythm_names())}},
      {"access_obtained", {enum_param("route", {"iv", "io"})}},
      {"airway_changed", {enum_param("state", airways())}},
      {"oxygen_applied", {number_param("fraction", 0.21, 1.0)}},
      {"ventilation_given", {}},
      {"cause_treated", {enum_param("cause", kCauses)}},
      {"tourniquet_applied", {site}},
      {"drug_not_indicated",
       {enum_param("drug", drugs()), number_param("dose_mg", 0, 1000, "mg"),
        string_param("reason")}},
      {"drug_dose_wrong",
       {enum_param("drug", drugs()), number_param("dose_mg", 0, 1000, "mg"),
        number_param("expected_mg", 0, 1000, "mg"), string_param("reason")}},
      {"intervention_misplaced",
       {string_param("action"), string_param("site"), string_param("wound_site")}},
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
  rhythm.values = rhythm_names();
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
      enum_param("rhythm", rhythm_names()),
      // A shockable rhythm that shocks do not end: the scenario sets the next
      // rhythm (a megacode; docs/emergency.md, "Refractory VF").
      bool_param("refractory_vf"),
      enum_param("airway", airways()),
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

// What emergency_metrics() computes (emergency_assessment.cpp, src/assess/team_metrics).
std::vector<MetricSpec> metrics() {
  return {
      {"amiodarone_after_third_shock", "count", "Amiodarone after the third shock"},
      {"actions_outside_role_count", "count", "Actions outside the member's role"},
      {"amiodarone_dose_errors_count", "count", "Amiodarone dose errors"},
      {"arrest_duration_s", "s", "Arrest duration"},
      {"atls_class_at_end", "class", "ATLS haemorrhage class at the end"},
      {"blood_volume_given_mL", "mL", "Blood given"},
      {"compression_depth_in_target_pct", "%", "Compressions at target depth"},
      {"compression_fraction_pct", "%", "Chest compression fraction"},
      {"compression_rate_in_target_pct", "%", "Compressions at target rate"},
      {"crystalloid_volume_mL", "mL", "Crystalloid given"},
      {"drug_errors_count", "count", "Drugs not indicated or at the wrong dose"},
      {"epinephrine_doses_count", "count", "Epinephrine doses"},
      {"epinephrine_interval_max_s", "s", "Longest interval between epinephrine doses"},
      {"epinephrine_interval_violations_count", "count", "Epinephrine interval violations"},
      {"longest_pause_s", "s", "Longest pause in compressions"},
      {"max_atls_class", "class", "Worst ATLS haemorrhage class"},
      {"max_blood_loss_pct", "%", "Greatest blood loss"},
      {"misplaced_interventions_count", "count", "Bleeding control on the wrong site"},
      {"mean_time_per_patient_s", "s", "Mean time per casualty"},
      {"over_triage_count", "count", "Over-triaged casualties"},
      {"patients_tagged_count", "count", "Casualties tagged"},
      {"pauses_over_10s_count", "count", "Pauses over 10 s"},
      {"role_coverage_pct", "%", "Roles covered"},
      {"rosc", "count", "Return of spontaneous circulation"},
      {"shocks_count", "count", "Shocks"},
      {"time_to_blood_s", "s", "Time to blood"},
      {"time_to_first_compression_s", "s", "Time to first compression"},
      {"time_to_first_epinephrine_s", "s", "Time to first epinephrine"},
      {"time_to_first_shock_s", "s", "Time to first shock"},
      {"time_to_haemorrhage_control_s", "s", "Time to haemorrhage control"},
      {"time_to_shock_recognition_s", "s", "Time to recognising shock"},
      {"time_to_tourniquet_s", "s", "Time to tourniquet"},
      {"triage_accuracy_pct", "%", "Triage accuracy"},
      {"triage_correct_count", "count", "Casualties triaged correctly"},
      {"under_triage_count", "count", "Under-triaged casualties"},
      {"untagged_count", "count", "Casualties not tagged"},
  };
}

}  // namespace

const std::vector<std::string>& rhythm_names() {
  static const auto kNames = names_of<physio::Rhythm>(physio::kRhythmCount);
  return kNames;
}

const scenario::Catalog& emergency_catalog() {
  static const scenario::Catalog kCatalog = [] {
    scenario::Catalog c;
    c.module = "emergency";
    c.actions = scenario_actions();
    c.events = events();
    c.signals = signals();
    c.patient_presets = {"standard-male", "standard-female"};
    c.patient_settings = patient_settings();
    c.patient_expected = {enum_param("tag", kTriageTags)};
    c.participant_actions = participant_actions();
    c.metrics = metrics();
    return c;
  }();
  return kCatalog;
}

const std::vector<scenario::ActionSpec>& team_actions() {
  return emergency_catalog().participant_actions;
}

double default_number(const scenario::ActionSpec& action, std::string_view param) {
  const ParamSpec* p = action.find(param);
  if (p == nullptr || !p->default_value) return 0;
  const double* d = std::get_if<double>(&*p->default_value);
  return d ? *d : 0;
}

}  // namespace medvision::emergency
