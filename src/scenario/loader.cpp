#include "scenario/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "scenario/scenario_graph.h"
#include "scenario/spelling.h"

namespace medvision::scenario {
namespace {

// Conditions nest through all/any/not; deeper than this is not a scenario a
// person wrote, and the bound keeps recursion (and aliased YAML) finite.
constexpr int kMaxConditionDepth = 32;
// Aliases let a small file name the same node many times; every node the
// loader visits costs one unit of this budget.
constexpr long kNodeBudget = 200000;
constexpr std::size_t kMaxMessages = 25;
constexpr std::size_t kMaxFileBytes = 4 * 1024 * 1024;

using Keys = std::initializer_list<std::string_view>;

std::string backticked(const std::string& s) { return "`" + s + "`"; }

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string number_text(double v) { return to_text(Value{v}); }

bool is_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

// How a YAML node reads in a message: the scalar itself or its shape.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      std::string s = node.Scalar();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return "'" + s + "'";
    }
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "nothing";
  }
}

bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

// A map read from YAML with its keys in file order.
struct Object {
  YAML::Node node;
  std::vector<std::pair<std::string, YAML::Node>> entries;

  const YAML::Node* get(std::string_view key) const {
    for (const auto& [k, v] : entries) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

class Loader {
 public:
  Loader(std::string source, const CatalogRegistry& catalogs)
      : source_(std::move(source)), catalogs_(catalogs) {
    def_.source = source_;
  }

  Result<ScenarioDef> load(std::string_view text);

 private:
  // --- messages
  int line_of(const YAML::Node& node) const {
    const int line = node.Mark().line;
    return line < 0 ? 1 : line + 1;  // an empty document has no mark
  }
  void fail_at(int line, const std::string& message) {
    messages_.push_back(source_ + " line " + std::to_string(line) + ": " + message);
  }
  void fail(const YAML::Node& at, const std::string& message) { fail_at(line_of(at), message); }
  bool spend() {
    if (--budget_ >= 0) return true;
    if (budget_ == -1) fail_at(1, "the scenario is too large or too deeply aliased to load");
    return false;
  }

  // --- shapes
  std::optional<Object> object(const YAML::Node& node, const std::string& what, Keys allowed,
                               bool open = false);
  bool require(const Object& obj, std::string_view key, const std::string& what);
  std::vector<YAML::Node> list(const YAML::Node& node, const std::string& field);

  // --- scalars
  std::optional<std::string> text(const YAML::Node& node, const std::string& field);
  std::optional<std::string> name(const YAML::Node& node, const std::string& field);
  std::optional<double> number(const YAML::Node& node, const std::string& field);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& field);
  std::optional<Value> scalar_value(const YAML::Node& node, const std::string& field);
  std::optional<Value> param_value(const YAML::Node& node, const ParamSpec& spec);
  Fields params(const Object& obj, const std::vector<ParamSpec>& specs, const std::string& owner,
                bool check_required);

  // --- sections
  void header(const Object& top);
  void patients(const Object& top);
  std::optional<PatientDef> patient(const YAML::Node& node, bool in_list);
  void roles(const YAML::Node& node);
  void variables(const YAML::Node& node);
  void cues(const YAML::Node& node);
  void objectives(const YAML::Node& node);
  void state_names(const YAML::Node& node);
  void states(const YAML::Node& node);
  std::vector<ActionDef> actions(const YAML::Node& node);
  std::optional<ActionDef> action(const YAML::Node& node);
  void builtin_checks(ActionDef& action, const YAML::Node& node);
  std::optional<TriggerDef> trigger(const YAML::Node& node, const std::string& default_name);
  int condition(const YAML::Node& node, int depth);
  bool comparison(const YAML::Node& node, const std::string& kind, ConditionNode& out);
  Fields where(const YAML::Node& node, const EventSpec& event);
  void rubric(const YAML::Node& node);
  void variants(const YAML::Node& node);
  void graph_checks(const Object& top);

  int state_index(const std::string& name, const YAML::Node& at, const std::string& field);
  std::optional<Value> variable_value(const VariableDef& var, const YAML::Node& node);

  std::string source_;
  const CatalogRegistry& catalogs_;
  const Catalog* catalog_ = nullptr;
  ScenarioDef def_;
  std::vector<std::string> messages_;
  long budget_ = kNodeBudget;
};

// --- shapes ---------------------------------------------------------------

std::optional<Object> Loader::object(const YAML::Node& node, const std::string& what, Keys allowed,
                                     bool open) {
  if (!spend()) return std::nullopt;
  if (!node.IsMap()) {
    fail(node, what + " must be a map of `key: value`, got " + describe(node));
    return std::nullopt;
  }
  Object obj;
  obj.node = node;
  std::vector<std::string> allowed_names(allowed.begin(), allowed.end());
  for (const auto& kv : node) {
    if (!spend()) return std::nullopt;
    if (!kv.first.IsScalar()) {
      fail(kv.first, "keys in " + what + " must be plain names, got " + describe(kv.first));
      continue;
    }
    const std::string key = kv.first.Scalar();
    if (obj.get(key) != nullptr) {
      fail(kv.first, "key " + backticked(key) + " appears twice in " + what);
      continue;
    }
    const bool known = std::find(allowed.begin(), allowed.end(), key) != allowed.end();
    if (!known && !open) {
      const std::string hint = suggestion(key, allowed_names);
      fail(kv.first, "unknown key " + backticked(key) + " in " + what +
                         (hint.empty() ? " (allowed: " + join(allowed_names) + ")"
                                       : "; did you mean " + backticked(hint) + "?"));
      continue;
    }
    obj.entries.emplace_back(key, kv.second);
  }
  return obj;
}

bool Loader::require(const Object& obj, std::string_view key, const std::string& what) {
  if (obj.get(key) != nullptr) return true;
  fail(obj.node, what + " needs " + backticked(std::string(key)));
  return false;
}

std::vector<YAML::Node> Loader::list(const YAML::Node& node, const std::string& field) {
  std::vector<YAML::Node> items;
  if (!node.IsSequence()) {
    fail(node, backticked(field) + " must be a list, got " + describe(node));
    return items;
  }
  for (const auto& item : node) {
    if (!spend()) break;
    items.push_back(item);
  }
  return items;
}

// --- scalars --------------------------------------------------------------

std::optional<std::string> Loader::text(const YAML::Node& node, const std::string& field) {
  if (!node.IsScalar()) {
    fail(node, backticked(field) + " must be a string, got " + describe(node));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> Loader::name(const YAML::Node& node, const std::string& field) {
  auto s = text(node, field);
  if (s && !is_name(*s)) {
    fail(node, backticked(field) +
                   " must be a name of letters, digits, `_` or `-` starting with a letter, got '" +
                   *s + "'");
    return std::nullopt;
  }
  return s;
}

std::optional<double> Loader::number(const YAML::Node& node, const std::string& field) {
  if (node.IsScalar() && !is_quoted(node)) {
    if (auto v = parse_number(node.Scalar())) return v;
  }
  fail(node, backticked(field) + " must be a number, got " + describe(node));
  return std::nullopt;
}

std::optional<bool> Loader::boolean(const YAML::Node& node, const std::string& field) {
  if (node.IsScalar() && !is_quoted(node)) {
    if (node.Scalar() == "true") return true;
    if (node.Scalar() == "false") return false;
  }
  fail(node, backticked(field) + " must be true or false, got " + describe(node));
  return std::nullopt;
}

// Plain scalars that read as numbers or true/false are those; anything
// else (including quoted text) is a string.
std::optional<Value> Loader::scalar_value(const YAML::Node& node, const std::string& field) {
  if (!node.IsScalar()) {
    fail(node,
         backticked(field) + " must be a number, true/false or a string, got " + describe(node));
    return std::nullopt;
  }
  if (!is_quoted(node)) {
    if (auto v = parse_number(node.Scalar())) return Value{*v};
    if (node.Scalar() == "true") return Value{true};
    if (node.Scalar() == "false") return Value{false};
  }
  return Value{node.Scalar()};
}

std::optional<Value> Loader::param_value(const YAML::Node& node, const ParamSpec& spec) {
  switch (spec.type) {
    case ValueType::number: {
      const auto v = number(node, spec.name);
      if (!v) return std::nullopt;
      if (*v < spec.min || *v > spec.max) {
        const std::string unit = spec.unit.empty() ? "" : " " + spec.unit;
        fail(node, backticked(spec.name) + " must be between " + number_text(spec.min) + " and " +
                       number_text(spec.max) + unit + ", got " + number_text(*v));
        return std::nullopt;
      }
      return Value{*v};
    }
    case ValueType::boolean: {
      const auto v = boolean(node, spec.name);
      if (!v) return std::nullopt;
      return Value{*v};
    }
    case ValueType::string: {
      auto v = text(node, spec.name);
      if (!v) return std::nullopt;
      return Value{std::move(*v)};
    }
    case ValueType::enumeration: {
      if (node.IsScalar() && std::find(spec.choices.begin(), spec.choices.end(), node.Scalar()) !=
                                 spec.choices.end()) {
        return Value{node.Scalar()};
      }
      fail(node, backticked(spec.name) + " must be one of " + join(spec.choices) + ", got " +
                     describe(node));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

Fields Loader::params(const Object& obj, const std::vector<ParamSpec>& specs,
                      const std::string& owner, bool check_required) {
  Fields out;
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  for (const auto& [key, value] : obj.entries) {
    const std::string& name = key;  // clang 14 cannot capture a structured binding
    const auto it = std::find_if(specs.begin(), specs.end(),
                                 [&](const ParamSpec& s) { return s.name == name; });
    if (it == specs.end()) {
      const std::string hint = suggestion(key, names);
      fail(value, owner + " has no parameter " + backticked(key) +
                      (hint.empty() ? (names.empty() ? "" : " (it takes " + join(names) + ")")
                                    : "; did you mean " + backticked(hint) + "?"));
      continue;
    }
    if (auto v = param_value(value, *it)) out.emplace(key, std::move(*v));
  }
  if (check_required) {
    for (const auto& s : specs) {
      if (s.required && obj.get(s.name) == nullptr)
        fail(obj.node, owner + " needs " + backticked(s.name));
    }
  }
  return out;
}

// --- sections -------------------------------------------------------------

Result<ScenarioDef> Loader::load(std::string_view text_in) {
  if (text_in.size() > kMaxFileBytes) {
    return make_error(ErrorCode::invalid_input, source_ + ": the file is larger than 4 MiB");
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text_in));
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line < 0 ? 1 : e.mark.line + 1;
    return make_error(ErrorCode::invalid_input,
                      source_ + " line " + std::to_string(line) + ": YAML syntax error: " + e.msg);
  }
  try {
    const auto top =
        object(root, "the scenario",
               {"id", "title", "module", "description", "time_limit_s", "time_limit_outcome",
                "patient", "patients", "roles", "variables", "cues", "initial", "states",
                "triggers", "objectives", "rubric", "variants"});
    if (top) {
      header(*top);
      if (catalog_ != nullptr) {
        patients(*top);
        if (const auto* n = top->get("roles")) roles(*n);
        if (const auto* n = top->get("variables")) variables(*n);
        if (const auto* n = top->get("cues")) cues(*n);
        if (const auto* n = top->get("objectives")) objectives(*n);
        if (require(*top, "states", "the scenario")) {
          state_names(*top->get("states"));
          states(*top->get("states"));
        }
        if (const auto* n = top->get("triggers")) {
          int i = 0;
          for (const auto& item : list(*n, "triggers")) {
            ++i;
            if (auto t = trigger(item, "global." + std::to_string(i)))
              def_.global_triggers.push_back(std::move(*t));
          }
        }
        if (require(*top, "rubric", "the scenario")) rubric(*top->get("rubric"));
        if (const auto* n = top->get("variants")) variants(*n);
        if (messages_.empty()) graph_checks(*top);
      }
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on access it considers invalid; report, never crash.
    fail_at(e.mark.line < 0 ? 1 : e.mark.line + 1,
            std::string("cannot read the scenario: ") + e.msg);
  }
  if (!messages_.empty()) {
    std::vector<std::string> shown(
        messages_.begin(),
        messages_.begin() + static_cast<long>(std::min(messages_.size(), kMaxMessages)));
    if (messages_.size() > kMaxMessages) {
      shown.push_back("... and " + std::to_string(messages_.size() - kMaxMessages) +
                      " more problems");
    }
    return make_error(ErrorCode::invalid_input, join(shown, "\n"));
  }
  // Run-time bookkeeping slots: global triggers first, then each state's.
  int slot = 0;
  for (auto& t : def_.global_triggers) t.slot = slot++;
  for (auto& s : def_.states) {
    for (auto& t : s.transitions) t.slot = slot++;
  }
  def_.trigger_slots = slot;
  return std::move(def_);
}

void Loader::header(const Object& top) {
  if (require(top, "id", "the scenario")) {
    if (auto v = text(*top.get("id"), "id")) def_.id = *v;
  }
  if (require(top, "title", "the scenario")) {
    if (auto v = text(*top.get("title"), "title")) def_.title = *v;
  }
  if (const auto* n = top.get("description")) {
    if (auto v = text(*n, "description")) def_.description = *v;
  }
  if (const auto* n = top.get("time_limit_s")) {
    if (auto v = number(*n, "time_limit_s")) {
      if (*v <= 0) {
        fail(*n, "`time_limit_s` must be positive, got " + number_text(*v));
      } else {
        def_.time_limit_s = *v;
      }
    }
  }
  if (const auto* n = top.get("time_limit_outcome")) {
    const auto spec = enum_param("time_limit_outcome", {"completed", "failed", "aborted"});
    if (auto v = param_value(*n, spec)) {
      const auto& s = std::get<std::string>(*v);
      def_.time_limit_outcome = s == "completed" ? Outcome::completed
                                : s == "failed"  ? Outcome::failed
                                                 : Outcome::aborted;
    }
  }
  if (!require(top, "module", "the scenario")) return;
  const auto module = text(*top.get("module"), "module");
  if (!module) return;
  def_.module = *module;
  catalog_ = catalogs_.find(*module);
  if (catalog_ == nullptr) {
    const auto known = catalogs_.modules();
    const std::string hint = suggestion(*module, known);
    fail(*top.get("module"), "unknown module " + backticked(*module) +
                                 (hint.empty() ? " (registered: " + join(known) + ")"
                                               : "; did you mean " + backticked(hint) + "?"));
  }
}

void Loader::patients(const Object& top) {
  const auto* one = top.get("patient");
  const auto* many = top.get("patients");
  if (one != nullptr && many != nullptr) {
    fail(*many, "declare either `patient` (one) or `patients` (a list), not both");
    return;
  }
  if ((one != nullptr || many != nullptr) && catalog_->patient_presets.empty()) {
    fail(one != nullptr ? *one : *many,
         "module " + backticked(catalog_->module) + " has no patient");
    return;
  }
  if (one != nullptr) {
    if (auto p = patient(*one, false)) def_.patients.push_back(std::move(*p));
  }
  if (many != nullptr) {
    std::set<std::string> ids;
    for (const auto& item : list(*many, "patients")) {
      auto p = patient(item, true);
      if (!p) continue;
      if (!ids.insert(p->id).second) {
        fail(item, "patient id " + backticked(p->id) + " is used twice");
        continue;
      }
      def_.patients.push_back(std::move(*p));
    }
  }
}

std::optional<PatientDef> Loader::patient(const YAML::Node& node, bool in_list) {
  // Settings sit beside `preset`, so the map is open; each key is checked
  // against the catalog's patient settings below.
  const auto obj = object(node, "the patient", {"id", "preset", "expected", "description"}, true);
  if (!obj) return std::nullopt;
  PatientDef p;
  p.line = line_of(node);
  p.id = "patient";
  if ((in_list && require(*obj, "id", "a patient in `patients`")) ||
      (!in_list && obj->get("id") != nullptr)) {
    if (auto v = name(*obj->get("id"), "id")) p.id = *v;
  }
  if (require(*obj, "preset", "the patient")) {
    const YAML::Node& n = *obj->get("preset");
    if (auto v = param_value(n, enum_param("preset", catalog_->patient_presets)))
      p.preset = std::get<std::string>(*v);
  }
  Object settings{node, {}};
  for (const auto& [key, value] : obj->entries) {
    if (key != "id" && key != "preset" && key != "expected" && key != "description")
      settings.entries.emplace_back(key, value);
  }
  p.settings = params(settings, catalog_->patient_settings, "the patient", false);
  if (const auto* n = obj->get("expected")) {
    if (const auto e = object(*n, "`expected`", {}, true)) {
      p.expected = params(*e, catalog_->patient_expected, "`expected`", true);
    }
  }
  return p;
}

void Loader::roles(const YAML::Node& node) {
  std::set<std::string> seen;
  for (const auto& item : list(node, "roles")) {
    const auto obj = object(item, "a role", {"name", "min", "max", "description", "actions"});
    if (!obj || !require(*obj, "name", "a role")) continue;
    RoleDef role;
    const auto n = name(*obj->get("name"), "name");
    if (!n) continue;
    role.name = *n;
    if (!seen.insert(role.name).second) {
      fail(item, "role " + backticked(role.name) + " is declared twice");
      continue;
    }
    const std::string what = "role " + backticked(role.name);
    role.min = 1;
    if (const auto* m = obj->get("min")) {
      if (auto v = number(*m, "min")) {
        if (*v < 0 || std::floor(*v) != *v) {
          fail(*m, what + ": `min` must be a whole number of people, 0 or more, got " +
                       number_text(*v));
        } else {
          role.min = static_cast<int>(std::min(*v, 1000.0));
        }
      }
    }
    role.max = std::max(role.min, 1);
    if (const auto* m = obj->get("max")) {
      if (auto v = number(*m, "max")) {
        if (*v < 1 || std::floor(*v) != *v) {
          fail(*m, what + ": `max` must be a whole number of people, 1 or more, got " +
                       number_text(*v));
        } else {
          role.max = static_cast<int>(std::min(*v, 1000.0));
          if (role.min > role.max) {
            fail(item, what + ": `min` (" + std::to_string(role.min) + ") is greater than `max` (" +
                           std::to_string(role.max) + ")");
          }
        }
      }
    }
    if (const auto* d = obj->get("description")) {
      if (auto v = text(*d, "description")) role.description = *v;
    }
    // The team actions this role may take; an action no role lists is open
    // to every team role (docs/scenarios.md, "Roles").
    if (const auto* a = obj->get("actions")) {
      for (const auto& action : list(*a, "actions")) {
        auto v = name(action, "actions");
        if (!v) continue;
        if (!catalog_->participant_actions.empty() &&
            catalog_->find_participant_action(*v) == nullptr) {
          std::vector<std::string> names;
          for (const auto& m : catalog_->participant_actions) names.push_back(m.name);
          const std::string hint = suggestion(*v, names);
          fail(action, "role " + backticked(role.name) + " lists " + backticked(*v) +
                           ", which is not an action participants of module " +
                           backticked(catalog_->module) + " take" +
                           (hint.empty() ? "" : "; did you mean " + backticked(hint) + "?"));
          continue;
        }
        role.actions.push_back(*v);
      }
    }
    def_.roles.push_back(std::move(role));
  }
}

void Loader::variables(const YAML::Node& node) {
  const auto obj = object(node, "`variables`", {}, true);
  if (!obj) return;
  for (const auto& [key, value] : obj->entries) {
    if (!is_name(key)) {
      fail(value, "variable name " + backticked(key) +
                      " must be letters, digits, `_` or `-` starting with a letter");
      continue;
    }
    if (auto v = scalar_value(value, key)) def_.variables.push_back({key, std::move(*v)});
  }
}

void Loader::cues(const YAML::Node& node) {
  for (const auto& item : list(node, "cues")) {
    CueDef cue;
    if (item.IsScalar()) {
      auto n = name(item, "cue");
      if (!n) continue;
      cue.name = *n;
    } else {
      const auto obj = object(item, "a cue", {"name", "description"});
      if (!obj || !require(*obj, "name", "a cue")) continue;
      auto n = name(*obj->get("name"), "name");
      if (!n) continue;
      cue.name = *n;
      if (const auto* d = obj->get("description")) {
        if (auto v = text(*d, "description")) cue.description = *v;
      }
    }
    if (def_.find_cue(cue.name) >= 0) {
      fail(item, "cue " + backticked(cue.name) + " is declared twice");
      continue;
    }
    def_.cues.push_back(std::move(cue));
  }
}

void Loader::objectives(const YAML::Node& node) {
  for (const auto& item : list(node, "objectives")) {
    const auto obj = object(item, "an objective", {"id", "text"});
    if (!obj || !require(*obj, "id", "an objective") || !require(*obj, "text", "an objective"))
      continue;
    auto id = name(*obj->get("id"), "id");
    auto t = text(*obj->get("text"), "text");
    if (!id || !t) continue;
    for (const auto& o : def_.objectives) {
      if (o.id == *id) fail(item, "objective " + backticked(*id) + " is declared twice");
    }
    def_.objectives.push_back({*id, *t});
  }
}

// State names first, so a transition may name a state declared further down.
void Loader::state_names(const YAML::Node& node) {
  if (!node.IsSequence()) return;  // states() reports the shape
  for (const auto& item : node) {
    if (!spend()) return;
    if (!item.IsMap()) continue;
    for (const auto& kv : item) {
      if (kv.first.IsScalar() && kv.first.Scalar() == "name" && kv.second.IsScalar() &&
          is_name(kv.second.Scalar())) {
        StateDef s;
        s.name = kv.second.Scalar();
        s.line = line_of(item);
        if (def_.find_state(s.name) >= 0) {
          fail(item, "state " + backticked(s.name) + " is declared twice");
        } else {
          def_.states.push_back(std::move(s));
        }
      }
    }
  }
}

void Loader::states(const YAML::Node& node) {
  const auto items = list(node, "states");
  if (node.IsSequence() && items.empty()) fail(node, "`states` needs at least one state");
  for (const auto& item : items) {
    const auto obj = object(item, "a state", {"name", "description", "entry", "transitions"});
    if (!obj || !require(*obj, "name", "a state")) continue;
    const auto n = name(*obj->get("name"), "name");
    if (!n) continue;
    const int index = def_.find_state(*n);
    if (index < 0 || def_.states[static_cast<std::size_t>(index)].line != line_of(item))
      continue;  // a duplicate
    StateDef& s = def_.states[static_cast<std::size_t>(index)];
    if (const auto* d = obj->get("description")) {
      if (auto v = text(*d, "description")) s.description = *v;
    }
    if (const auto* e = obj->get("entry")) s.entry = actions(*e);
    if (const auto* t = obj->get("transitions")) {
      int i = 0;
      for (const auto& titem : list(*t, "transitions")) {
        ++i;
        if (auto trig = trigger(titem, s.name + "." + std::to_string(i))) {
          def_.states[static_cast<std::size_t>(index)].transitions.push_back(std::move(*trig));
        }
      }
    }
  }
}

int Loader::state_index(const std::string& state, const YAML::Node& at, const std::string& field) {
  const int index = def_.find_state(state);
  if (index >= 0) return index;
  std::vector<std::string> names;
  for (const auto& s : def_.states) names.push_back(s.name);
  const std::string hint = suggestion(state, names);
  fail(at, backticked(field) + " names state " + backticked(state) + ", which does not exist" +
               (hint.empty() ? "" : "; did you mean " + backticked(hint) + "?"));
  return -1;
}

std::vector<ActionDef> Loader::actions(const YAML::Node& node) {
  std::vector<ActionDef> out;
  const auto items = list(node, "actions");
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto a = action(items[i]);
    if (!a) continue;
    const bool last = i + 1 == items.size();
    if ((a->kind == ActionDef::Kind::go_to || a->kind == ActionDef::Kind::end) && !last) {
      fail(items[i], backticked(a->name) +
                         " must be the last action of its list; actions after it would never run");
    }
    out.push_back(std::move(*a));
  }
  return out;
}

std::optional<ActionDef> Loader::action(const YAML::Node& node) {
  if (!node.IsMap() || node.size() != 1) {
    fail(node,
         "an action is a map with one key, the action's name (`- give_drug: {drug: epinephrine, "
         "dose_mg: 1}`), got " +
             describe(node));
    return std::nullopt;
  }
  const auto kv = *node.begin();
  if (!kv.first.IsScalar()) {
    fail(node, "an action's name must be a plain name");
    return std::nullopt;
  }
  ActionDef a;
  a.name = kv.first.Scalar();
  a.line = line_of(node);
  const ActionSpec* spec = find_builtin_action(a.name);
  const bool builtin = spec != nullptr;
  if (!builtin) spec = catalog_->find_action(a.name);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& b : builtin_actions()) names.push_back(b.name);
    for (const auto& m : catalog_->actions) names.push_back(m.name);
    const std::string hint = suggestion(a.name, names);
    fail(kv.first, "unknown action " + backticked(a.name) + " for module " +
                       backticked(catalog_->module) +
                       (hint.empty() ? "" : "; did you mean " + backticked(hint) + "?"));
    return std::nullopt;
  }
  YAML::Node body = kv.second;
  // Shorthands: `- goto: cpr` and `- end: completed`.
  if (body.IsScalar() && (a.name == "goto" || a.name == "end")) {
    YAML::Node expanded(YAML::NodeType::Map);
    expanded[a.name == "goto" ? "state" : "outcome"] = body;
    body = expanded;
  }
  if (body.IsNull() && spec->params.empty()) body = YAML::Node(YAML::NodeType::Map);
  const auto obj = object(body, "action " + backticked(a.name), {}, true);
  if (!obj) return std::nullopt;
  if (!builtin) {
    a.kind = ActionDef::Kind::module;
    a.params = params(*obj, spec->params, "action " + backticked(a.name), true);
    return a;
  }
  if (a.name == "set") {
    // `value` takes the variable's type, so it is checked against it, not the spec.
    const auto set_obj = object(body, "action `set`", {"variable", "value", "add"});
    if (!set_obj || !require(*set_obj, "variable", "action `set`")) return std::nullopt;
    a.kind = ActionDef::Kind::set;
    const auto var = text(*set_obj->get("variable"), "variable");
    if (!var) return std::nullopt;
    a.variable = def_.find_variable(*var);
    if (a.variable < 0) {
      fail(*set_obj->get("variable"), "action `set` names variable " + backticked(*var) +
                                          ", which is not declared in `variables`");
      return std::nullopt;
    }
    a.params.emplace("variable", *var);
    const VariableDef& vdef = def_.variables[static_cast<std::size_t>(a.variable)];
    const auto* value = set_obj->get("value");
    const auto* add = set_obj->get("add");
    if ((value == nullptr) == (add == nullptr)) {
      fail(body, "action `set` needs exactly one of `value` or `add`");
      return std::nullopt;
    }
    if (add != nullptr) {
      if (!std::holds_alternative<double>(vdef.initial)) {
        fail(*add, "`add` needs a number variable; " + backticked(vdef.name) + " is not a number");
        return std::nullopt;
      }
      const auto v = number(*add, "add");
      if (!v) return std::nullopt;
      a.add = true;
      a.value = *v;
      a.params.emplace("add", *v);
    } else {
      auto v = variable_value(vdef, *value);
      if (!v) return std::nullopt;
      a.value = *v;
      a.params.emplace("value", *v);
    }
    return a;
  }
  a.params = params(*obj, spec->params, "action " + backticked(a.name), true);
  builtin_checks(a, node);
  return a;
}

void Loader::builtin_checks(ActionDef& a, const YAML::Node& node) {
  const auto get_text = [&](const char* key) -> std::string {
    const auto it = a.params.find(key);
    return it == a.params.end() ? std::string() : to_text(it->second);
  };
  if (a.name == "show_prompt") {
    a.kind = ActionDef::Kind::show_prompt;
    const std::string role = get_text("role");
    if (!role.empty() && std::none_of(def_.roles.begin(), def_.roles.end(),
                                      [&](const RoleDef& r) { return r.name == role; })) {
      fail(node,
           "`show_prompt` names role " + backticked(role) + ", which is not declared in `roles`");
    }
  } else if (a.name == "play_sound") {
    a.kind = ActionDef::Kind::play_sound;
  } else if (a.name == "spawn") {
    a.kind = ActionDef::Kind::spawn;
  } else if (a.name == "remove") {
    a.kind = ActionDef::Kind::remove;
  } else if (a.name == "goto") {
    a.kind = ActionDef::Kind::go_to;
    const std::string state = get_text("state");
    if (!state.empty()) a.target_state = state_index(state, node, "goto");
  } else if (a.name == "end") {
    a.kind = ActionDef::Kind::end;
    const std::string outcome = get_text("outcome");
    a.outcome = outcome == "failed"    ? Outcome::failed
                : outcome == "aborted" ? Outcome::aborted
                                       : Outcome::completed;
  }
}

std::optional<Value> Loader::variable_value(const VariableDef& var, const YAML::Node& node) {
  auto v = scalar_value(node, var.name);
  if (!v) return std::nullopt;
  if (v->index() != var.initial.index()) {
    const char* kinds[] = {"a number", "true or false", "a string"};
    fail(node, "variable " + backticked(var.name) + " holds " + kinds[var.initial.index()] +
                   ", got " + describe(node));
    return std::nullopt;
  }
  return v;
}

std::optional<TriggerDef> Loader::trigger(const YAML::Node& node, const std::string& default_name) {
  const auto obj = object(node, "a trigger", {"name", "when", "actions", "goto"});
  if (!obj) return std::nullopt;
  TriggerDef t;
  t.name = default_name;
  t.line = line_of(node);
  if (const auto* n = obj->get("name")) {
    if (auto v = text(*n, "name")) t.name = *v;
  }
  if (!require(*obj, "when", "trigger " + backticked(t.name))) return std::nullopt;
  t.first_node = static_cast<int>(def_.conditions.size());
  t.condition = condition(*obj->get("when"), 0);
  t.end_node = static_cast<int>(def_.conditions.size());
  if (const auto* a = obj->get("actions")) t.actions = actions(*a);
  const bool goto_action = std::any_of(t.actions.begin(), t.actions.end(), [](const ActionDef& a) {
    return a.kind == ActionDef::Kind::go_to;
  });
  if (const auto* g = obj->get("goto")) {
    if (goto_action)
      fail(*g, "trigger " + backticked(t.name) + " has both `goto` and a `goto` action; keep one");
    if (auto s = text(*g, "goto")) t.target_state = state_index(*s, *g, "goto");
  }
  if (obj->get("actions") == nullptr && obj->get("goto") == nullptr) {
    fail(node, "trigger " + backticked(t.name) + " does nothing; give it `actions` or `goto`");
  }
  if (t.condition < 0) return std::nullopt;
  return t;
}

int Loader::condition(const YAML::Node& node, int depth) {
  if (depth > kMaxConditionDepth) {
    fail(node, "conditions nest deeper than " + std::to_string(kMaxConditionDepth) + " levels");
    return -1;
  }
  static constexpr std::array<std::string_view, 8> kKinds = {"signal",  "variable", "event", "cue",
                                                             "after_s", "all",      "any",   "not"};
  const auto obj = object(node, "a condition",
                          {"signal", "variable", "event", "cue", "after_s", "all", "any", "not",
                           "where", "count", "since"});
  if (!obj) return -1;
  std::vector<std::string> present;
  for (const auto& [key, value] : obj->entries) {
    if (std::find(kKinds.begin(), kKinds.end(), key) != kKinds.end()) present.push_back(key);
  }
  if (present.size() != 1) {
    fail(node, present.empty()
                   ? "a condition needs one of signal, variable, event, cue, after_s, all, any, not"
                   : "a condition has one of signal, variable, event, cue, after_s, all, any, not; "
                     "found " +
                         join(present, " and ") + " (combine them with `all` or `any`)");
    return -1;
  }
  const std::string kind = present.front();
  const auto allowed_extra = [&](std::string_view key, bool allowed) {
    if (const auto* n = obj->get(key); n != nullptr && !allowed) {
      fail(*n, backticked(std::string(key)) + " does not apply to a " + backticked(kind) +
                   " condition");
    }
  };
  allowed_extra("where", kind == "event");
  allowed_extra("count", kind == "event" || kind == "cue");
  allowed_extra("since", kind == "after_s");

  const int index = static_cast<int>(def_.conditions.size());
  def_.conditions.emplace_back();
  ConditionNode c;
  c.line = line_of(node);
  const YAML::Node& body = *obj->get(kind);
  bool ok = true;
  if (kind == "signal" || kind == "variable") {
    ok = comparison(body, kind, c);
  } else if (kind == "event") {
    c.kind = ConditionNode::Kind::event;
    const auto type = text(body, "event");
    const EventSpec* spec = type ? catalog_->find_event(*type) : nullptr;
    if (type && spec == nullptr) {
      std::vector<std::string> names;
      for (const auto& e : catalog_->events) names.push_back(e.type);
      const std::string hint = suggestion(*type, names);
      fail(body, "unknown event " + backticked(*type) + " for module " +
                     backticked(catalog_->module) +
                     (hint.empty() ? "" : "; did you mean " + backticked(hint) + "?"));
    }
    ok = spec != nullptr;
    if (spec != nullptr) {
      c.name = *type;
      if (const auto* w = obj->get("where")) c.where = where(*w, *spec);
    }
  } else if (kind == "cue") {
    c.kind = ConditionNode::Kind::cue;
    const auto cue = text(body, "cue");
    ok = cue.has_value();
    if (cue && def_.find_cue(*cue) < 0) {
      fail(body, "cue " + backticked(*cue) +
                     " is not declared in `cues`, so this trigger can never fire");
      ok = false;
    }
    if (cue) c.name = *cue;
  } else if (kind == "after_s") {
    c.kind = ConditionNode::Kind::time;
    const auto v = number(body, "after_s");
    ok = v.has_value();
    if (v && *v < 0) {
      fail(body, "`after_s` must be 0 or more, got " + number_text(*v));
      ok = false;
    } else if (v && def_.time_limit_s && *v > *def_.time_limit_s) {
      fail(body, "`after_s: " + number_text(*v) +
                     "` can never be reached: the scenario ends at `time_limit_s: " +
                     number_text(*def_.time_limit_s) + "`");
      ok = false;
    }
    if (v) c.after_s = *v;
    if (const auto* s = obj->get("since")) {
      if (s->IsScalar() && (s->Scalar() == "state" || s->Scalar() == "start")) {
        c.since = s->Scalar() == "state" ? TimeBase::state : TimeBase::start;
      } else if (s->IsMap()) {
        const auto since = object(*s, "`since`", {"event", "where"});
        if (since && require(*since, "event", "`since`")) {
          const auto type = text(*since->get("event"), "event");
          const EventSpec* spec = type ? catalog_->find_event(*type) : nullptr;
          if (type && spec == nullptr)
            fail(*since->get("event"), "unknown event " + backticked(*type) + " for module " +
                                           backticked(catalog_->module));
          if (spec != nullptr) {
            c.since = TimeBase::event;
            c.name = *type;
            if (const auto* w = since->get("where")) c.where = where(*w, *spec);
          } else {
            ok = false;
          }
        }
      } else {
        fail(*s,
             "`since` must be `state`, `start` or `{event: ..., where: ...}`, got " + describe(*s));
        ok = false;
      }
    }
  } else if (kind == "all" || kind == "any") {
    c.kind = kind == "all" ? ConditionNode::Kind::all : ConditionNode::Kind::any;
    const auto items = list(body, kind);
    if (body.IsSequence() && items.empty()) {
      fail(body, backticked(kind) + " needs at least one condition");
      ok = false;
    }
    for (const auto& item : items) {
      const int child = condition(item, depth + 1);
      if (child < 0) ok = false;
      c.children.push_back(child);
    }
  } else {  // not
    c.kind = ConditionNode::Kind::negate;
    const int child = condition(body, depth + 1);
    ok = child >= 0;
    c.children.push_back(child);
  }
  if (const auto* n = obj->get("count")) {
    if (const auto v = number(*n, "count")) {
      if (*v < 1 || *v > 1e6 || std::floor(*v) != *v) {
        fail(*n, "`count` must be a whole number from 1, got " + number_text(*v));
        ok = false;
      } else {
        c.count = static_cast<std::uint32_t>(*v);
      }
    }
  }
  def_.conditions[static_cast<std::size_t>(index)] = std::move(c);
  return ok ? index : -1;
}

// "map_mmHg < 65", "rhythm == vf_coarse", "epi_doses >= 1".
bool Loader::comparison(const YAML::Node& node, const std::string& kind, ConditionNode& c) {
  c.kind = kind == "signal" ? ConditionNode::Kind::signal : ConditionNode::Kind::variable;
  const auto expr = text(node, kind);
  if (!expr) return false;
  const std::string& s = *expr;
  std::size_t i = 0;
  while (i < s.size() &&
         (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '-'))
    ++i;
  const std::string lhs = s.substr(0, i);
  while (i < s.size() && s[i] == ' ') ++i;
  static constexpr std::array<std::pair<std::string_view, CompareOp>, 6> kOps = {{
      {"<=", CompareOp::less_equal},
      {">=", CompareOp::greater_equal},
      {"==", CompareOp::equal},
      {"!=", CompareOp::not_equal},
      {"<", CompareOp::less},
      {">", CompareOp::greater},
  }};
  bool have_op = false;
  for (const auto& [text_op, op] : kOps) {
    if (s.compare(i, text_op.size(), text_op) == 0) {
      c.op = op;
      i += text_op.size();
      have_op = true;
      break;
    }
  }
  std::string rhs = i <= s.size() ? s.substr(i) : std::string();
  rhs.erase(0, rhs.find_first_not_of(' '));
  rhs.erase(rhs.find_last_not_of(' ') + 1);
  if (lhs.empty() || !have_op || rhs.empty()) {
    fail(node, "'" + s +
                   "' is not a comparison; write `name op value` with op one of <, <=, >, >=, ==, "
                   "!= (e.g. `map_mmHg < 65`)");
    return false;
  }
  c.name = lhs;
  const std::optional<double> as_number = parse_number(rhs);
  const bool ordering = c.op != CompareOp::equal && c.op != CompareOp::not_equal;

  if (kind == "variable") {
    c.variable = def_.find_variable(lhs);
    if (c.variable < 0) {
      fail(node, "variable " + backticked(lhs) + " is not declared in `variables`");
      return false;
    }
    const Value& initial = def_.variables[static_cast<std::size_t>(c.variable)].initial;
    if (std::holds_alternative<double>(initial)) {
      if (!as_number) {
        fail(node, "variable " + backticked(lhs) + " is a number; compare it with a number, not '" +
                       rhs + "'");
        return false;
      }
      c.value = *as_number;
      return true;
    }
    if (ordering) {
      fail(node, "variable " + backticked(lhs) + " is not a number; compare it with == or !=");
      return false;
    }
    if (std::holds_alternative<bool>(initial)) {
      if (rhs != "true" && rhs != "false") {
        fail(node, "variable " + backticked(lhs) +
                       " is true or false; compare it with true or false, not '" + rhs + "'");
        return false;
      }
      c.value = rhs == "true";
      return true;
    }
    c.value = rhs;
    return true;
  }

  const SignalSpec* spec = catalog_->find_signal(lhs);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& sig : catalog_->signals) names.push_back(sig.name);
    const std::string hint = suggestion(lhs, names);
    fail(node, "unknown signal " + backticked(lhs) + " for module " + backticked(catalog_->module) +
                   (hint.empty() ? "" : "; did you mean " + backticked(hint) + "?"));
    return false;
  }
  if (spec->type == ValueType::enumeration) {
    if (ordering) {
      fail(node, "signal " + backticked(lhs) + " takes named values; compare it with == or !=");
      return false;
    }
    if (std::find(spec->values.begin(), spec->values.end(), rhs) == spec->values.end()) {
      fail(node, "'" + s + "' can never be decided: " + backticked(lhs) + " takes " +
                     join(spec->values) + ", never '" + rhs + "'");
      return false;
    }
    c.value = rhs;
    return true;
  }
  if (!as_number) {
    fail(node,
         "signal " + backticked(lhs) + " is a number; compare it with a number, not '" + rhs + "'");
    return false;
  }
  const double v = *as_number;
  bool never = false;
  switch (c.op) {
    case CompareOp::less:
      never = v <= spec->min;
      break;
    case CompareOp::less_equal:
      never = v < spec->min;
      break;
    case CompareOp::greater:
      never = v >= spec->max;
      break;
    case CompareOp::greater_equal:
      never = v > spec->max;
      break;
    case CompareOp::equal:
      never = v < spec->min || v > spec->max;
      break;
    case CompareOp::not_equal:
      break;
  }
  if (never) {
    const std::string unit = spec->unit.empty() ? "" : " " + spec->unit;
    fail(node, "'" + s + "' can never be true: " + backticked(lhs) + " ranges from " +
                   number_text(spec->min) + " to " + number_text(spec->max) + unit);
    return false;
  }
  c.value = v;
  return true;
}

