#pragma once
// Session events carry JSON payloads; the runtime matches on flat fields.
// This is the one place that converts between the two.

#include <string_view>

#include "core/result.h"
#include "scenario/run.h"

namespace medvision::scenario {

// The top-level scalar members of a JSON object (numbers, true/false,
// strings); nested objects, arrays and nulls are left out because triggers
// cannot match them.
Result<Fields> fields_from_json(std::string_view json);

// A session event's type and payload as the runtime takes them.
Result<ScenarioEvent> scenario_event(std::string type, std::string_view payload_json);

}  // namespace medvision::scenario
