#pragma once
// ScenarioRun: the state of one scenario being played, advanced by the host
// at fixed ticks. It is a plain copyable value (copy it to snapshot or
// rewind) and reads nothing but its inputs: no wall time, no randomness, so
// the same inputs give the same outputs, bit for bit.
//
// Each step the host passes the session tick, a lookup for signals and the
// session's new events; the run returns the actions for the host to apply
// (module actions, prompts, sounds, objects) and the events to append to the
// session log. Instructor controls (pause, resume, cue, observation) are
// queued and take effect at the next step, so they too are stamped with a
// tick and appear in the log in order.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "scenario/scenario_def.h"
#include "scenario/value.h"

namespace medvision::scenario {

// A session event as the runtime sees it: its type and flat payload.
struct ScenarioEvent {
  std::string type;
  Fields fields;
};

// The host's current value of a signal, or nothing when it has none (a
// condition on a missing signal is false).
using SignalLookup = std::function<std::optional<Value>(std::string_view name)>;

struct HostAction {
  std::string name;  // "give_drug", "show_prompt", "play_sound", "spawn", "remove"
  Fields params;
};

struct EmittedEvent {
  std::string type;
  Fields payload;
  std::string payload_json() const { return to_json(payload); }
};

struct StepOutput {
  std::vector<HostAction> actions;
  std::vector<EmittedEvent> events;
};

struct RunOptions {
  double tick_rate_hz = 1000.0;  // the host's tick rate: converts ticks to seconds
  std::string variant;           // empty: the base scenario
};

class ScenarioRun {
 public:
  // `def` must outlive the run and its copies.
  static Result<ScenarioRun> create(const ScenarioDef& def, RunOptions options);

  // The first call starts the scenario at `tick`. After the scenario has
  // ended, returns nothing.
  StepOutput step(Tick tick, const SignalLookup& signals, std::span<const ScenarioEvent> events);

  // Instructor controls, applied at the next step in the order given.
  Status pause(std::string by = {});
  Status resume(std::string by = {});
  Status inject_cue(std::string_view cue, std::string by = {});
  Status observe(std::string text, std::string by = {});

  const ScenarioDef& def() const { return *def_; }
  bool started() const { return started_; }
  bool ended() const { return outcome_.has_value(); }
  bool paused() const { return paused_; }
  std::optional<Outcome> outcome() const { return outcome_; }
  const std::string& state() const;
  double elapsed_s() const;  // scenario time: paused time does not count
  const Value* variable(std::string_view name) const;

 private:
  struct Control {
    enum class Kind { pause, resume, cue, observation } kind;
    std::string text;  // cue name or observation text
    std::string by;
  };

  ScenarioRun(const ScenarioDef& def, RunOptions options);

  // One step, in order (see step()).
  void start(StepOutput& out);
  void advance_time(Tick tick);
  void apply_control(const Control& control, StepOutput& out);
  void record_event(const ScenarioEvent& event);
  void record_cue(std::string_view cue);
  void evaluate(const SignalLookup& signals, StepOutput& out);

  bool fire(const TriggerDef& trigger, const SignalLookup& signals, StepOutput& out);
  void run_actions(const std::vector<ActionDef>& actions, int& target, StepOutput& out);
  void enter(int target, StepOutput& out);
  void finish(Outcome outcome, const std::string& reason, StepOutput& out);
  void arm(const TriggerDef& trigger);
  void consume(const TriggerDef& trigger);
  bool holds(int node, const SignalLookup& signals) const;
  std::uint64_t ticks_for(double seconds) const;

  const ScenarioDef* def_;
  RunOptions options_;
  std::vector<Value> variables_;
  std::vector<std::uint32_t> counts_;  // per condition node: events or cues since armed
  std::vector<std::uint64_t> marks_;   // per time-since-event node: scenario tick of the latest
  std::vector<char> has_mark_;
  std::vector<char> was_true_;  // per trigger slot: its condition at the last evaluation
  std::vector<Control> controls_;
  int state_ = -1;
  std::uint64_t now_ = 0;            // scenario ticks, paused time excluded
  std::uint64_t state_entered_ = 0;  // scenario tick the current state was entered
  Tick last_tick_ = 0;
  bool started_ = false;
  bool paused_ = false;
  std::optional<Outcome> outcome_;
};

}  // namespace medvision::scenario