Fields Loader::where(const YAML::Node& node, const EventSpec& event) {
  const auto obj = object(node, "`where`", {}, true);
  if (!obj) return {};
  return params(*obj, event.fields, "event " + backticked(event.type), false);
}

void Loader::rubric(const YAML::Node& node) {
  const auto obj = object(node, "the rubric", {"proficiency", "items"});
  if (!obj) return;
  if (require(*obj, "proficiency", "the rubric")) {
    if (auto v = param_value(*obj->get("proficiency"), number_param("proficiency", 0, 100))) {
      def_.rubric.proficiency = std::get<double>(*v);
    }
  }
  if (!require(*obj, "items", "the rubric")) return;
  const auto items = list(*obj->get("items"), "items");
  if (obj->get("items")->IsSequence() && items.empty())
    fail(*obj->get("items"), "the rubric needs at least one item");
  for (const auto& item : items) {
    const auto it =
        object(item, "a rubric item",
               {"metric", "weight", "at_least", "at_most", "unit", "feedback", "objective"});
    if (!it || !require(*it, "metric", "a rubric item") ||
        !require(*it, "feedback", "a rubric item"))
      continue;
    RubricItem r;
    if (auto v = name(*it->get("metric"), "metric")) {
      r.metric = *v;
      if (const auto* spec = catalog_->find_metric(*v); spec != nullptr) r.label = spec->label;
      // A metric the module does not compute would fail every trainee.
      if (!catalog_->metrics.empty() && catalog_->find_metric(*v) == nullptr) {
        std::vector<std::string> names;
        for (const auto& m : catalog_->metrics) names.push_back(m.name);
        const std::string hint = suggestion(*v, names);
        fail(*it->get("metric"),
             "rubric item names metric " + backticked(*v) + ", which module " +
                 backticked(catalog_->module) + " does not measure" +
                 (hint.empty() ? "" : "; did you mean " + backticked(hint) + "?"));
      }
    }
    if (auto v = text(*it->get("feedback"), "feedback")) r.feedback = *v;
    const std::string what = "rubric item " + backticked(r.metric);
    if (const auto* w = it->get("weight")) {
      if (auto v = number(*w, "weight")) {
        if (*v <= 0) {
          fail(*w, what + ": `weight` must be positive, got " + number_text(*v));
        } else {
          r.weight = *v;
        }
      }
    }
    if (const auto* n = it->get("at_least")) r.min = number(*n, "at_least");
    if (const auto* n = it->get("at_most")) r.max = number(*n, "at_most");
    if (!it->get("at_least") && !it->get("at_most")) {
      fail(item, what + " needs a target: `at_least`, `at_most` or both");
    }
    if (r.min && r.max && *r.min > *r.max) {
      fail(item, what + ": `at_least` (" + number_text(*r.min) + ") is greater than `at_most` (" +
                     number_text(*r.max) + "), so it can never pass");
    }
    if (const auto* n = it->get("unit")) {
      if (auto v = text(*n, "unit")) r.unit = *v;
    }
    if (const auto* n = it->get("objective")) {
      if (auto v = text(*n, "objective")) {
        r.objective = *v;
        if (std::none_of(def_.objectives.begin(), def_.objectives.end(),
                         [&](const ObjectiveDef& o) { return o.id == *v; })) {
          fail(*n, what + " names objective " + backticked(*v) +
                       ", which is not declared in `objectives`");
        }
      }
    }
    def_.rubric.items.push_back(std::move(r));
  }
}

