#pragma once
// What every scenario-driven module does the same way, written once: events
// go to the log and to the scenario's queue (`emit`), the scenario steps at
// its own rate (a divider of the session's tick rate) reading the module's
// signals and handing back the actions it fires, instructor controls pause,
// resume and cue the scenario, and the session is finished when the
// scenario ends. A module derives from it and adds its world, its actions
// and its assessment. (The emergency and laparoscopy modules still carry
// their own copies of this; docs/modules.md.)

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "scenario/run.h"
#include "scenario/scenario_def.h"
#include "session/session_module.h"

namespace medvision::modules {

class ScenarioHost : public SessionModule {
 public:
  void start(const EventSink& sink) override;
  // Steps the scenario when its divider is due; derived modules that step a
  // world call this after their own step.
  void step(Tick tick, const EventSink& sink) override;
  Status instruct(InstructorControl control, const std::string& text,
                  const EventSink& sink) override;
  bool finished() const override { return run_.ended(); }
  std::uint64_t state_hash() const override;

 protected:
  // `first_step_at_start`: the scenario takes its first step in start(), at
  // tick 0 (otherwise at the first tick scenario_due() accepts).
  ScenarioHost(std::shared_ptr<const scenario::ScenarioDef> def, scenario::ScenarioRun run,
               double tick_rate_hz, double scenario_rate_hz, bool first_step_at_start = true);

  // Whether the scenario steps at the end of `tick`: by default at
  // scenario_rate_hz, a divider of the session's rate.
  virtual bool scenario_due(Tick tick);

  // At tick 0, before the scenario's first step: the `scenario_loaded` event
  // (a module may add to it) and the module's first events.
  virtual void on_start(const EventSink& sink);
  // Just before each scenario step (e.g. a rhythm change the triggers read).
  virtual void before_scenario_step(const EventSink& sink) { (void)sink; }

  // Writes an event to the log and queues it for the scenario's next step.
  void emit(const EventSink& sink, std::string_view type, const nlohmann::json& payload);
  void emit(const EventSink& sink, std::string_view type, const std::string& payload_json);
  // A value the scenario's triggers may read; nothing for an unknown name.
  virtual std::optional<scenario::Value> signal(std::string_view name) const;
  // An action the scenario fires for the module (not a built-in one).
  virtual Status apply_scenario_action(const scenario::HostAction& action, const EventSink& sink);
  // Feeds the module's own state to the state hash.
  virtual void hash_state(Fnv1a& h) const { (void)h; }

  const scenario::ScenarioDef& def() const { return *def_; }
  const scenario::ScenarioRun& run() const { return run_; }
  double tick_rate_hz() const { return tick_rate_hz_; }

 private:
  void run_scenario(Tick tick, const EventSink& sink);

  std::shared_ptr<const scenario::ScenarioDef> def_;
  scenario::ScenarioRun run_;
  double tick_rate_hz_;
  double scenario_rate_hz_;
  bool first_step_at_start_;
  std::uint64_t scenario_steps_ = 0;
  std::vector<scenario::ScenarioEvent> queued_;  // events since the scenario's last step
};

}  // namespace medvision::modules
