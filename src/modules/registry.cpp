#include "modules/registry.h"

#include <algorithm>
#include <system_error>

#include "modules/emergency/emergency_module.h"

namespace medvision::modules {

namespace fs = std::filesystem;

std::pair<std::string, std::string> split_kind(const std::string& kind) {
  const auto colon = kind.find(':');
  if (colon == std::string::npos) return {kind, ""};
  return {kind.substr(0, colon), kind.substr(colon + 1)};
}

ScenarioListing list_scenarios(const fs::path& content_root) {
  ScenarioListing out;
  const fs::path folder = content_root / "scenarios" / "emergency";
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (ec) out.errors.push_back("cannot list " + folder.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto def = emergency::load_emergency_scenario(content_root, file.stem().string());
    if (!def.ok()) {
      out.errors.push_back(def.error().message);
      continue;
    }
    out.scenarios.push_back(
        ScenarioEntry{"emergency/" + (*def)->id, *def, emergency::team_action_names()});
  }
  return out;
}

ModuleFactory module_factory(const fs::path& content_root, double tick_rate_hz) {
  ModuleFactory emergency = emergency::emergency_module_factory(content_root, tick_rate_hz);
  return [emergency](std::string_view kind,
                     std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
    if (kind.starts_with("emergency/")) return emergency(kind, seed);
    return make_error(ErrorCode::invalid_input,
                      "session kind '" + std::string(kind) +
                          "' is not one this server runs (sandbox, emergency/<scenario>)");
  };
}

}  // namespace medvision::modules
