#pragma once
// Checks a participant's action parameters against the action's declared
// spec before its handler runs: every module refuses a missing, mistyped,
// out-of-range or unknown parameter with the same words.

#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "scenario/catalog.h"

namespace medvision::modules {

// The parameters as the handler may read them: declared, of the declared
// type, numbers finite and in range, enumerations one of their choices
// (choices of a string parameter are only suggestions).
Status check_action_params(const scenario::ActionSpec& spec, const nlohmann::json& params);

// The spec as clients read it (GET /api/scenarios): {name, label, group,
// needs, params: [{name, label, type, required, min, max, step, unit,
// choices, choice_labels, choices_from, default, suggest}]}.
nlohmann::json action_spec_json(const scenario::ActionSpec& spec);

}  // namespace medvision::modules
