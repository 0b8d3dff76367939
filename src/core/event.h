#pragma once
// An entry of a session's event log. The log is the record: reports, scores,
// replays, xAPI statements and FHIR observations are projections of it. Every
// engine folder may read events; only a Session appends them.

#include <cstdint>
#include <string>

namespace medvision {

struct Event {
  std::uint64_t seq = 0;     // 1, 2, 3 ... within the session
  std::uint64_t tick = 0;    // the tick at which it took effect
  std::int64_t wall_us = 0;  // wall time when it was recorded; never read by the engine
  std::string type;
  std::string payload;  // JSON object text
};

}  // namespace medvision
