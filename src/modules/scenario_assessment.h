#pragma once
// What every module's assessment shares: the scenario file's rubric as
// src/assess scores it, and the `assessment` event payload that reports are
// projected from (docs/reports.md). A module computes its own metrics from
// the log; this scores them and writes the payload.

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "assess/measurement.h"
#include "assess/rubric.h"
#include "core/event.h"
#include "scenario/scenario_def.h"

namespace medvision::modules {

assess::Rubric rubric_of(const scenario::ScenarioDef& def);

// The outcome the log's `scenario_ended` event gives, or "aborted".
std::string scenario_outcome(std::span<const Event> log);

// Did anyone act? By default: a participant's action is in the log (team
// actions); modules driven by hands pass their own answer (instruments moved).
bool acted(std::span<const Event> log);

// {scenario, variant, title, outcome, attempted, score, passed, proficiency,
// metrics: {name: {value, unit}}, items: [...], feedback: [...]}. A run is
// passed only when its scenario ended `completed` and the score reached
// proficiency. A run nobody attempted scores 0, meets no item and gets one
// line of feedback, not the rubric's (docs/emergency.md, "Clinical rules").
nlohmann::json assessment_payload(const scenario::ScenarioDef& def, const std::string& variant,
                                  std::span<const Event> log, const assess::Measurements& metrics,
                                  std::optional<bool> attempted = std::nullopt);

}  // namespace medvision::modules
