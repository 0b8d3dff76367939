#include "physio/interventions.h"

#include <array>
#include <cmath>
#include <cstdio>

#include "physio/drugs.h"
#include "physio/electrical.h"

namespace medvision::physio {
namespace {

constexpr std::array<std::string_view, 4> kAirwayNames = {"open", "obstructed", "bag_valve_mask",
                                                          "intubated"};
constexpr std::array<std::string_view, 2> kFluidNames = {"crystalloid", "blood"};
// Ten times the usual adult IV dose: larger is almost certainly a unit error.
constexpr std::array<double, kDrugCount> kMaxDoseMg = {10.0, 3000.0, 1500.0};

Status check_range(const char* what, double value, double lo, double hi, const char* unit) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    char buffer[200];
    std::snprintf(buffer, sizeof buffer, "%s must be between %g and %g %s, got %g", what, lo, hi,
                  unit, value);
    return make_error(ErrorCode::invalid_input, buffer);
  }
  return {};
}

std::string format(const char* fmt, double a, double b = 0) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, fmt, a, b);
  return buffer;
}

}  // namespace

std::string_view to_string(Airway airway) { return kAirwayNames[static_cast<std::size_t>(airway)]; }

Result<Airway> parse_airway(std::string_view name) {
  for (std::size_t i = 0; i < kAirwayNames.size(); ++i) {
    if (kAirwayNames[i] == name) return static_cast<Airway>(i);
  }
  return make_error(ErrorCode::invalid_input,
                    "unknown airway '" + std::string(name) +
                        "'; expected open, obstructed, bag_valve_mask or intubated");
}

std::string_view to_string(Fluid fluid) { return kFluidNames[static_cast<std::size_t>(fluid)]; }

Result<Fluid> parse_fluid(std::string_view name) {
  for (std::size_t i = 0; i < kFluidNames.size(); ++i) {
    if (kFluidNames[i] == name) return static_cast<Fluid>(i);
  }
  return make_error(ErrorCode::invalid_input,
                    "unknown fluid '" + std::string(name) + "'; expected crystalloid or blood");
}

Status set_haemorrhage(PatientState& state, double rate_mL_per_min) {
  MV_TRY(check_range("haemorrhage rate", rate_mL_per_min, 0, 5000, "mL/min"));
  state.interventions.haemorrhage_mL_per_min = rate_mL_per_min;
  return {};
}

Status give_fluid(PatientState& state, Fluid fluid, double volume_mL, double rate_mL_per_min) {
  MV_TRY(check_range("fluid volume", volume_mL, 0, 5000, "mL"));
  MV_TRY(check_range("fluid rate", rate_mL_per_min, 1, 2000, "mL/min"));
  Infusion& bag =
      fluid == Fluid::crystalloid ? state.interventions.crystalloid : state.interventions.blood;
  bag.remaining_mL += volume_mL;
  bag.rate_mL_per_min = rate_mL_per_min;
  return {};
}

Status give_drug(PatientState& state, Drug drug, double dose_mg) {
  const auto i = static_cast<std::size_t>(drug);
  if (i >= kMaxDoseMg.size()) return make_error(ErrorCode::invalid_input, "unknown drug");
  const std::string what = std::string(to_string(drug)) + " dose";
  MV_TRY(check_range(what.c_str(), dose_mg, 0, kMaxDoseMg[i], "mg"));
  state.drugs[i].line_mg += dose_mg;
  state.drugs[i].total_given_mg += dose_mg;
  return {};
}

Status set_fio2(PatientState& state, double fio2) {
  MV_TRY(check_range("FiO2", fio2, 0.21, 1.0, "(fraction)"));
  state.interventions.fio2 = fio2;
  return {};
}

Status set_ventilation(PatientState& state, double rate_per_min, double tidal_volume_mL) {
  MV_TRY(check_range("ventilation rate", rate_per_min, 0, 60, "/min"));
  MV_TRY(check_range("tidal volume", tidal_volume_mL, 0, 2000, "mL"));
  const Airway a = state.interventions.airway;
  if (rate_per_min > 0 && a != Airway::bag_valve_mask && a != Airway::intubated) {
    return make_error(ErrorCode::conflict,
                      "ventilation needs the airway set to bag_valve_mask or intubated "
                      "(it is " +
                          std::string(to_string(a)) + ")");
  }
  state.interventions.ventilation_rate_per_min = rate_per_min;
  state.interventions.ventilation_tidal_volume_mL = tidal_volume_mL;
  return {};
}

Status start_cpr(PatientState& state, double depth_mm, double rate_per_min) {
  MV_TRY(check_range("compression depth", depth_mm, 0, 100, "mm"));
  MV_TRY(check_range("compression rate", rate_per_min, 20, 200, "/min"));
  Interventions& in = state.interventions;
  if (!in.cpr) state.circulation.compression_elapsed_s = 0;
  in.cpr = true;
  in.cpr_depth_mm = depth_mm;
  in.cpr_rate_per_min = rate_per_min;
  return {};
}

void stop_cpr(PatientState& state) { state.interventions.cpr = false; }

