#pragma once
// The emergency module: a simulated patient (src/physio) driven by an
// emergency scenario (src/scenario), inside a Session. The team's actions
// (compressions, shocks, drugs, fluids, airway, tourniquets, triage tags,
// roles) change the patient and become events; the scenario reads the
// patient's vital signs and the events and steers; vital signs are sampled
// into the log once a second.
//
// Rates (ARCHITECTURE "fixed-step time"): the session ticks at its rate
// (1 kHz by default), the patient at 250 Hz, the scenario at 10 Hz.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "scenario/scenario_def.h"
#include "session/session_module.h"

namespace medvision::emergency {

struct EmergencySetup {
  std::string scenario_id;  // "acls-vf"
  std::string variant;      // "" for the base scenario
  std::uint64_t seed = 1;
  double tick_rate_hz = 1000.0;
};

// Loads content/scenarios/emergency/<id>.yaml under `content_root` and checks
// it against the emergency catalog.
Result<std::shared_ptr<const scenario::ScenarioDef>> load_emergency_scenario(
    const std::filesystem::path& content_root, const std::string& scenario_id);

Result<std::unique_ptr<SessionModule>> make_emergency_module(
    std::shared_ptr<const scenario::ScenarioDef> def, const EmergencySetup& setup);

// "emergency/acls-vf" or "emergency/acls-vf:hypoxia" -> module; the factory
// the server and replays use.
ModuleFactory emergency_module_factory(std::filesystem::path content_root, double tick_rate_hz);

// The team actions a participant may take, with their parameters (docs/emergency.md).
const std::vector<std::string>& team_action_names();

}  // namespace medvision::emergency
