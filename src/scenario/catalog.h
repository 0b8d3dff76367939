#pragma once
// What a module offers to scenarios: the actions the runtime passes to the
// host unchanged, the events the host writes to the log, the signals
// triggers may read, and the patient presets and settings. The loader checks
// every scenario against its module's catalog, so a typo is refused when the
// file is loaded, not discovered in the middle of a training session.

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

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

struct Catalog {
  std::string module;
  std::vector<ActionSpec> actions;
  std::vector<EventSpec> events;
  std::vector<SignalSpec> signals;
  std::vector<std::string> patient_presets;  // empty: the module has no patient
  std::vector<ParamSpec> patient_settings;   // modifications a scenario may apply to a preset
  std::vector<ParamSpec> patient_expected;  // what a trainee should decide per patient (triage tag)

  const ActionSpec* find_action(std::string_view name) const;
  const EventSpec* find_event(std::string_view type) const;
  const SignalSpec* find_signal(std::string_view name) const;
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
