#pragma once
// ScenarioDef: the constant description of a scenario, as the loader built
// and checked it. Names are resolved to indices here so that the runtime
// (ScenarioRun) never searches by name while it steps.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/value.h"

namespace medvision::scenario {

enum class Outcome { completed, failed, aborted };
const char* to_string(Outcome outcome);

enum class CompareOp { less, less_equal, greater, greater_equal, equal, not_equal };
const char* to_string(CompareOp op);

enum class TimeBase {
  state,  // seconds since the current state was entered
  start,  // seconds since the scenario started
  event,  // seconds since the latest matching event (never true before one)
};

struct ConditionNode {
  enum class Kind { signal, variable, event, cue, time, all, any, negate };
  Kind kind = Kind::all;
  std::string name;   // signal, variable, event type or cue
  int variable = -1;  // variable: index into ScenarioDef::variables
  CompareOp op = CompareOp::equal;
  Value value;              // signal, variable: the right-hand side
  Fields where;             // event, or time since an event: payload fields that must match
  std::uint32_t count = 1;  // event, cue: how many since the trigger was armed
  double after_s = 0;       // time
  TimeBase since = TimeBase::state;
  std::vector<int> children;  // all, any, negate: indices into ScenarioDef::conditions
  int line = 0;
};

struct ActionDef {
  enum class Kind { show_prompt, play_sound, spawn, remove, go_to, end, set, module };
  Kind kind = Kind::module;
  std::string name;                      // as written: "show_prompt", "give_drug"
  Fields params;                         // as written, checked against the action's spec
  int target_state = -1;                 // go_to
  Outcome outcome = Outcome::completed;  // end
  int variable = -1;                     // set
  bool add = false;                      // set: add `value` (a number) instead of replacing
  Value value;                           // set
  int line = 0;
};

// A condition and what happens when it becomes true: actions in order, then
// (optionally) a transition. Inside a state this is a transition; at the top
// level of the file a global trigger, armed in every state.
struct TriggerDef {
  std::string name;
  int condition = -1;  // root node in ScenarioDef::conditions
  int first_node = 0;  // the condition tree occupies [first_node, end_node)
  int end_node = 0;
  std::vector<ActionDef> actions;
  int target_state = -1;
  int slot = 0;  // index of this trigger's run-time bookkeeping
  int line = 0;
};

struct StateDef {
  std::string name;
  std::string description;
  std::vector<ActionDef> entry;
  std::vector<TriggerDef> transitions;
  int line = 0;
};

struct RoleDef {
  std::string name;
  std::string description;
  int min = 0;
  int max = 1;
  std::vector<std::string>
      actions;  // team actions only this role (and others listing them) may take
};

struct CueDef {
  std::string name;
  std::string description;
};

struct VariableDef {
  std::string name;
  Value initial;
};

struct PatientDef {
  std::string id;  // "patient" when the file declares a single `patient`
  std::string preset;
  Fields settings;  // modifications of the preset
  Fields expected;  // what the trainee should decide (a triage tag)
  int line = 0;
};

struct ObjectiveDef {
  std::string id;
  std::string text;
};

// One scored item. src/assess computes the metric from the event log; the
// item passes when the value lies within [min, max] (either may be absent).
struct RubricItem {
  std::string metric;
  std::string label;  // the metric's label from the module's vocabulary ("Time to first shock")
  double weight = 1;
  std::optional<double> min;
  std::optional<double> max;
  std::string unit;
  std::string feedback;   // shown when the item is missed
  std::string objective;  // optional: the objective it measures
};

struct Rubric {
  double proficiency = 0;  // pass score, 0-100
  std::vector<RubricItem> items;
};

// A variation of the scenario (a reversible cause in ACLS): patient
// modifications and variable values that replace the defaults.
struct VariantDef {
  std::string name;
  std::string title;
  std::string description;
  Fields patient;
  Fields variables;
};

struct ScenarioDef {
  std::string source;  // file name used in messages
  std::string id;
  std::string title;
  std::string module;
  std::string description;
  std::optional<double> time_limit_s;
  Outcome time_limit_outcome = Outcome::failed;
  std::vector<PatientDef> patients;
  std::vector<RoleDef> roles;
  std::vector<VariableDef> variables;
  std::vector<CueDef> cues;
  std::vector<StateDef> states;
  int initial_state = 0;
  std::vector<TriggerDef> global_triggers;
  std::vector<ObjectiveDef> objectives;
  Rubric rubric;
  std::vector<VariantDef> variants;

  std::vector<ConditionNode> conditions;  // every trigger's condition tree, flat
  int trigger_slots = 0;                  // global triggers plus every state's transitions

  int find_state(std::string_view name) const;
  int find_variable(std::string_view name) const;
  int find_cue(std::string_view name) const;
  const VariantDef* find_variant(std::string_view name) const;
  // Whether a member holding `team_role` may take `action`: yes when no role
  // lists the action, else only the roles that list it.
  bool role_may_take(std::string_view team_role, std::string_view action) const;
};

// The patients as a variant modifies them (the base ones for an empty name).
std::vector<PatientDef> patients_for_variant(const ScenarioDef& def, std::string_view variant);

}  // namespace medvision::scenario
