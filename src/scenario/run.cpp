#include "scenario/run.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "scenario/scenario_events.h"

namespace medvision::scenario {
namespace {

bool compare(const Value& lhs, CompareOp op, const Value& rhs) {
  if (lhs.index() != rhs.index()) return false;  // the host broke its catalog: never true
  if (const auto* a = std::get_if<double>(&lhs)) {
    const double b = std::get<double>(rhs);
    switch (op) {
      case CompareOp::less:
        return *a < b;
      case CompareOp::less_equal:
        return *a <= b;
      case CompareOp::greater:
        return *a > b;
      case CompareOp::greater_equal:
        return *a >= b;
      case CompareOp::equal:
        return *a == b;
      case CompareOp::not_equal:
        return *a != b;
    }
    return false;
  }
  if (op == CompareOp::equal) return lhs == rhs;
  if (op == CompareOp::not_equal) return lhs != rhs;
  return false;
}

bool matches(const Fields& where, const Fields& fields) {
  for (const auto& [key, value] : where) {
    const auto it = fields.find(key);
    if (it == fields.end() || it->second != value) return false;
  }
  return true;
}

void emit(StepOutput& out, const char* type, Fields payload) {
  out.events.push_back({type, std::move(payload)});
}

}  // namespace

ScenarioRun::ScenarioRun(const ScenarioDef& def, RunOptions options)
    : def_(&def),
      options_(std::move(options)),
      counts_(def.conditions.size(), 0),
      marks_(def.conditions.size(), 0),
      has_mark_(def.conditions.size(), 0),
      was_true_(static_cast<std::size_t>(def.trigger_slots), 0) {
  for (const auto& v : def.variables) variables_.push_back(v.initial);
}

Result<ScenarioRun> ScenarioRun::create(const ScenarioDef& def, RunOptions options) {
  if (!(options.tick_rate_hz > 0) || !std::isfinite(options.tick_rate_hz)) {
    return make_error(ErrorCode::invalid_input,
                      "the tick rate must be a positive number of ticks per second");
  }
  if (def.states.empty())
    return make_error(ErrorCode::invalid_input, "scenario `" + def.id + "` has no states");
  ScenarioRun run(def, options);
  if (!options.variant.empty()) {
    const VariantDef* variant = def.find_variant(options.variant);
    if (variant == nullptr) {
      std::string names;
      for (const auto& v : def.variants) names += (names.empty() ? "" : ", ") + v.name;
      return make_error(ErrorCode::not_found,
                        "scenario `" + def.id + "` has no variant `" + options.variant + "`" +
                            (names.empty() ? "" : " (variants: " + names + ")"));
    }
    for (const auto& [name, value] : variant->variables) {
      run.variables_[static_cast<std::size_t>(def.find_variable(name))] = value;
    }
  }
  return run;
}

// The table of contents of a step.
StepOutput ScenarioRun::step(Tick tick, const SignalLookup& signals,
                             std::span<const ScenarioEvent> events) {
  StepOutput out;
  if (ended()) return out;
  if (!started_) {
    last_tick_ = tick;
    start(out);
  } else {
    advance_time(tick);
  }
  if (!paused_ && def_->time_limit_s && now_ >= ticks_for(*def_->time_limit_s)) {
    finish(def_->time_limit_outcome, "time_limit", out);
    return out;
  }
  // Each cue and each event is followed by an evaluation pass, so two
  // events of one kind in one step fire an event trigger twice.
  const auto pass = [&] {
    if (!paused_ && !ended()) evaluate(signals, out);
  };
  std::vector<Control> controls;
  controls.swap(controls_);
  for (const auto& control : controls) {
    if (ended()) break;
    apply_control(control, out);
    if (control.kind == Control::Kind::cue) pass();
  }
  for (const auto& event : events) {
    if (ended() || event_type::is_runtime_event(event.type)) continue;
    record_event(event);
    pass();
  }
  pass();
  return out;
}

void ScenarioRun::start(StepOutput& out) {
  started_ = true;
  // The variant is the case's hidden diagnosis (a reversible cause): it is
  // in the session's kind, shown to those who teach it, never in the events
  // every member receives.
  emit(out, event_type::scenario_started, {{"scenario", def_->id}});
  for (const auto& t : def_->global_triggers) arm(t);
  enter(def_->initial_state, out);
}

void ScenarioRun::advance_time(Tick tick) {
  if (tick > last_tick_ && !paused_) now_ += tick - last_tick_;
  last_tick_ = std::max(last_tick_, tick);
}

void ScenarioRun::apply_control(const Control& control, StepOutput& out) {
  switch (control.kind) {
    case Control::Kind::pause:
      if (paused_) return;
      paused_ = true;
      emit(out, event_type::scenario_paused, {{"by", control.by}, {"state", state()}});
      return;
    case Control::Kind::resume:
      if (!paused_) return;
      paused_ = false;
      emit(out, event_type::scenario_resumed, {{"by", control.by}, {"state", state()}});
      return;
    case Control::Kind::cue:
      emit(out, event_type::cue_received,
           {{"cue", control.text}, {"by", control.by}, {"state", state()}});
      record_cue(control.text);
      return;
    case Control::Kind::observation:
      emit(out, event_type::observation,
           {{"text", control.text}, {"by", control.by}, {"state", state()}});
      return;
  }
}

void ScenarioRun::record_event(const ScenarioEvent& event) {
  for (std::size_t i = 0; i < def_->conditions.size(); ++i) {
    const ConditionNode& c = def_->conditions[i];
    if (c.name != event.type || !matches(c.where, event.fields)) continue;
    if (c.kind == ConditionNode::Kind::event &&
        counts_[i] < std::numeric_limits<std::uint32_t>::max()) {
      ++counts_[i];
    } else if (c.kind == ConditionNode::Kind::time && c.since == TimeBase::event) {
      marks_[i] = now_;
      has_mark_[i] = 1;
    }
  }
}

void ScenarioRun::record_cue(std::string_view cue) {
  for (std::size_t i = 0; i < def_->conditions.size(); ++i) {
    const ConditionNode& c = def_->conditions[i];
    if (c.kind == ConditionNode::Kind::cue && c.name == cue &&
        counts_[i] < std::numeric_limits<std::uint32_t>::max()) {
      ++counts_[i];
    }
  }
}

// Global triggers first, then the current state's transitions, in file
// order; the pass stops at the first one that changes state or ends the
// scenario. A state entered here is evaluated from the next pass on.
void ScenarioRun::evaluate(const SignalLookup& signals, StepOutput& out) {
  for (const auto& t : def_->global_triggers) {
    if (fire(t, signals, out)) return;
  }
  const StateDef& s = def_->states[static_cast<std::size_t>(state_)];
  for (const auto& t : s.transitions) {
    if (fire(t, signals, out)) return;
  }
}

// A trigger fires when its condition becomes true: true now, false (or not
// yet evaluated since it was armed) before. Firing consumes the events and
// cues counted in its condition, so a trigger on an event fires once per
// event while one on a level (a signal below a threshold) fires once per
// crossing.
bool ScenarioRun::fire(const TriggerDef& t, const SignalLookup& signals, StepOutput& out) {
  const auto slot = static_cast<std::size_t>(t.slot);
  const bool now_true = holds(t.condition, signals);
  const bool before = was_true_[slot] != 0;
  was_true_[slot] = now_true ? 1 : 0;
  if (!now_true || before) return false;
  emit(out, event_type::trigger_fired, {{"trigger", t.name}, {"state", state()}});
  consume(t);
  was_true_[slot] = holds(t.condition, signals) ? 1 : 0;
  int target = t.target_state;
  run_actions(t.actions, target, out);
  if (ended()) return true;
  if (target < 0) return false;
  enter(target, out);
  return true;
}

void ScenarioRun::run_actions(const std::vector<ActionDef>& actions, int& target, StepOutput& out) {
  for (const auto& a : actions) {
    switch (a.kind) {
      case ActionDef::Kind::show_prompt:
        out.actions.push_back({a.name, a.params});
        emit(out, event_type::prompt_shown, a.params);
        break;
      case ActionDef::Kind::play_sound:
      case ActionDef::Kind::spawn:
      case ActionDef::Kind::remove:
      case ActionDef::Kind::module: {
        out.actions.push_back({a.name, a.params});
        Fields payload = a.params;
        payload["action"] = a.name;
        emit(out, event_type::scenario_action, std::move(payload));
        break;
      }
      case ActionDef::Kind::go_to:
        target = a.target_state;
        break;
      case ActionDef::Kind::end:
        finish(a.outcome, "action", out);
        return;
      case ActionDef::Kind::set: {
        Value& v = variables_[static_cast<std::size_t>(a.variable)];
        if (a.add) {
          v = std::get<double>(v) + std::get<double>(a.value);
        } else {
          v = a.value;
        }
        emit(out, event_type::variable_set,
             {{"variable", def_->variables[static_cast<std::size_t>(a.variable)].name},
              {"value", v}});
        break;
      }
    }
  }
}

void ScenarioRun::enter(int target, StepOutput& out) {
  // Entry gotos chain; the loader refuses loops, and the bound keeps a
  // hand-built ScenarioDef from spinning.
  for (std::size_t hops = 0; hops <= def_->states.size() && target >= 0; ++hops) {
    std::string from;
    if (state_ >= 0) {
      from = state();
      emit(out, event_type::state_exited,
           {{"state", from},
            {"after_s", static_cast<double>(now_ - state_entered_) / options_.tick_rate_hz}});
    }
    state_ = target;
    state_entered_ = now_;
    Fields payload{{"state", state()}};
    if (!from.empty()) payload["from"] = from;
    emit(out, event_type::state_entered, std::move(payload));
    const StateDef& s = def_->states[static_cast<std::size_t>(state_)];
    for (const auto& t : s.transitions) arm(t);
    target = -1;
    run_actions(s.entry, target, out);
    if (ended()) return;
  }
}

void ScenarioRun::finish(Outcome outcome, const std::string& reason, StepOutput& out) {
  outcome_ = outcome;
  emit(out, event_type::scenario_ended,
       {{"outcome", to_string(outcome)}, {"reason", reason}, {"state", state()}});
}

void ScenarioRun::arm(const TriggerDef& t) {
  was_true_[static_cast<std::size_t>(t.slot)] = 0;
  consume(t);
}

void ScenarioRun::consume(const TriggerDef& t) {
  for (int i = t.first_node; i < t.end_node; ++i) counts_[static_cast<std::size_t>(i)] = 0;
}

bool ScenarioRun::holds(int node, const SignalLookup& signals) const {
  const ConditionNode& c = def_->conditions[static_cast<std::size_t>(node)];
  switch (c.kind) {
    case ConditionNode::Kind::signal: {
      if (!signals) return false;
      const std::optional<Value> v = signals(c.name);
      return v.has_value() && compare(*v, c.op, c.value);
    }
    case ConditionNode::Kind::variable:
      return compare(variables_[static_cast<std::size_t>(c.variable)], c.op, c.value);
    case ConditionNode::Kind::event:
    case ConditionNode::Kind::cue:
      return counts_[static_cast<std::size_t>(node)] >= c.count;
    case ConditionNode::Kind::time: {
      std::uint64_t since = 0;
      switch (c.since) {
        case TimeBase::state:
          since = state_entered_;
          break;
        case TimeBase::start:
          since = 0;
          break;
        case TimeBase::event:
          if (!has_mark_[static_cast<std::size_t>(node)]) return false;
          since = marks_[static_cast<std::size_t>(node)];
          break;
      }
      return now_ - since >= ticks_for(c.after_s);
    }
    case ConditionNode::Kind::all:
      return std::all_of(c.children.begin(), c.children.end(),
                         [&](int child) { return holds(child, signals); });
    case ConditionNode::Kind::any:
      return std::any_of(c.children.begin(), c.children.end(),
                         [&](int child) { return holds(child, signals); });
    case ConditionNode::Kind::negate:
      return !holds(c.children.front(), signals);
  }
  return false;
}

std::uint64_t ScenarioRun::ticks_for(double seconds) const {
  // The first tick at or after `seconds`; the small margin keeps 0.1 s at
  // 10 Hz from rounding up to two ticks.
  return static_cast<std::uint64_t>(std::ceil(seconds * options_.tick_rate_hz - 1e-9));
}

Status ScenarioRun::pause(std::string by) {
  if (ended()) return make_error(ErrorCode::conflict, "the scenario has ended");
  controls_.push_back({Control::Kind::pause, {}, std::move(by)});
  return {};
}

Status ScenarioRun::resume(std::string by) {
  if (ended()) return make_error(ErrorCode::conflict, "the scenario has ended");
  controls_.push_back({Control::Kind::resume, {}, std::move(by)});
  return {};
}

Status ScenarioRun::inject_cue(std::string_view cue, std::string by) {
  if (ended()) return make_error(ErrorCode::conflict, "the scenario has ended");
  if (def_->find_cue(cue) < 0) {
    std::string names;
    for (const auto& c : def_->cues) names += (names.empty() ? "" : ", ") + c.name;
    return make_error(ErrorCode::not_found, "scenario `" + def_->id + "` has no cue `" +
                                                std::string(cue) + "`" +
                                                (names.empty() ? "" : " (cues: " + names + ")"));
  }
  controls_.push_back({Control::Kind::cue, std::string(cue), std::move(by)});
  return {};
}

Status ScenarioRun::observe(std::string text, std::string by) {
  if (text.empty()) return make_error(ErrorCode::invalid_input, "an observation needs text");
  if (ended()) return make_error(ErrorCode::conflict, "the scenario has ended");
  controls_.push_back({Control::Kind::observation, std::move(text), std::move(by)});
  return {};
}

const std::string& ScenarioRun::state() const {
  static const std::string kNone;
  return state_ < 0 ? kNone : def_->states[static_cast<std::size_t>(state_)].name;
}

double ScenarioRun::elapsed_s() const { return static_cast<double>(now_) / options_.tick_rate_hz; }

const Value* ScenarioRun::variable(std::string_view name) const {
  const int index = def_->find_variable(name);
  return index < 0 ? nullptr : &variables_[static_cast<std::size_t>(index)];
}

}  // namespace medvision::scenario