void Loader::variants(const YAML::Node& node) {
  for (const auto& item : list(node, "variants")) {
    const auto obj =
        object(item, "a variant", {"name", "title", "description", "patient", "variables"});
    if (!obj || !require(*obj, "name", "a variant")) continue;
    VariantDef v;
    if (auto n = name(*obj->get("name"), "name")) v.name = *n;
    if (def_.find_variant(v.name) != nullptr) {
      fail(item, "variant " + backticked(v.name) + " is declared twice");
      continue;
    }
    if (const auto* n = obj->get("title")) {
      if (auto t = text(*n, "title")) v.title = *t;
    }
    if (const auto* n = obj->get("description")) {
      if (auto t = text(*n, "description")) v.description = *t;
    }
    if (const auto* n = obj->get("patient")) {
      if (def_.patients.size() != 1) {
        fail(*n, "variant " + backticked(v.name) +
                     " modifies `patient`, but the scenario does not have exactly one patient");
      } else if (const auto p = object(*n, "the variant's patient", {}, true)) {
        v.patient = params(*p, catalog_->patient_settings, "the patient", false);
      }
    }
    if (const auto* n = obj->get("variables")) {
      if (const auto vars = object(*n, "the variant's variables", {}, true)) {
        for (const auto& [key, value] : vars->entries) {
          const int index = def_.find_variable(key);
          if (index < 0) {
            fail(value, "variant " + backticked(v.name) + " sets variable " + backticked(key) +
                            ", which is not declared in `variables`");
            continue;
          }
          if (auto val = variable_value(def_.variables[static_cast<std::size_t>(index)], value))
            v.variables.emplace(key, *val);
        }
      }
    }
    def_.variants.push_back(std::move(v));
  }
}

