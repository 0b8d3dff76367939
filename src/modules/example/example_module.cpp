// The example module: the smallest module there is, and the worked example of
// docs/modules.md. A participant taps (with a strength from 1 to 10); the
// scenario ends the session after the number of taps it asks for; the
// assessment scores the taps against the scenario's rubric. It is listed for
// admins only, since it is for people who write modules.
//
// Everything the platform knows of it is in this folder, its scenario
// (content/scenarios/example/) and one line of src/modules/registry.cpp.

#include <algorithm>

#include "modules/action_params.h"
#include "modules/module.h"
#include "modules/scenario_assessment.h"
#include "modules/scenario_host.h"
#include "scenario/loader.h"

namespace medvision::modules {
namespace {

using nlohmann::json;
namespace sc = scenario;

// The vocabulary, declared once: what participants do, what the module
// writes, what triggers read, what rubrics score.
const sc::Catalog& example_catalog() {
  static const sc::Catalog kCatalog = [] {
    sc::Catalog c;
    c.module = "example";
    sc::ActionSpec tap;
    tap.name = "tap";
    tap.label = "Tap";
    tap.group = "taps";
    sc::ParamSpec strength = sc::number_param("strength", 1, 10, "", false);
    strength.label = "strength";
    strength.default_value = 5.0;
    strength.step = 1;
    tap.params = {strength};
    c.participant_actions = {tap};
    c.events = {
        {"tapped", {sc::number_param("strength", 1, 10), sc::number_param("count", 1, 1e9)}}};
    c.signals = {sc::number_signal("taps", 0, 1e9, "count")};
    c.metrics = {{"taps_count", "count", "Taps"}, {"mean_strength", "", "Mean strength"}};
    return c;
  }();
  return kCatalog;
}

class ExampleModule final : public ScenarioHost {
 public:
  ExampleModule(std::shared_ptr<const sc::ScenarioDef> def, sc::ScenarioRun run,
                double tick_rate_hz)
      : ScenarioHost(std::move(def), std::move(run), tick_rate_hz, 10.0) {}

  Status act(const ModuleAction& action, const EventSink& sink) override {
    if (run().ended()) return make_error(ErrorCode::conflict, "the scenario has ended");
    const sc::ActionSpec* spec = example_catalog().find_participant_action(action.name);
    if (spec == nullptr)
      return make_error(ErrorCode::invalid_input, "unknown action `" + action.name + "`");
    const json p = json::parse(action.params_json, nullptr, false);
    MV_TRY(check_action_params(*spec, p));
    ++taps_;
    emit(sink, "tapped", {{"strength", p.value("strength", 5.0)}, {"count", taps_}});
    return {};
  }

  std::optional<std::string> assess(std::span<const Event> log) const override {
    double taps = 0, strength = 0;
    for (const Event& e : log) {
      if (e.type != "tapped") continue;
      const json p = json::parse(e.payload, nullptr, false);
      if (!p.is_object()) continue;
      ++taps;
      strength += p.value("strength", 0.0);
    }
    assess::Measurements m;
    m["taps_count"] = {taps, "count"};
    m["mean_strength"] = {taps > 0 ? strength / taps : 0.0, ""};
    return assessment_payload(def(), "", log, m).dump();
  }

 protected:
  std::optional<sc::Value> signal(std::string_view name) const override {
    if (name == "taps") return sc::Value(static_cast<double>(taps_));
    return std::nullopt;
  }
  void hash_state(Fnv1a& h) const override { h.add(taps_); }

 private:
  std::uint64_t taps_ = 0;
};

Result<std::shared_ptr<const sc::ScenarioDef>> load(const std::filesystem::path& content,
                                                    const std::string& id) {
  return sc::load_module_scenario(content, example_catalog(), id);
}

}  // namespace

const ModuleDescriptor& example_descriptor() {
  static const ModuleDescriptor kDescriptor = [] {
    ModuleDescriptor m;
    m.id = "example";
    m.title = "Example module";
    m.description = "The smallest module, for people who write modules: tap, and be counted.";
    m.judgement = Judgement::assessed;
    m.catalog = example_catalog;
    m.listed_for = {"admin"};
    m.load_scenario = load;
    m.make_session = [](const std::filesystem::path& content, double tick_rate_hz,
                        const std::string& scenario, const std::string& variant,
                        std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
      (void)seed;
      auto def = load(content, scenario);
      if (!def.ok()) return def.error();
      auto run = sc::ScenarioRun::create(**def, sc::RunOptions{tick_rate_hz, variant});
      if (!run.ok()) return run.error();
      return std::unique_ptr<SessionModule>(
          std::make_unique<ExampleModule>(*def, std::move(*run), tick_rate_hz));
    };
    return m;
  }();
  return kDescriptor;
}

}  // namespace medvision::modules
