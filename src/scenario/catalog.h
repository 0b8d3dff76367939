#pragma once
// What a module offers to scenarios: the actions the runtime passes to the
// host unchanged, the events the host writes to the log, the signals
// triggers may read, and the patient presets and settings. The loader checks
// every scenario against its module's catalog, so a typo is refused when the
// file is loaded, not discovered in the middle of a training session.

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "scenario/value.h"

namespace medvision::scenario {

enum class ValueType { number, string, boolean, enumeration };
const char* to_string(ValueType type);

struct ParamSpec {
  std::string name;
  ValueType type = ValueType::number;
  bool required = true;
  double min = -std::numeric_limits<double>::infinity();  // numbers only, inclusive
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // enumerations only
  std::string unit;                  // documentation: "mL", "mg"

  // For clients that build a form from the spec (served by GET /api/scenarios).
  std::string label;                       // "dose"; empty: the name without underscores
  std::optional<Value> default_value;      // what the module uses when it is left out
  double step = 0;                         // numbers: the form's step (0: any)
  std::vector<std::string> choice_labels;  // enumerations: a label per choice, or empty
  // The choices are not fixed but the session's: "roles" (the scenario's
  // roles) or "casualties" (a triage scenario's patients).
  std::string choices_from;
  // A number whose usual value follows another parameter (a drug's dose).
  std::string suggest_from;
  std::map<std::string, double> suggestions;
};

// Shorthands for building catalogs.
ParamSpec number_param(std::string name, double min, double max, std::string unit = {},
                       bool required = true);
ParamSpec string_param(std::string name, bool required = true);
ParamSpec bool_param(std::string name, bool required = true);
ParamSpec enum_param(std::string name, std::vector<std::string> choices, bool required = true);
inline ParamSpec optional_param(ParamSpec spec) {
  spec.required = false;
  return spec;
}

struct ActionSpec {
  std::string name;
  std::vector<ParamSpec> params;
  const ParamSpec* find(std::string_view param) const;
  // For participants' actions, as clients show them.
  std::string label = {};  // "Give drug"
  std::string group = {};  // "circulation": actions are shown grouped
  // What the action needs in the session: "patient" (a single patient),
  // "casualties" (a triage scenario) or nothing.
  std::string needs = {};
};

// A measure a module computes for rubrics and outcomes (src/assess).
struct MetricSpec {
  std::string name;   // "time_to_first_shock_s"
  std::string unit;   // "s", "%", "count", "boolean"
  std::string label;  // "Time to first shock"
};

// An event type the host writes to the session log; `fields` are the payload
// keys a trigger may match with `where`.
struct EventSpec {
  std::string type;
  std::vector<ParamSpec> fields;
  const ParamSpec* find(std::string_view field) const;
};

// A value the host can read at every step. Numeric signals declare the range
// they can take so that a comparison outside it is refused as never firing.
struct SignalSpec {
  std::string name;
  ValueType type = ValueType::number;  // number or enumeration
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> values;  // enumerations only
  std::string unit;
};

// A numeric signal that can take values in [min, max].
SignalSpec number_signal(std::string name, double min, double max, std::string unit = {});

struct Catalog {
  std::string module;
  std::vector<ActionSpec> actions;
  std::vector<EventSpec> events;
  std::vector<SignalSpec> signals;
  std::vector<std::string> patient_presets;  // empty: the module has no patient
  std::vector<ParamSpec> patient_settings;   // modifications a scenario may apply to a preset
  std::vector<ParamSpec> patient_expected;  // what a trainee should decide per patient (triage tag)
  // What participants may do (roles list these by name) and what the module
  // measures (rubric items name these). Empty lists are not checked.
  std::vector<ActionSpec> participant_actions;
  std::vector<MetricSpec> metrics;

  const ActionSpec* find_action(std::string_view name) const;
  const EventSpec* find_event(std::string_view type) const;
  const SignalSpec* find_signal(std::string_view name) const;
  const ActionSpec* find_participant_action(std::string_view name) const;
  const MetricSpec* find_metric(std::string_view name) const;
};

// The actions the runtime itself carries out or emits: show_prompt,
// play_sound, spawn, remove, goto, end, set. Module actions may not reuse
// these names.
const std::vector<ActionSpec>& builtin_actions();
const ActionSpec* find_builtin_action(std::string_view name);

// Module name -> catalog. Modules register theirs at start-up; the loader
// picks the one a scenario's `module` names.
class CatalogRegistry {
 public:
  // Refuses a second catalog for one module, a module action named like a
  // built-in one, and duplicate names inside the catalog.
  Status add(Catalog catalog);
  const Catalog* find(std::string_view module) const;
  std::vector<std::string> modules() const;

 private:
  std::map<std::string, Catalog, std::less<>> catalogs_;
};

}  // namespace medvision::scenario
