#pragma once
// The emergency module's vocabulary, declared once: what scenarios may do to
// the patient, what participants may do (with the parameters clients build
// their forms from), the events the module writes, the vital signs triggers
// read, the patient presets and settings, and the metrics rubrics score.
// Drug, fluid, airway and rhythm names come from src/physio's own enums.

#include <string>
#include <vector>

#include "scenario/catalog.h"

namespace medvision::emergency {

// Rhythm names as files and triggers spell them (physio::Rhythm).
const std::vector<std::string>& rhythm_names();

const scenario::Catalog& emergency_catalog();

// Participants' actions, in the order clients show them (a view of the catalog's list).
const std::vector<scenario::ActionSpec>& team_actions();

// A parameter's declared default (a number); `fallback` when it declares none.
double default_number(const scenario::ActionSpec& action, std::string_view param);

}  // namespace medvision::emergency
