#pragma once
// Event types the scenario runtime writes to the session log. Their payloads
// are documented in docs/scenarios.md.

#include <string>

namespace medvision::scenario::event_type {

inline constexpr const char* scenario_started = "scenario_started";  // {scenario, variant}
inline constexpr const char* state_entered = "state_entered";        // {state, from?}
inline constexpr const char* state_exited = "state_exited";          // {state, after_s}
inline constexpr const char* trigger_fired = "trigger_fired";        // {trigger, state}
inline constexpr const char* prompt_shown = "prompt_shown";          // {text, role?}
inline constexpr const char* scenario_action = "scenario_action";    // {action, ...params}
inline constexpr const char* variable_set = "variable_set";          // {variable, value}
inline constexpr const char* cue_received = "cue_received";          // {cue, by}
inline constexpr const char* scenario_paused = "scenario_paused";    // {by}
inline constexpr const char* scenario_resumed = "scenario_resumed";  // {by}
inline constexpr const char* observation = "observation";            // {text, by}
inline constexpr const char* scenario_ended = "scenario_ended";      // {outcome, reason, state}

// True for the types above: the runtime ignores them when a host feeds the
// whole session log back, so its own events never trigger it.
bool is_runtime_event(const char* type);
bool is_runtime_event(const std::string& type);

}  // namespace medvision::scenario::event_type