void Loader::graph_checks(const Object& top) {
  if (const auto* n = top.get("initial")) {
    if (auto s = text(*n, "initial")) {
      const int index = state_index(*s, *n, "initial");
      if (index >= 0) def_.initial_state = index;
    }
  }
  if (!messages_.empty()) return;
  for (const auto& problem : entry_goto_loops(def_)) fail_at(problem.line, problem.message);
  for (const auto& problem : unreachable_states(def_)) fail_at(problem.line, problem.message);
}

}  // namespace

Result<ScenarioDef> parse_scenario(std::string_view yaml_text, std::string_view source_name,
                                   const CatalogRegistry& catalogs) {
  Loader loader{std::string(source_name), catalogs};
  return loader.load(yaml_text);
}

Result<ScenarioDef> load_scenario_file(const std::filesystem::path& path,
                                       const CatalogRegistry& catalogs) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "cannot read scenario file " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path.filename().string(), catalogs);
}

Result<std::shared_ptr<const ScenarioDef>> load_module_scenario(
    const std::filesystem::path& content_root, const Catalog& catalog,
    const std::string& scenario_id) {
  if (scenario_id.empty() || scenario_id.find_first_not_of(
                                 "abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    return make_error(
        ErrorCode::invalid_input,
        "scenario id '" + scenario_id + "' must be lower-case letters, digits and dashes");
  }
  CatalogRegistry registry;
  MV_TRY(registry.add(catalog));
  const auto path = content_root / "scenarios" / catalog.module / (scenario_id + ".yaml");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return make_error(ErrorCode::not_found, "no " + catalog.module + " scenario '" + scenario_id +
                                                "' (looked for " + path.string() + ")");
  }
  auto def = load_scenario_file(path, registry);
  if (!def.ok()) return def.error();
  return std::shared_ptr<const ScenarioDef>(std::make_shared<ScenarioDef>(std::move(*def)));
}

}  // namespace medvision::scenario
