#include "scenario/scenario_events.h"

#include <array>
#include <string_view>

namespace medvision::scenario::event_type {

bool is_runtime_event(const std::string& type) {
  static constexpr std::array<std::string_view, 12> kTypes = {
      scenario_started, state_entered,    state_exited, trigger_fired,
      prompt_shown,     scenario_action,  variable_set, cue_received,
      scenario_paused,  scenario_resumed, observation,  scenario_ended,
  };
  for (const auto t : kTypes) {
    if (t == type) return true;
  }
  return false;
}

bool is_runtime_event(const char* type) { return is_runtime_event(std::string(type)); }

}  // namespace medvision::scenario::event_type
