#pragma once
// An entry of a session's event log. The log is the record: reports, scores
// and replays are projections of it.

#include <cstdint>
#include <string>

namespace medvision {

struct Event {
  std::uint64_t seq = 0;   // 1, 2, 3 ... within the session
  std::uint64_t tick = 0;  // the tick at which it took effect
  std::int64_t wall_us = 0;  // wall time when it was recorded; never read by the engine
  std::string type;
  std::string payload;  // JSON object text
};

// Event types written by the session itself.
namespace event_type {
inline constexpr const char* session_started = "session_started";
inline constexpr const char* participant_joined = "participant_joined";
inline constexpr const char* participant_left = "participant_left";
inline constexpr const char* input = "input";
inline constexpr const char* grab = "grab";
inline constexpr const char* release = "release";
inline constexpr const char* observation = "observation";
inline constexpr const char* session_ended = "session_ended";
}  // namespace event_type

}  // namespace medvision
