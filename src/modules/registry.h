#pragma once
// Every clinical module the platform has, behind one door: the scenarios a
// session can run (for the API's listing and for checking a new session's
// kind) and the factory that makes a session's module. The server and the
// command line use this; they never name a module themselves.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "scenario/scenario_def.h"
#include "session/session_module.h"

namespace medvision::modules {

struct ScenarioEntry {
  std::string kind;  // "emergency/acls-vf": what a session's kind names
  std::shared_ptr<const scenario::ScenarioDef> def;
  std::vector<std::string> actions;  // the team actions its module takes
};

struct ScenarioListing {
  std::vector<ScenarioEntry> scenarios;  // ordered by kind
  std::vector<std::string> errors;       // files that failed to load, with the loader's message
};

// Loads every scenario under content_root/scenarios/<module>/ for the modules
// that run live sessions.
ScenarioListing list_scenarios(const std::filesystem::path& content_root);

// "emergency/acls-vf[:variant]" -> that module; invalid_input for a kind no module knows.
ModuleFactory module_factory(const std::filesystem::path& content_root, double tick_rate_hz);

// Splits "emergency/acls-vf:hypoxia" into the scenario kind and the variant.
std::pair<std::string, std::string> split_kind(const std::string& kind);

}  // namespace medvision::modules
