#pragma once
// Every module the platform has, as a list of descriptors (module.h), and
// what is built on that list: the scenarios sessions can run, the factory
// that makes a session's module, and a session's report. The server and the
// command line use these; they never name a module themselves.

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "modules/module.h"
#include "records/report.h"
#include "scenario/scenario_def.h"
#include "session/session_module.h"

namespace medvision::modules {

// The registered modules, one line each in registry.cpp.
std::span<const ModuleDescriptor* const> all_modules();
// The module of an id ("emergency") or a kind ("emergency/acls-vf:hypoxia"); null if none.
const ModuleDescriptor* find_module(std::string_view id_or_kind);

struct ScenarioEntry {
  std::string kind;  // "emergency/acls-vf": what a session's kind names
  std::shared_ptr<const scenario::ScenarioDef> def;
  const ModuleDescriptor* module = nullptr;
  std::vector<std::string> actions;  // the participants' actions its module takes
};

struct ScenarioListing {
  std::vector<ScenarioEntry> scenarios;  // ordered by module, then scenario
  std::vector<std::string> errors;       // files that failed to load, with the loader's message
};

// Loads every scenario under content_root/scenarios/<module>/ for every module.
ScenarioListing list_scenarios(const std::filesystem::path& content_root);

// "emergency/acls-vf[:variant]" -> that module; invalid_input for a kind no module knows.
ModuleFactory module_factory(const std::filesystem::path& content_root, double tick_rate_hz);

// Splits "emergency/acls-vf:hypoxia" into the scenario kind and the variant.
std::pair<std::string, std::string> split_kind(const std::string& kind);

// The debrief report of a session of any module: the generic skeleton with
// the sections of the session's module.
records::SessionReport session_report(const records::SessionInfo& info, std::span<const Event> log);

// The module's specs as clients read them (GET /api/modules).
nlohmann::json module_json(const ModuleDescriptor& m);

}  // namespace medvision::modules
