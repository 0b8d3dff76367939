#include "modules/emergency/emergency_module.h"

#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/hash.h"
#include "modules/action_params.h"
#include "modules/emergency/drug_rules.h"
#include "modules/emergency/emergency_assessment.h"
#include "modules/emergency/emergency_catalog.h"
#include "modules/emergency/monitor_display.h"
#include "modules/scenario_host.h"
#include "physio/defibrillation.h"
#include "physio/drugs.h"
#include "physio/patient.h"
#include "physio/rhythm.h"
#include "scenario/loader.h"
#include "scenario/payload_json.h"
#include "scenario/run.h"

namespace medvision::emergency {
namespace {

using nlohmann::json;
namespace sc = scenario;

constexpr double kPhysioRateHz = 250.0;   // physio::step is one 4 ms tick
constexpr double kScenarioRateHz = 10.0;  // triggers are checked ten times a second
constexpr double kVitalsRateHz = 1.0;     // vital signs sampled into the log

Error bad(const std::string& why) { return make_error(ErrorCode::invalid_input, why); }

Result<double> number_param(const json& p, const char* name,
                            std::optional<double> fallback = std::nullopt) {
  if (!p.contains(name)) {
    if (fallback) return *fallback;
    return bad(std::string("`") + name + "` is required");
  }
  if (!p[name].is_number()) return bad(std::string("`") + name + "` must be a number");
  const double v = p[name].get<double>();
  if (!std::isfinite(v)) return bad(std::string("`") + name + "` must be finite");
  return v;
}

Result<std::string> text_param(const json& p, const char* name,
                               std::optional<std::string> fallback = std::nullopt) {
  if (!p.contains(name)) {
    if (fallback) return *fallback;
    return bad(std::string("`") + name + "` is required");
  }
  if (!p[name].is_string()) return bad(std::string("`") + name + "` must be a string");
  return p[name].get<std::string>();
}

double field_number(const sc::Fields& f, const char* name, double fallback) {
  const auto it = f.find(name);
  if (it == f.end()) return fallback;
  if (const double* d = std::get_if<double>(&it->second)) return *d;
  return fallback;
}

std::string field_text(const sc::Fields& f, const char* name, const std::string& fallback = {}) {
  const auto it = f.find(name);
  if (it == f.end()) return fallback;
  if (const std::string* s = std::get_if<std::string>(&it->second)) return *s;
  return fallback;
}

bool field_bool(const sc::Fields& f, const char* name, bool fallback) {
  const auto it = f.find(name);
  if (it == f.end()) return fallback;
  if (const bool* b = std::get_if<bool>(&it->second)) return *b;
  return fallback;
}

struct Casualty {
  std::string id;
  sc::Fields findings;
};

// The scenario host (modules/scenario_host.h) steps the scenario at 10 Hz;
// this module steps the patient before it.
class EmergencyModule final : public modules::ScenarioHost {
 public:
  EmergencyModule(std::shared_ptr<const sc::ScenarioDef> def, EmergencySetup setup,
                  sc::ScenarioRun run)
      : ScenarioHost(def, std::move(run), setup.tick_rate_hz, kScenarioRateHz),
        def_(std::move(def)),
        setup_(std::move(setup)) {}

  Status init();

