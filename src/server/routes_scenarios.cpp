// Route families "scenarios" (what a session can run) and "audit".

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "modules/registry.h"
#include "server/route_table.h"

namespace medvision {
namespace {

using nlohmann::json;

// A scenario as clients read it; `module` is module_json() of its module.
json scenario_json(const modules::ScenarioEntry& e, const json& module) {
  json variants = json::array(), roles = json::array(), cues = json::array();
  for (const auto& v : e.def->variants)
    variants.push_back({{"name", v.name}, {"title", v.title}, {"description", v.description}});
  for (const auto& r : e.def->roles) {
    roles.push_back({{"name", r.name},
                     {"description", r.description},
                     {"min", r.min},
                     {"max", r.max},
                     {"actions", r.actions}});
  }
  for (const auto& q : e.def->cues)
    cues.push_back({{"name", q.name}, {"description", q.description}});
  return {{"kind", e.kind},
          {"module", e.def->module},
          {"id", e.def->id},
          {"title", e.def->title},
          {"description", e.def->description},
          {"variants", variants},
          {"roles", roles},
          {"cues", cues},
          {"actions", e.actions},
          {"action_specs", module["actions"]},
          {"metrics", module["metrics"]},
          {"judgement", module["judgement"]}};
}

// Whether the caller's role may see the module's scenarios (a module for
// developers, such as the example, lists itself for admins only).
bool listed_for(const modules::ModuleDescriptor& m, const RouteCall& c) {
  if (m.listed_for.empty()) return true;
  const std::string role = to_string(c.user().role);
  return std::find(m.listed_for.begin(), m.listed_for.end(), role) != m.listed_for.end();
}

Result<HttpResponse> list_modules(RouteCall& c) {
  json out = json::array();
  for (const modules::ModuleDescriptor* m : modules::all_modules()) {
    if (listed_for(*m, c)) out.push_back(modules::module_json(*m));
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> list_scenarios(RouteCall& c) {
  const modules::ScenarioListing listing = modules::list_scenarios(c.ctx.config.content_root);
  for (const auto& error : listing.errors) spdlog::warn("scenario not offered: {}", error);
  json out = json::array();
  // Each module's specs once, not once per scenario.
  std::map<const modules::ModuleDescriptor*, json> specs;
  for (const auto& e : listing.scenarios) {
    if (!listed_for(*e.module, c)) continue;
    auto it = specs.find(e.module);
    if (it == specs.end()) it = specs.emplace(e.module, modules::module_json(*e.module)).first;
    out.push_back(scenario_json(e, it->second));
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> list_audit(RouteCall& c) {
  auto after = uint_param(c.req.target(), "after", 0, 0, INT64_MAX);
  if (!after.ok()) return after.error();
  auto limit = uint_param(c.req.target(), "limit", 1000, 1, 10000);
  if (!limit.ok()) return limit.error();
  auto entries = c.ctx.store.list_audit(static_cast<std::int64_t>(*after), *limit);
  if (!entries.ok()) return entries.error();
  json out = json::array();
  for (const auto& a : *entries) {
    out.push_back(json{{"id", a.id},
                       {"at", iso8601(a.at_us)},
                       {"actor", a.actor},
                       {"action", a.action},
                       {"resource", a.resource},
                       {"outcome", a.outcome},
                       {"detail", a.detail},
                       {"remote", a.remote}});
  }
  return json_response(c.req, http::status::ok, out);
}

}  // namespace

void add_scenario_routes(std::vector<Route>& t) {
  Route r;
  r.family = "scenarios";
  r.method = http::verb::get;
  r.pattern = "/api/scenarios";
  r.summary =
      "the scenarios a session can run: `[{\"kind\",\"module\",\"id\",\"title\",\"description\","
      "\"variants\",\"roles\":[{\"name\",\"description\",\"min\",\"max\",\"actions\"}],\"cues\","
      "\"actions\",\"action_specs\",\"metrics\",\"judgement\"}]` (docs/modules.md)";
  r.handler = list_scenarios;
  t.push_back(r);
  Route m;
  m.family = "scenarios";
  m.method = http::verb::get;
  m.pattern = "/api/modules";
  m.summary =
      "the modules: `[{\"id\",\"title\",\"description\",\"judgement\",\"projections\","
      "\"open_room\",\"inputs\",\"actions\",\"metrics\",\"late_joiner_events\"}]` "
      "(docs/modules.md)";
  m.handler = list_modules;
  t.push_back(m);
}

void add_audit_routes(std::vector<Route>& t) {
  Route r;
  r.family = "audit";
  r.method = http::verb::get;
  r.pattern = "/api/audit";
  r.roles = {Role::admin};
  r.summary = "`?after=ID&limit=N` (N 1..10000): audit entries, oldest first";
  r.handler = list_audit;
  t.push_back(r);
}

}  // namespace medvision
