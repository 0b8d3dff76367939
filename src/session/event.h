#pragma once
// The event types a Session writes itself (docs/events.md).

#include "core/event.h"

namespace medvision {

// Event types written by the session itself.
namespace event_type {
inline constexpr const char* session_started = "session_started";
inline constexpr const char* participant_joined = "participant_joined";
inline constexpr const char* participant_left = "participant_left";
inline constexpr const char* input = "input";
inline constexpr const char* observation = "observation";
inline constexpr const char* action = "action";
inline constexpr const char* action_refused = "action_refused";
inline constexpr const char* instructor = "instructor";
inline constexpr const char* session_ended = "session_ended";
inline constexpr const char* driver_changed = "driver_changed";
}  // namespace event_type

}  // namespace medvision