  void step(Tick tick, const EventSink& sink) override;
  Status act(const ModuleAction& action, const EventSink& sink) override;
  std::optional<std::string> assess(std::span<const Event> log) const override {
    return assess_emergency_session(*def_, setup_.variant, log, setup_.tick_rate_hz)
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  // The whole module is values (the patient, the scenario run, counters): a
  // snapshot is a copy of it.
  std::unique_ptr<const ModuleSnapshot> snapshot() const override;
  Status restore(const ModuleSnapshot& snapshot) override;

 protected:
  void on_start(const EventSink& sink) override;
  void before_scenario_step(const EventSink& sink) override {
    if (patient_) check_rhythm(sink);
  }
  std::optional<sc::Value> signal(std::string_view name) const override;
  Status apply_scenario_action(const sc::HostAction& action, const EventSink& sink) override;
  void hash_state(Fnv1a& h) const override;

 private:
  Status apply_patient_setting(const std::string& name, const sc::Value& value);
  void sample_vitals(const EventSink& sink);
  void check_rhythm(const EventSink& sink);
  Status require_patient() const;
  Status act_on_patient(const sc::ActionSpec& spec, const json& p, int participant,
                        const EventSink& sink);

  std::shared_ptr<const sc::ScenarioDef> def_;
  EmergencySetup setup_;
  std::optional<physio::Patient> patient_;  // scenarios with one patient
  std::vector<Casualty> casualties_;        // triage scenarios
  // The bleeding wound's site, when the patient has one.
  std::string haemorrhage_site_;
  // Doses given so far, per drug: the algorithm's dose depends on them.
  std::array<int, physio::kDrugCount> doses_given_{};
  // What the monitor shows of the vitals.
  MonitorDisplay monitor_;
  double initial_blood_mL_ = 0;
  std::uint64_t physio_steps_ = 0;
  double physio_time_s_ = 0;
  std::optional<physio::Rhythm> last_rhythm_;
  bool compressing_ = false;
  double compression_depth_mm_ = 0, compression_rate_per_min_ = 0;
  double next_compression_s_ = 0;
  double next_vitals_s_ = 0;
};

Status EmergencyModule::require_patient() const {
  if (!patient_)
    return bad("this scenario has no single patient to treat; use `tag` for casualties");
  return {};
}

Status EmergencyModule::apply_patient_setting(const std::string& name, const sc::Value& value) {
  physio::PatientState& s = patient_->state;
  const std::string* word = std::get_if<std::string>(&value);
  if (name == "rhythm" && word) {
    auto r = physio::parse_rhythm(*word);
    if (!r.ok()) return r.error();
    return physio::set_rhythm(s, *r);
  }
  if (name == "airway" && word) {
    auto a = physio::parse_airway(*word);
    if (!a.ok()) return a.error();
    return physio::set_airway(s, *a);
  }
  if (name == "refractory_vf") {
    if (const bool* on = std::get_if<bool>(&value)) s.electrical.refractory = *on;
    return {};
  }
  const double* number = std::get_if<double>(&value);
  if (name == "blood_loss_fraction" && number) {
    // The injury happened before the team arrived: bleed the patient to the
    // stated loss (at 1 L/min, so that the reflexes respond as they would).
    MV_TRY(physio::set_haemorrhage(s, 1000.0));
    const double target = *number * initial_blood_mL_;
    while (s.blood_lost_mL < target) patient_->step();
    return physio::set_haemorrhage(s, 0.0);
  }
  if (name == "haemorrhage_rate_mL_per_min" && number) return physio::set_haemorrhage(s, *number);
  return {};  // descriptive settings (cause, injuries, site) only inform the scenario and the
              // report
}

Status EmergencyModule::init() {
  const auto patients = sc::patients_for_variant(*def_, setup_.variant);
  if (patients.size() == 1) {
    const sc::PatientDef& p = patients.front();
    std::map<std::string, double> mods;
    for (const char* key : {"weight_kg", "height_cm"}) {
      if (const auto it = p.settings.find(key); it != p.settings.end()) {
        if (const double* d = std::get_if<double>(&it->second)) mods[key] = *d;
      }
    }
    if (const auto it = p.settings.find("age_y"); it != p.settings.end()) {
      if (const double* d = std::get_if<double>(&it->second)) mods["age_years"] = *d;
    }
    if (const auto it = p.settings.find("haemorrhage_site"); it != p.settings.end()) {
      if (const auto* site = std::get_if<std::string>(&it->second)) haemorrhage_site_ = *site;
    }
    auto model = physio::make_patient(p.preset, mods);
    if (!model.ok()) return model.error();
    model->seed = setup_.seed;
    patient_.emplace(std::move(*model));
    initial_blood_mL_ = patient_->vitals().blood_volume_mL;
    // Settings in a fixed order: bleeding before the rhythm and airway.
    for (const char* key : {"blood_loss_fraction", "haemorrhage_rate_mL_per_min", "rhythm",
                            "airway", "refractory_vf"}) {
      if (const auto it = p.settings.find(key); it != p.settings.end()) {
        const Status s = apply_patient_setting(key, it->second);
        if (!s.ok())
          return make_error(s.error().code,
                            def_->source + ": patient `" + key + "`: " + s.error().message);
      }
    }
  } else {
    for (const auto& p : patients) casualties_.push_back(Casualty{p.id, p.settings});
  }
  return {};
}

void EmergencyModule::on_start(const EventSink& sink) {
  json patients = json::array();
  for (const auto& c : casualties_) {
    json casualty = json::parse(sc::to_json(c.findings));
    casualty["id"] = c.id;
    patients.push_back(casualty);
  }
  emit(sink, "scenario_loaded",
       {{"scenario", def_->id}, {"title", def_->title}, {"casualties", patients}});
  if (patient_) {
    check_rhythm(sink);
    sample_vitals(sink);
    next_vitals_s_ = 1.0 / kVitalsRateHz;
  }
}

std::optional<sc::Value> EmergencyModule::signal(std::string_view name) const {
  if (!patient_) return std::nullopt;
  const physio::Vitals v = patient_->vitals();
  if (name == "rhythm") return sc::Value(std::string(physio::to_string(v.rhythm)));
  if (name == "spo2") return sc::Value(100.0 * v.spo2);  // scenarios read SpO2 in percent
  if (name == "blood_loss_fraction") {
    return sc::Value(initial_blood_mL_ > 0 ? patient_->state.blood_lost_mL / initial_blood_mL_
                                           : 0.0);
  }
  auto value = physio::vital_by_name(v, name);
  if (!value.ok()) return std::nullopt;
  return sc::Value(*value);
}

void EmergencyModule::sample_vitals(const EventSink& sink) {
  const physio::Vitals v = patient_->vitals();
  json j = {{"time_s", physio_time_s_},
            {"heart_rate_per_min", v.heart_rate_per_min},
            {"systolic_mmHg", v.systolic_mmHg},
            {"diastolic_mmHg", v.diastolic_mmHg},
            {"map_mmHg", v.map_mmHg},
            {"cardiac_output_L_per_min", v.cardiac_output_L_per_min},
            {"stroke_volume_mL", v.stroke_volume_mL},
            {"cvp_mmHg", v.cvp_mmHg},
            {"respiration_rate_per_min", v.respiration_rate_per_min},
            {"tidal_volume_mL", v.tidal_volume_mL},
            {"spo2_pct", 100.0 * v.spo2},
            {"etco2_mmHg", v.etco2_mmHg},
            {"pao2_mmHg", v.pao2_mmHg},
            {"paco2_mmHg", v.paco2_mmHg},
            {"blood_volume_mL", v.blood_volume_mL},
            {"blood_loss_fraction",
             initial_blood_mL_ > 0 ? patient_->state.blood_lost_mL / initial_blood_mL_ : 0.0},
            {"rhythm", std::string(physio::to_string(v.rhythm))}};
  // What the monitor in the room shows of it (monitor_display.h).
  j["monitor"] = monitor_.sample(v, patient_->state, physio_time_s_);
  // Vitals are for the log and plots, not for triggers (they read signals).
  sink("vitals", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void EmergencyModule::check_rhythm(const EventSink& sink) {
  const physio::Rhythm now = patient_->vitals().rhythm;
  if (last_rhythm_ && *last_rhythm_ == now) return;
  json j = {{"rhythm", std::string(physio::to_string(now))}};
  if (last_rhythm_) j["from"] = std::string(physio::to_string(*last_rhythm_));
  last_rhythm_ = now;
  emit(sink, "rhythm_changed", j);
}

Status EmergencyModule::apply_scenario_action(const sc::HostAction& a, const EventSink& sink) {
  const std::string& n = a.name;
  if (n == "show_prompt" || n == "play_sound" || n == "spawn" || n == "remove")
    return {};  // for clients; logged by the run
  MV_TRY(require_patient());
  physio::PatientState& s = patient_->state;
  if (n == "haemorrhage")
    return physio::set_haemorrhage(s, field_number(a.params, "rate_mL_per_min", 0));
  if (n == "give_fluid") {
    auto fluid = physio::parse_fluid(field_text(a.params, "fluid"));
    if (!fluid.ok()) return fluid.error();
    return physio::give_fluid(
        s, *fluid, field_number(a.params, "volume_mL", 0),
        field_number(
            a.params, "rate_mL_per_min",
            default_number(*emergency_catalog().find_action("give_fluid"), "rate_mL_per_min")));
  }
  if (n == "give_drug") {
    auto drug = physio::parse_drug(field_text(a.params, "drug"));
    if (!drug.ok()) return drug.error();
    return physio::give_drug(s, *drug, field_number(a.params, "dose_mg", 0));
  }
  if (n == "set_fio2") return physio::set_fio2(s, field_number(a.params, "fraction", 0.21));
  if (n == "set_ventilation") {
    return physio::set_ventilation(s, field_number(a.params, "rate_per_min", 0),
                                   field_number(a.params, "tidal_volume_mL", 0));
  }
  if (n == "cpr") {
    if (!field_bool(a.params, "on", false)) {
      physio::stop_cpr(s);
      return {};
    }
    const sc::ActionSpec& cpr = *emergency_catalog().find_action("cpr");
    return physio::start_cpr(
        s, field_number(a.params, "depth_mm", default_number(cpr, "depth_mm")),
        field_number(a.params, "rate_per_min", default_number(cpr, "rate_per_min")));
  }
  if (n == "shock") {
    auto shock = physio::deliver_shock(patient_->model, s, field_number(a.params, "energy_J", 200));
    if (!shock.ok()) return shock.error();
    check_rhythm(sink);
    return {};
  }
  if (n == "set_rhythm")
    return apply_patient_setting("rhythm", sc::Value(field_text(a.params, "rhythm")));
  if (n == "set_airway")
    return apply_patient_setting("airway", sc::Value(field_text(a.params, "state")));
  return bad("the emergency module has no action `" + n + "`");
}

void EmergencyModule::step(Tick tick, const EventSink& sink) {
  if (run().ended()) return;
  const double t_s = static_cast<double>(tick + 1) / setup_.tick_rate_hz;
  if (patient_ && !run().paused()) {
    const auto due = static_cast<std::uint64_t>(std::floor(t_s * kPhysioRateHz + 1e-9));
    while (physio_steps_ < due) {
      patient_->step();
      ++physio_steps_;
      physio_time_s_ = static_cast<double>(physio_steps_) / kPhysioRateHz;
      if (compressing_ && physio_time_s_ >= next_compression_s_) {
        emit(sink, "compression",
             {{"depth_mm", compression_depth_mm_}, {"rate_per_min", compression_rate_per_min_}});
        next_compression_s_ += 60.0 / compression_rate_per_min_;
      }
      if (physio_time_s_ >= next_vitals_s_) {
        sample_vitals(sink);
        next_vitals_s_ += 1.0 / kVitalsRateHz;
      }
    }
  }
  ScenarioHost::step(tick, sink);
}

Status EmergencyModule::act_on_patient(const sc::ActionSpec& spec, const json& p, int participant,
                                       const EventSink& sink) {
  MV_TRY(require_patient());
  const std::string& name = spec.name;
  // A parameter left out takes the spec's default (emergency_catalog.cpp).
  const auto fallback = [&spec](const char* param) { return default_number(spec, param); };
  physio::PatientState& s = patient_->state;
  if (name == "compressions") {
    // act() has checked the parameters against the spec (`on` is a boolean).
    if (!p["on"].get<bool>()) {
      if (!compressing_) return bad("compressions are not running");
      physio::stop_cpr(s);
      compressing_ = false;
      emit(sink, "compressions_stopped", {{"participant", participant}});
      return {};
    }
    auto depth = number_param(p, "depth_mm", fallback("depth_mm"));
    auto rate = number_param(p, "rate_per_min", fallback("rate_per_min"));
    if (!depth.ok()) return depth.error();
    if (!rate.ok()) return rate.error();
    MV_TRY(physio::start_cpr(s, *depth, *rate));
    const bool was = compressing_;
    compressing_ = true;
    compression_depth_mm_ = *depth;
    compression_rate_per_min_ = *rate;
    if (!was) {
      next_compression_s_ = physio_time_s_;
      emit(sink, "compressions_started",
           {{"participant", participant}, {"depth_mm", *depth}, {"rate_per_min", *rate}});
    }
    return {};
  }
  if (name == "shock") {
    auto energy = number_param(p, "energy_J", fallback("energy_J"));
    if (!energy.ok()) return energy.error();
    auto shock = physio::deliver_shock(patient_->model, s, *energy);
    if (!shock.ok()) return shock.error();
    emit(sink, "shock_delivered",
         {{"energy_J", *energy},
          {"participant", participant},
          {"rhythm_before", std::string(physio::to_string(shock->before))}});
    check_rhythm(sink);
    return {};
  }
  if (name == "rhythm_check") {
    emit(sink, "rhythm_checked",
         {{"rhythm", std::string(physio::to_string(patient_->vitals().rhythm))}});
    return {};
  }
  if (name == "pulse_check") {
    emit(sink, "pulse_checked", {{"pulse", patient_->vitals().map_mmHg > 50.0}});
    return {};
  }
  if (name == "give_drug") {
    auto drug_name = text_param(p, "drug");
    if (!drug_name.ok()) return drug_name.error();
    auto drug = physio::parse_drug(*drug_name);
    if (!drug.ok()) return drug.error();
    auto dose = number_param(p, "dose_mg");
    if (!dose.ok()) return dose.error();
    int& earlier = doses_given_[static_cast<std::size_t>(*drug)];
    const DrugCheck check =
        check_drug(*drug, *dose, s.electrical.rhythm, patient_->model.weight_kg, earlier);
    MV_TRY(physio::give_drug(s, *drug, *dose));
    ++earlier;
    emit(sink, "drug_given",
         {{"drug", *drug_name}, {"dose_mg", *dose}, {"participant", participant}});
    if (!check.indicated) {
      emit(sink, "drug_not_indicated",
           {{"drug", *drug_name}, {"dose_mg", *dose}, {"reason", check.reason}});
    } else if (!check.dose_right) {
      emit(sink, "drug_dose_wrong",
           {{"drug", *drug_name},
            {"dose_mg", *dose},
            {"expected_mg", check.expected_mg},
            {"reason", check.reason}});
    }
    return {};
  }
  if (name == "give_fluid") {
    auto fluid_name = text_param(p, "fluid");
    if (!fluid_name.ok()) return fluid_name.error();
    auto fluid = physio::parse_fluid(*fluid_name);
    if (!fluid.ok()) return fluid.error();
    auto volume = number_param(p, "volume_mL");
    auto rate = number_param(p, "rate_mL_per_min", fallback("rate_mL_per_min"));
    if (!volume.ok()) return volume.error();
    if (!rate.ok()) return rate.error();
    MV_TRY(physio::give_fluid(s, *fluid, *volume, *rate));
    emit(sink, "fluid_given",
         {{"fluid", *fluid_name}, {"volume_mL", *volume}, {"participant", participant}});
    return {};
  }
  if (name == "airway") {
    auto state = text_param(p, "state");
    if (!state.ok()) return state.error();
    MV_TRY(apply_patient_setting("airway", sc::Value(*state)));
    emit(sink, "airway_changed", {{"state", *state}});
    return {};
  }
  if (name == "oxygen") {
    auto fraction = number_param(p, "fraction");
    if (!fraction.ok()) return fraction.error();
    MV_TRY(physio::set_fio2(s, *fraction));
    emit(sink, "oxygen_applied", {{"fraction", *fraction}});
    return {};
  }
  if (name == "ventilate") {
    auto rate = number_param(p, "rate_per_min", fallback("rate_per_min"));
    auto volume = number_param(p, "tidal_volume_mL", fallback("tidal_volume_mL"));
    if (!rate.ok()) return rate.error();
    if (!volume.ok()) return volume.error();
    MV_TRY(physio::set_ventilation(s, *rate, *volume));
    emit(sink, "ventilation_given", {{"rate_per_min", *rate}, {"tidal_volume_mL", *volume}});
    return {};
  }
  if (name == "tourniquet" || name == "pressure" || name == "pack_wound" ||
      name == "control_bleeding") {
    auto site = text_param(p, "site", std::string("wound"));
    if (!site.ok()) return site.error();
    // Put on another limb than the wound's, it does nothing for the bleeding
    // (as in reality it is accepted, and it is logged and scored as misplaced).
    if (*site != "wound" && !haemorrhage_site_.empty() && *site != haemorrhage_site_) {
      emit(sink, "intervention_misplaced",
           {{"action", name},
            {"site", *site},
            {"wound_site", haemorrhage_site_},
            {"participant", participant}});
      return {};
    }
    // A tourniquet or control stops limb bleeding; pressure and packing slow it.
    const bool stops = name == "tourniquet" || name == "control_bleeding";
    const double rate = stops ? 0.0 : 0.3 * s.interventions.haemorrhage_mL_per_min;
    MV_TRY(physio::set_haemorrhage(s, rate));
    const char* type = name == "tourniquet"   ? "tourniquet_applied"
                       : name == "pressure"   ? "pressure_applied"
                       : name == "pack_wound" ? "wound_packed"
                                              : "bleeding_controlled";
    emit(sink, type, {{"site", *site}, {"participant", participant}});
    return {};
  }
  return bad("unknown team action `" + name + "`");
}

Status EmergencyModule::act(const ModuleAction& action, const EventSink& sink) {
  if (run().ended()) return make_error(ErrorCode::conflict, "the scenario has ended");
  const json p = json::parse(action.params_json, nullptr, false);
  if (!p.is_object()) return bad("action parameters must be a JSON object");
  const std::string& n = action.name;
  const sc::ActionSpec* spec = emergency_catalog().find_participant_action(n);
  if (spec == nullptr) return bad("unknown team action `" + n + "`");
  MV_TRY(modules::check_action_params(*spec, p));
  if (n == "assign_role") {
    auto role = text_param(p, "role");
    if (!role.ok()) return role.error();
    bool known = false;
    for (const auto& r : def_->roles) known = known || r.name == *role;
    if (!known) return bad("this scenario has no role `" + *role + "`");
    emit(sink, "role_assigned", {{"role", *role}, {"participant", action.participant}});
    return {};
  }
  if (n == "access") {
    auto route = text_param(p, "route", std::string("iv"));
    if (!route.ok()) return route.error();
    emit(sink, "access_obtained", {{"route", *route}});
    return {};
  }
  if (n == "treat_cause") {
    auto cause = text_param(p, "cause");
    if (!cause.ok()) return cause.error();
    emit(sink, "cause_treated", {{"cause", *cause}});
    return {};
  }
  if (n == "recognise_shock") {
    emit(sink, "shock_recognised", json::object());
    return {};
  }
  if (n == "tag" || n == "reposition_airway") {
    auto patient = text_param(p, "patient");
    if (!patient.ok()) return patient.error();
    bool known = false;
    for (const auto& c : casualties_) known = known || c.id == *patient;
    if (!known) return bad("there is no casualty `" + *patient + "`");
    if (n == "reposition_airway") {
      emit(sink, "airway_repositioned", {{"patient", *patient}});
      return {};
    }
    auto tag = text_param(p, "tag");
    if (!tag.ok()) return tag.error();
    emit(sink, "patient_tagged",
         {{"patient", *patient}, {"tag", *tag}, {"participant", action.participant}});
    return {};
  }
  return act_on_patient(*spec, p, action.participant, sink);
}

struct EmergencySnapshot final : ModuleSnapshot {
  explicit EmergencySnapshot(const EmergencyModule& m) : module(m) {}
  EmergencyModule module;
};

std::unique_ptr<const ModuleSnapshot> EmergencyModule::snapshot() const {
  return std::make_unique<EmergencySnapshot>(*this);
}

Status EmergencyModule::restore(const ModuleSnapshot& snapshot) {
  const auto* s = dynamic_cast<const EmergencySnapshot*>(&snapshot);
  if (s == nullptr || s->module.def_->id != def_->id || s->module.setup_.variant != setup_.variant)
    return make_error(ErrorCode::invalid_input, "not a snapshot of this emergency scenario");
  *this = s->module;
  return {};
}

void EmergencyModule::hash_state(Fnv1a& h) const {
  if (!patient_) return;
  const physio::Vitals v = patient_->vitals();
  for (double x : {v.heart_rate_per_min, v.map_mmHg, v.cardiac_output_L_per_min, v.spo2,
                   v.etco2_mmHg, v.blood_volume_mL, patient_->state.blood_lost_mL}) {
    h.add(x);
  }
  h.add(v.rhythm);
}

}  // namespace

const std::vector<std::string>& team_action_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& a : team_actions()) names.push_back(a.name);
    return names;
  }();
  return kNames;
}

Result<std::shared_ptr<const sc::ScenarioDef>> load_emergency_scenario(
    const std::filesystem::path& content_root, const std::string& scenario_id) {
  return sc::load_module_scenario(content_root, emergency_catalog(), scenario_id);
}

Result<std::unique_ptr<SessionModule>> make_emergency_module(
    std::shared_ptr<const sc::ScenarioDef> def, const EmergencySetup& setup) {
  if (!(setup.tick_rate_hz >= kPhysioRateHz)) {
    return bad("the emergency module needs a session tick rate of at least 250 Hz");
  }
  if (!setup.variant.empty() && def->find_variant(setup.variant) == nullptr) {
    return bad("scenario " + def->id + " has no variant '" + setup.variant + "'");
  }
  auto run = sc::ScenarioRun::create(*def, sc::RunOptions{setup.tick_rate_hz, setup.variant});
  if (!run.ok()) return run.error();
  auto module = std::make_unique<EmergencyModule>(def, setup, std::move(*run));
  MV_TRY(module->init());
  return std::unique_ptr<SessionModule>(std::move(module));
}

ModuleFactory emergency_module_factory(std::filesystem::path content_root, double tick_rate_hz) {
  return [content_root, tick_rate_hz](
             std::string_view kind, std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
    constexpr std::string_view prefix = "emergency/";
    if (kind.substr(0, prefix.size()) != prefix) {
      return bad("session kind '" + std::string(kind) + "' is not an emergency scenario");
    }
    std::string id(kind.substr(prefix.size()));
    std::string variant;
    if (const auto colon = id.find(':'); colon != std::string::npos) {
      variant = id.substr(colon + 1);
      id = id.substr(0, colon);
    }
    auto def = load_emergency_scenario(content_root, id);
    if (!def.ok()) return def.error();
    return make_emergency_module(*def, EmergencySetup{id, variant, seed, tick_rate_hz});
  };
}

}  // namespace medvision::emergency