Status set_rhythm(PatientState& state, Rhythm rhythm) {
  if (static_cast<int>(rhythm) >= kRhythmCount)
    return make_error(ErrorCode::invalid_input, "unknown rhythm");
  state.interventions.forced_tachycardia = rhythm == Rhythm::sinus_tachycardia;
  change_rhythm(state, rhythm == Rhythm::sinus_tachycardia ? Rhythm::normal_sinus : rhythm);
  return {};
}

Status set_airway(PatientState& state, Airway airway) {
  if (static_cast<std::size_t>(airway) >= kAirwayNames.size()) {
    return make_error(ErrorCode::invalid_input, "unknown airway");
  }
  state.interventions.airway = airway;
  if (airway == Airway::open || airway == Airway::obstructed) {
    state.interventions.ventilation_rate_per_min = 0;  // nothing to deliver breaths through
  }
  return {};
}

const std::vector<ActionSpec>& action_specs() {
  static const std::vector<ActionSpec> specs = {
      {"haemorrhage", {{"rate_mL_per_min"}}, "bleeding rate (0 stops it)"},
      {"fluid",
       {{"fluid", false}, {"volume_mL"}, {"rate_mL_per_min"}},
       "crystalloid or blood infusion"},
      {"drug", {{"drug", false}, {"dose_mg"}}, "IV bolus: epinephrine, amiodarone, lidocaine"},
      {"oxygen", {{"fio2"}}, "inspired O2 fraction 0.21-1.0"},
      {"ventilation",
       {{"rate_per_min"}, {"tidal_volume_mL"}},
       "bag-valve-mask or ventilator breaths"},
      {"cpr", {{"depth_mm"}, {"rate_per_min"}}, "start (or adjust) chest compressions"},
      {"cpr_stop", {}, "pause compressions"},
      {"shock", {{"energy_J"}}, "defibrillation"},
      {"rhythm", {{"rhythm", false}}, "set the cardiac rhythm"},
      {"airway", {{"airway", false}}, "open, obstructed, bag_valve_mask, intubated"},
  };
  return specs;
}

const ActionSpec* find_action(std::string_view name) {
  for (const auto& spec : action_specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Result<std::string> apply_action(const PatientModel& model, PatientState& state,
                                 std::string_view action, const ActionArgs& args) {
  const ActionSpec* spec = find_action(action);
  if (spec == nullptr) {
    std::string known;
    for (const auto& s : action_specs()) known += (known.empty() ? "" : ", ") + s.name;
    return make_error(ErrorCode::invalid_input,
                      "unknown action '" + std::string(action) + "'; expected one of " + known);
  }
  for (const auto& field : spec->fields) {
    const bool present =
        field.numeric ? args.numbers.count(field.name) > 0 : args.words.count(field.name) > 0;
    if (field.required && !present) {
      return make_error(ErrorCode::invalid_input,
                        "action `" + spec->name + "` needs `" + field.name + "`");
    }
  }
  const auto num = [&](const char* name) { return args.numbers.at(name); };
  const auto word = [&](const char* name) { return args.words.at(name); };
  if (action == "haemorrhage") {
    MV_TRY(set_haemorrhage(state, num("rate_mL_per_min")));
    return format("haemorrhage %g mL/min", num("rate_mL_per_min"));
  }
  if (action == "fluid") {
    const auto fluid = parse_fluid(word("fluid"));
    if (!fluid.ok()) return fluid.error();
    MV_TRY(give_fluid(state, *fluid, num("volume_mL"), num("rate_mL_per_min")));
    return word("fluid") + format(" %g mL at %g mL/min", num("volume_mL"), num("rate_mL_per_min"));
  }
  if (action == "drug") {
    const auto drug = parse_drug(word("drug"));
    if (!drug.ok()) return drug.error();
    MV_TRY(give_drug(state, *drug, num("dose_mg")));
    return word("drug") + format(" %g mg IV", num("dose_mg"));
  }
  if (action == "oxygen") {
    MV_TRY(set_fio2(state, num("fio2")));
    return format("FiO2 %.2f", num("fio2"));
  }
  if (action == "ventilation") {
    MV_TRY(set_ventilation(state, num("rate_per_min"), num("tidal_volume_mL")));
    return format("ventilation %g/min x %g mL", num("rate_per_min"), num("tidal_volume_mL"));
  }
  if (action == "cpr") {
    MV_TRY(start_cpr(state, num("depth_mm"), num("rate_per_min")));
    return format("CPR %g mm at %g/min", num("depth_mm"), num("rate_per_min"));
  }
  if (action == "cpr_stop") {
    stop_cpr(state);
    return std::string("CPR paused");
  }
  if (action == "shock") {
    const auto shock = deliver_shock(model, state, num("energy_J"));
    if (!shock.ok()) return shock.error();
    return shock->describe();
  }
  if (action == "rhythm") {
    const auto rhythm = parse_rhythm(word("rhythm"));
    if (!rhythm.ok()) return rhythm.error();
    MV_TRY(set_rhythm(state, *rhythm));
    return "rhythm " + word("rhythm");
  }
  const auto airway = parse_airway(word("airway"));
  if (!airway.ok()) return airway.error();
  MV_TRY(set_airway(state, *airway));
  return "airway " + word("airway");
}

}  // namespace medvision::physio
