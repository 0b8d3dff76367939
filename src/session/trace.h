#pragma once
// Traces: a scripted or recorded sequence of what people do in a session,
// one JSON object per line, with `t` in seconds:
//   {"t": 0, "join": "cam", "role": "trainee"}
//   {"t": 3, "action": "compressions", "by": "cam", "params": {"on": true}}
//   {"t": 300, "cue": "rosc"}   {"t": 10, "pause": true}   {"t": 20, "resume": true}
//   {"t": 42, "observation": "leader closed the loop on the shock"}
//   {"t": 1.25, "input": "cam", "left": [x, y, z, qx, qy, qz, qw, buttons], "right": [...], "head":
//   [x, y, z, qx, qy, qz, qw]}
// (`input` is a controller sample, as a WebSocket INPUT frame carries it; a
// part left out keeps its previous value.)
// A trace drives a session headless (tests, `medvision run`, research).

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "session/session.h"

namespace medvision {

struct TraceEntry {
  double t_s = 0;
  int line = 0;
  nlohmann::json body;
};

struct Trace {
  std::string source;  // file name, for messages
  std::vector<TraceEntry> entries;
};

Result<Trace> parse_trace(const std::string& text, const std::string& source);
Result<Trace> read_trace_file(const std::string& path);

struct PlayOptions {
  double grace_s = 10.0;  // simulated after the last entry, unless the module finishes first
  std::function<void(Tick)> progress;  // called once a simulated minute
};

// Plays `trace` into `session` (which must be fresh) until the trace and the
// grace time are over or the session's module finishes; returns every event
// drained from the session, in order. The session is left running: the
// caller ends it.
Result<std::vector<Event>> play_trace(Session& session, const Trace& trace,
                                      const PlayOptions& options = {});

}  // namespace medvision
