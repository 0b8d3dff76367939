#include "modules/registry.h"

#include <algorithm>
#include <system_error>

#include "modules/action_params.h"
#include "modules/declared_check.h"

// The modules, one line each: MV_MODULE(<id>) declares and lists
// `<id>_descriptor()`, which src/modules/<id>/ defines (docs/modules.md).
#define MV_MODULES(MV_MODULE) \
  MV_MODULE(sandbox)          \
  MV_MODULE(emergency)        \
  MV_MODULE(laparoscopy)      \
  MV_MODULE(example)

namespace medvision::modules {

#define MV_DECLARE(id) const ModuleDescriptor& id##_descriptor();
MV_MODULES(MV_DECLARE)
#undef MV_DECLARE

namespace fs = std::filesystem;

const char* to_string(Judgement judgement) {
  return judgement == Judgement::assessed ? "assessed" : "measured";
}

std::span<const ModuleDescriptor* const> all_modules() {
#define MV_LIST(id) &id##_descriptor(),
  static const ModuleDescriptor* const kModules[] = {MV_MODULES(MV_LIST)};
#undef MV_LIST
  return kModules;
}

const ModuleDescriptor* find_module(std::string_view id_or_kind) {
  const std::string_view id = id_or_kind.substr(0, id_or_kind.find('/'));
  for (const ModuleDescriptor* m : all_modules()) {
    if (m->id == id) return m;
  }
  return nullptr;
}

std::pair<std::string, std::string> split_kind(const std::string& kind) {
  const auto colon = kind.find(':');
  if (colon == std::string::npos) return {kind, ""};
  return {kind.substr(0, colon), kind.substr(colon + 1)};
}

namespace {

std::vector<fs::path> scenario_files(const fs::path& folder, std::vector<std::string>& errors) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (!fs::exists(folder, ec)) return files;  // a module may ship no scenarios
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".yaml") files.push_back(it->path());
  }
  if (ec) errors.push_back("cannot list " + folder.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::string module_ids() {
  std::string out;
  for (const ModuleDescriptor* m : all_modules()) {
    if (!m->open_room) out += (out.empty() ? "" : ", ") + m->id;
  }
  return out;
}

std::string open_rooms() {
  std::string out;
  for (const ModuleDescriptor* m : all_modules()) {
    if (m->open_room) out += (out.empty() ? "" : ", ") + m->id;
  }
  return out;
}

}  // namespace

ScenarioListing list_scenarios(const fs::path& content_root) {
  ScenarioListing out;
  for (const ModuleDescriptor* m : all_modules()) {
    for (const auto& file : scenario_files(content_root / "scenarios" / m->id, out.errors)) {
      auto def = m->load_scenario(content_root, file.stem().string());
      if (!def.ok()) {
        out.errors.push_back(def.error().message);
        continue;
      }
      std::vector<std::string> actions;
      for (const auto& a : m->catalog().participant_actions) actions.push_back(a.name);
      out.scenarios.push_back(ScenarioEntry{m->id + "/" + (*def)->id, *def, m, actions});
    }
  }
  return out;
}

ModuleFactory module_factory(const fs::path& content_root, double tick_rate_hz) {
  return [content_root, tick_rate_hz](
             std::string_view kind, std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
    const ModuleDescriptor* m = find_module(kind);
    if (m != nullptr && m->open_room && kind == m->id) {
      auto made = m->make_session(content_root, tick_rate_hz, "", "", seed);
      if (!made.ok()) return made.error();
      return check_declared(std::move(*made), *m);
    }
    const auto slash = kind.find('/');
    if (m == nullptr || slash == std::string_view::npos || slash + 1 == kind.size()) {
      return make_error(ErrorCode::invalid_input,
                        "session kind '" + std::string(kind) + "' is not one this server runs (" +
                            open_rooms() + ", or <module>/<scenario> of " + module_ids() + ")");
    }
    auto [scenario, variant] = split_kind(std::string(kind.substr(slash + 1)));
    auto made = m->make_session(content_root, tick_rate_hz, scenario, variant, seed);
    if (!made.ok()) return made.error();
    return check_declared(std::move(*made), *m);
  };
}

records::SessionReport session_report(const records::SessionInfo& info,
                                      std::span<const Event> log) {
  records::ModuleReport module;
  if (const ModuleDescriptor* m = find_module(info.kind)) {
    module.sample_events = m->sample_events;
    module.sections = m->report_sections;
  }
  return records::build_session_report(info, log, module);
}

nlohmann::json module_json(const ModuleDescriptor& m) {
  using nlohmann::json;
  const scenario::Catalog& c = m.catalog();
  json actions = json::array(), metrics = json::array(), inputs = json::array();
  for (const auto& a : c.participant_actions) actions.push_back(action_spec_json(a));
  for (const auto& x : c.metrics)
    metrics.push_back({{"name", x.name}, {"unit", x.unit}, {"label", x.label}});
  for (const auto& i : m.inputs)
    inputs.push_back({{"name", i.name}, {"rate_hz", i.rate_hz}, {"description", i.description}});
  return {{"id", m.id},
          {"title", m.title},
          {"description", m.description},
          {"judgement", to_string(m.judgement)},
          {"open_room", m.open_room},
          {"projections", m.projections},
          {"inputs", inputs},
          {"actions", actions},
          {"metrics", metrics},
          {"late_joiner_events", m.late_joiner_events}};
}

}  // namespace medvision::modules
