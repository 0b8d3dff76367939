#include "modules/registry.h"

#include <algorithm>
#include <system_error>

#include "modules/emergency/emergency_module.h"
#include "modules/laparoscopy/laparoscopy_module.h"

namespace medvision::modules {

namespace fs = std::filesystem;

std::pair<std::string, std::string> split_kind(const std::string& kind) {
  const auto colon = kind.find(':');
  if (colon == std::string::npos) return {kind, ""};
  return {kind.substr(0, colon), kind.substr(colon + 1)};
}

namespace {

std::vector<fs::path> scenario_files(const fs::path& folder, std::vector<std::string>& errors) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (ec) errors.push_back("cannot list " + folder.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ScenarioListing list_scenarios(const fs::path& content_root) {
  ScenarioListing out;
  for (const auto& file : scenario_files(content_root / "scenarios" / "emergency", out.errors)) {
    auto def = emergency::load_emergency_scenario(content_root, file.stem().string());
    if (!def.ok()) {
      out.errors.push_back(def.error().message);
      continue;
    }
    const auto actions = emergency::team_action_names();
    // A role may only be given team actions the module takes.
    std::string unknown;
    for (const auto& role : (*def)->roles) {
      for (const auto& a : role.actions) {
        if (std::find(actions.begin(), actions.end(), a) == actions.end())
          unknown += (unknown.empty() ? "" : ", ") + role.name + ": " + a;
      }
    }
    if (!unknown.empty()) {
      out.errors.push_back(file.string() +
                           ": roles name team actions the emergency module does "
                           "not take (" +
                           unknown + ")");
      continue;
    }
    out.scenarios.push_back(ScenarioEntry{"emergency/" + (*def)->id, *def, actions});
  }
  for (const auto& file : scenario_files(content_root / "scenarios" / "laparoscopy", out.errors)) {
    auto def = laparoscopy::load_laparoscopy_scenario(content_root, file.stem().string());
    if (!def.ok()) {
      out.errors.push_back(def.error().message);
      continue;
    }
    out.scenarios.push_back(ScenarioEntry{"laparoscopy/" + (*def)->id, *def, {}});
  }
  return out;
}

ModuleFactory module_factory(const fs::path& content_root, double tick_rate_hz) {
  ModuleFactory emergency = emergency::emergency_module_factory(content_root, tick_rate_hz);
  ModuleFactory laparoscopy = laparoscopy::laparoscopy_module_factory(content_root, tick_rate_hz);
  return [emergency, laparoscopy](std::string_view kind,
                                  std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
    if (kind.starts_with("emergency/")) return emergency(kind, seed);
    if (kind.starts_with("laparoscopy/")) return laparoscopy(kind, seed);
    return make_error(
        ErrorCode::invalid_input,
        "session kind '" + std::string(kind) +
            "' is not one this server runs (sandbox, emergency/<scenario>, laparoscopy/<task>)");
  };
}

}  // namespace medvision::modules
