#include "scenario/payload_json.h"

#include <nlohmann/json.hpp>

namespace medvision::scenario {

Result<Fields> fields_from_json(std::string_view json) {
  const auto doc =
      nlohmann::json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return make_error(ErrorCode::invalid_input, "event payload is not valid JSON");
  if (!doc.is_object())
    return make_error(ErrorCode::invalid_input, "event payload must be a JSON object");
  Fields fields;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_boolean()) {
      fields.emplace(key, value.get<bool>());
    } else if (value.is_number()) {
      fields.emplace(key, value.get<double>());
    } else if (value.is_string()) {
      fields.emplace(key, value.get<std::string>());
    }
  }
  return fields;
}

Result<ScenarioEvent> scenario_event(std::string type, std::string_view payload_json) {
  auto fields = fields_from_json(payload_json);
  if (!fields.ok()) return fields.error();
  return ScenarioEvent{std::move(type), std::move(fields).value()};
}

}  // namespace medvision::scenario
