#include "scenario/catalog.h"

#include <set>

namespace medvision::scenario {
namespace {

template <class T, class Name>
const T* find_named(const std::vector<T>& items, std::string_view name, Name name_of) {
  for (const auto& item : items) {
    if (name_of(item) == name) return &item;
  }
  return nullptr;
}

template <class T, class Name>
Status check_unique(const std::vector<T>& items, const std::string& what, const std::string& module,
                    Name name_of) {
  std::set<std::string, std::less<>> seen;
  for (const auto& item : items) {
    if (!seen.insert(name_of(item)).second) {
      return make_error(ErrorCode::conflict, "catalog `" + module + "` declares " + what + " `" +
                                                 name_of(item) + "` twice");
    }
  }
  return {};
}

}  // namespace

const char* to_string(ValueType type) {
  switch (type) {
    case ValueType::number:
      return "number";
    case ValueType::string:
      return "string";
    case ValueType::boolean:
      return "boolean";
    case ValueType::enumeration:
      return "enumeration";
  }
  return "unknown";
}

ParamSpec number_param(std::string name, double min, double max, std::string unit, bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ValueType::number;
  p.min = min;
  p.max = max;
  p.unit = std::move(unit);
  p.required = required;
  return p;
}

SignalSpec number_signal(std::string name, double min, double max, std::string unit) {
  SignalSpec s;
  s.name = std::move(name);
  s.type = ValueType::number;
  s.min = min;
  s.max = max;
  s.unit = std::move(unit);
  return s;
}

ParamSpec string_param(std::string name, bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ValueType::string;
  p.required = required;
  return p;
}

ParamSpec bool_param(std::string name, bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ValueType::boolean;
  p.required = required;
  return p;
}

ParamSpec enum_param(std::string name, std::vector<std::string> choices, bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ValueType::enumeration;
  p.choices = std::move(choices);
  p.required = required;
  return p;
}

const ParamSpec* ActionSpec::find(std::string_view param) const {
  return find_named(params, param, [](const ParamSpec& p) -> const std::string& { return p.name; });
}

const ParamSpec* EventSpec::find(std::string_view field) const {
  return find_named(fields, field, [](const ParamSpec& p) -> const std::string& { return p.name; });
}

const ActionSpec* Catalog::find_action(std::string_view name) const {
  return find_named(actions, name,
                    [](const ActionSpec& a) -> const std::string& { return a.name; });
}

const EventSpec* Catalog::find_event(std::string_view type) const {
  return find_named(events, type, [](const EventSpec& e) -> const std::string& { return e.type; });
}

const SignalSpec* Catalog::find_signal(std::string_view name) const {
  return find_named(signals, name,
                    [](const SignalSpec& s) -> const std::string& { return s.name; });
}

const ActionSpec* Catalog::find_participant_action(std::string_view name) const {
  return find_named(participant_actions, name,
                    [](const ActionSpec& a) -> const std::string& { return a.name; });
}

const MetricSpec* Catalog::find_metric(std::string_view name) const {
  return find_named(metrics, name,
                    [](const MetricSpec& m) -> const std::string& { return m.name; });
}

const std::vector<ActionSpec>& builtin_actions() {
  // `goto` and `set` are checked further by the loader (the state and the
  // variable must exist, the value must fit the variable's type).
  static const std::vector<ActionSpec> kBuiltins = {
      {"show_prompt", {string_param("text"), string_param("role", false)}},
      {"play_sound", {string_param("sound")}},
      {"spawn", {string_param("object")}},
      {"remove", {string_param("object")}},
      {"goto", {string_param("state")}},
      {"end", {enum_param("outcome", {"completed", "failed", "aborted"})}},
      {"set",
       {string_param("variable"), string_param("value", false),
        number_param("add", -1e12, 1e12, {}, false)}},
  };
  return kBuiltins;
}

const ActionSpec* find_builtin_action(std::string_view name) {
  return find_named(builtin_actions(), name,
                    [](const ActionSpec& a) -> const std::string& { return a.name; });
}

Status CatalogRegistry::add(Catalog catalog) {
  if (catalog.module.empty())
    return make_error(ErrorCode::invalid_input, "a catalog needs a module name");
  if (catalogs_.count(catalog.module) != 0) {
    return make_error(ErrorCode::conflict,
                      "a catalog for module `" + catalog.module + "` is already registered");
  }
  for (const auto& action : catalog.actions) {
    if (find_builtin_action(action.name) != nullptr) {
      return make_error(ErrorCode::conflict, "catalog `" + catalog.module + "` action `" +
                                                 action.name +
                                                 "` has the name of a built-in action");
    }
    for (const auto& p : action.params) {
      // `action` is the key under which the runtime logs the action's name.
      if (p.name == "action") {
        return make_error(ErrorCode::invalid_input,
                          "catalog `" + catalog.module + "` action `" + action.name +
                              "` may not have a parameter named `action`");
      }
    }
    MV_TRY(check_unique(action.params, "parameter of `" + action.name + "`", catalog.module,
                        [](const ParamSpec& p) { return p.name; }));
  }
  MV_TRY(check_unique(catalog.actions, "action", catalog.module,
                      [](const ActionSpec& a) { return a.name; }));
  MV_TRY(check_unique(catalog.events, "event", catalog.module,
                      [](const EventSpec& e) { return e.type; }));
  MV_TRY(check_unique(catalog.signals, "signal", catalog.module,
                      [](const SignalSpec& s) { return s.name; }));
  MV_TRY(check_unique(catalog.patient_settings, "patient setting", catalog.module,
                      [](const ParamSpec& p) { return p.name; }));
  MV_TRY(check_unique(catalog.participant_actions, "participant action", catalog.module,
                      [](const ActionSpec& a) { return a.name; }));
  for (const auto& action : catalog.participant_actions) {
    MV_TRY(check_unique(action.params, "parameter of `" + action.name + "`", catalog.module,
                        [](const ParamSpec& p) { return p.name; }));
  }
  MV_TRY(check_unique(catalog.metrics, "metric", catalog.module,
                      [](const MetricSpec& m) { return m.name; }));
  const std::string module = catalog.module;
  catalogs_.emplace(module, std::move(catalog));
  return {};
}

const Catalog* CatalogRegistry::find(std::string_view module) const {
  const auto it = catalogs_.find(module);
  return it == catalogs_.end() ? nullptr : &it->second;
}

std::vector<std::string> CatalogRegistry::modules() const {
  std::vector<std::string> names;
  for (const auto& [name, catalog] : catalogs_) names.push_back(name);
  return names;
}

}  // namespace medvision::scenario
