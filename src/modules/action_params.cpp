#include "modules/action_params.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace medvision::modules {
namespace {

using nlohmann::json;
using scenario::ValueType;

Error bad(const std::string& why) { return make_error(ErrorCode::invalid_input, why); }

std::string either(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

// "dose_mg" -> "dose mg": a label for a name that declares none.
std::string words(const std::string& label, const std::string& name) {
  if (!label.empty()) return label;
  std::string out = name;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

json value_json(const scenario::Value& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const bool* b = std::get_if<bool>(&v)) return *b;
  return std::get<std::string>(v);
}

}  // namespace

Status check_action_params(const scenario::ActionSpec& spec, const json& params) {
  if (!params.is_object()) return bad("action parameters must be a JSON object");
  for (const auto& [key, value] : params.items()) {
    (void)value;
    if (spec.find(key) == nullptr)
      return bad("`" + spec.name + "` takes no parameter `" + key + "`");
  }
  for (const auto& p : spec.params) {
    const std::string tick = "`" + p.name + "`";
    if (!params.contains(p.name)) {
      if (p.required) return bad(tick + " is required");
      continue;
    }
    const json& v = params[p.name];
    switch (p.type) {
      case ValueType::number: {
        if (!v.is_number()) return bad(tick + " must be a number");
        const double d = v.get<double>();
        if (!std::isfinite(d)) return bad(tick + " must be finite");
        if (d < p.min || d > p.max) {
          auto text = [](double x) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", x);
            return std::string(buf);
          };
          return bad(tick + " must be between " + text(p.min) + " and " + text(p.max) +
                     (p.unit.empty() ? "" : " " + p.unit));
        }
        break;
      }
      case ValueType::boolean:
        if (!v.is_boolean()) return bad(tick + " must be true or false");
        break;
      case ValueType::string:
        if (!v.is_string()) return bad(tick + " must be a string");
        break;
      case ValueType::enumeration: {
        if (!v.is_string()) return bad(tick + " must be " + either(p.choices));
        const std::string& word = v.get_ref<const std::string&>();
        if (std::find(p.choices.begin(), p.choices.end(), word) == p.choices.end())
          return bad(tick + " must be " + either(p.choices) + ", not `" + word + "`");
        break;
      }
    }
  }
  return {};
}

json action_spec_json(const scenario::ActionSpec& spec) {
  json params = json::array();
  for (const auto& p : spec.params) {
    json j = {{"name", p.name},
              {"label", words(p.label, p.name)},
              {"type", scenario::to_string(p.type)},
              {"required", p.required}};
    if (p.type == ValueType::number) {
      if (std::isfinite(p.min)) j["min"] = p.min;
      if (std::isfinite(p.max)) j["max"] = p.max;
      if (p.step > 0) j["step"] = p.step;
    }
    if (!p.unit.empty()) j["unit"] = p.unit;
    if (!p.choices.empty()) j["choices"] = p.choices;
    if (!p.choice_labels.empty()) j["choice_labels"] = p.choice_labels;
    if (!p.choices_from.empty()) j["choices_from"] = p.choices_from;
    if (p.default_value) j["default"] = value_json(*p.default_value);
    if (!p.suggest_from.empty())
      j["suggest"] = {{"from", p.suggest_from}, {"values", p.suggestions}};
    params.push_back(std::move(j));
  }
  return {{"name", spec.name},
          {"label", words(spec.label, spec.name)},
          {"group", spec.group.empty() ? "other" : spec.group},
          {"needs", spec.needs},
          {"params", params}};
}

}  // namespace medvision::modules
