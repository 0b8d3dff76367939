#pragma once
// Scoring a laparoscopy session from its log: the FLS score of the task
// (cutoff minus time minus penalty, normalised to the proficiency level;
// assess/fls.h) and the motion metrics of each instrument from its sampled
// tip path (assess/kinematics.h), scored against the scenario's rubric.

#include <nlohmann/json.hpp>
#include <span>

#include "assess/measurement.h"
#include "core/event.h"
#include "scenario/scenario_def.h"

namespace medvision::laparoscopy {

assess::Measurements laparoscopy_metrics(const scenario::ScenarioDef& def,
                                         std::span<const Event> log, double tick_rate_hz);

// The `assessment` event payload (docs/reports.md).
nlohmann::json assess_laparoscopy_session(const scenario::ScenarioDef& def,
                                          std::span<const Event> log, double tick_rate_hz);

}  // namespace medvision::laparoscopy
