#include "modules/scenario_host.h"

#include <cmath>

#include "scenario/payload_json.h"

namespace medvision::modules {

using nlohmann::json;

ScenarioHost::ScenarioHost(std::shared_ptr<const scenario::ScenarioDef> def,
                           scenario::ScenarioRun run, double tick_rate_hz, double scenario_rate_hz,
                           bool first_step_at_start)
    : def_(std::move(def)),
      run_(std::move(run)),
      tick_rate_hz_(tick_rate_hz),
      scenario_rate_hz_(scenario_rate_hz),
      first_step_at_start_(first_step_at_start) {}

void ScenarioHost::emit(const EventSink& sink, std::string_view type, const json& payload) {
  emit(sink, type, payload.dump(-1, ' ', false, json::error_handler_t::replace));
}

void ScenarioHost::emit(const EventSink& sink, std::string_view type,
                        const std::string& payload_json) {
  sink(type, payload_json);
  auto event = scenario::scenario_event(std::string(type), payload_json);
  if (event.ok()) queued_.push_back(std::move(*event));
}

bool ScenarioHost::scenario_due(Tick tick) {
  const double t_s = static_cast<double>(tick + 1) / tick_rate_hz_;
  const auto due = static_cast<std::uint64_t>(std::floor(t_s * scenario_rate_hz_ + 1e-9));
  if (scenario_steps_ >= due) return false;
  scenario_steps_ = due;
  return true;
}

std::optional<scenario::Value> ScenarioHost::signal(std::string_view name) const {
  (void)name;
  return std::nullopt;
}

Status ScenarioHost::apply_scenario_action(const scenario::HostAction& action,
                                           const EventSink& sink) {
  (void)sink;
  return make_error(ErrorCode::invalid_input,
                    "module `" + def_->module + "` has no scenario action `" + action.name + "`");
}

void ScenarioHost::on_start(const EventSink& sink) {
  // What the session runs, for clients that join and for the report's title.
  emit(sink, "scenario_loaded", {{"scenario", def_->id}, {"title", def_->title}});
}

void ScenarioHost::start(const EventSink& sink) {
  on_start(sink);
  if (first_step_at_start_) run_scenario(0, sink);
}

void ScenarioHost::step(Tick tick, const EventSink& sink) {
  if (run_.ended()) return;
  if (scenario_due(tick)) {
    before_scenario_step(sink);
    run_scenario(tick, sink);
  }
}

void ScenarioHost::run_scenario(Tick tick, const EventSink& sink) {
  const auto lookup = [this](std::string_view name) { return signal(name); };
  std::vector<scenario::ScenarioEvent> events;
  events.swap(queued_);
  scenario::StepOutput out = run_.step(tick, lookup, events);
  for (const auto& e : out.events) sink(e.type, e.payload_json());
  for (const auto& a : out.actions) {
    // Prompts, sounds and props are for clients; the run has logged them.
    if (a.name == "show_prompt" || a.name == "play_sound" || a.name == "spawn" ||
        a.name == "remove")
      continue;
    const Status s = apply_scenario_action(a, sink);
    if (!s.ok())
      sink("scenario_action_failed", json{{"action", a.name}, {"reason", s.error().message}}.dump(
                                         -1, ' ', false, json::error_handler_t::replace));
  }
}

Status ScenarioHost::instruct(InstructorControl control, const std::string& text,
                              const EventSink& sink) {
  (void)sink;
  switch (control) {
    case InstructorControl::pause:
      return run_.pause("instructor");
    case InstructorControl::resume:
      return run_.resume("instructor");
    case InstructorControl::cue:
      return run_.inject_cue(text, "instructor");
  }
  return {};
}

std::uint64_t ScenarioHost::state_hash() const {
  Fnv1a h;
  hash_state(h);
  h.add(std::string_view(run_.state()));
  h.add(run_.elapsed_s());
  return h.value();
}

}  // namespace medvision::modules
