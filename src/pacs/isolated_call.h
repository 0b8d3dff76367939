#pragma once
// Running a piece of work in a child process and getting back the text it
// produces.
//
// GDCM 3.0's network code throws from inside its destructors when an
// association that carried a C-MOVE is released ("ProtocolStream as nullptr
// is invalid"), which ends the whole process with std::terminate, and it
// parses what a remote peer sends with assertions on. A child process keeps
// both away from the caller: the caller gets an error, never a crash.

#include <chrono>
#include <functional>
#include <string>

#include "core/result.h"

namespace medvision::pacs {

struct IsolatedCallOptions {
  // The child is killed when it has produced nothing and on_poll has seen
  // no progress for this long.
  std::chrono::milliseconds idle_timeout{60000};
  // Called about every 100 ms while the child runs; returns true when it
  // saw progress (which resets the idle timer).
  std::function<bool()> on_poll;
};

// Runs `work` in a forked child, which writes the returned text to a pipe
// and ends with _exit (no destructors run). The text, or an error naming
// `what` when the child crashed, was killed, or produced nothing.
Result<std::string> run_isolated(const std::string& what, const std::function<std::string()>& work,
                                 const IsolatedCallOptions& options = {});

}  // namespace medvision::pacs
