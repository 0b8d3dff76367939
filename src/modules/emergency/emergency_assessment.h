#pragma once
// Scoring an emergency session: the metrics of src/assess computed from the
// session log, scored against the scenario's rubric. The result is appended
// to the log as an `assessment` event, from which reports are projected.

#include <nlohmann/json.hpp>
#include <span>

#include "assess/rubric.h"
#include "core/event.h"
#include "scenario/scenario_def.h"

namespace medvision::emergency {

assess::Measurements emergency_metrics(const scenario::ScenarioDef& def, const std::string& variant,
                                       std::span<const Event> log, double tick_rate_hz);

// The `assessment` event payload: {scenario, variant, outcome, score,
// passed, proficiency, metrics: {name: {value, unit}}, items: [...], feedback: [...]}.
nlohmann::json assess_emergency_session(const scenario::ScenarioDef& def,
                                        const std::string& variant, std::span<const Event> log,
                                        double tick_rate_hz);

}  // namespace medvision::emergency
