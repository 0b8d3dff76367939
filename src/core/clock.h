#pragma once
// Fixed-step time. The engine counts ticks; wall-clock time never enters it.
// A FixedStepClock maps elapsed wall time (given by the caller) to the number
// of ticks due, so the server can run a session in real time while tests and
// replays drive ticks directly.

#include <chrono>
#include <cstdint>

namespace medvision {

using Tick = std::uint64_t;

class FixedStepClock {
 public:
  explicit FixedStepClock(double rate_hz) : step_ns_(static_cast<std::int64_t>(1e9 / rate_hz)) {}

  // Ticks due after `elapsed` of wall time since the clock started, minus the
  // ticks already taken. Capped at `max_catch_up` so a stalled process does
  // not spiral trying to catch up; the remainder is dropped (the session
  // runs slower than real time rather than skipping simulation).
  std::uint64_t due(std::chrono::nanoseconds elapsed, std::uint64_t max_catch_up = 100) {
    const auto target = static_cast<std::uint64_t>(elapsed.count() / step_ns_);
    if (target <= taken_) return 0;
    std::uint64_t n = target - taken_;
    if (n > max_catch_up) {
      dropped_ += n - max_catch_up;
      n = max_catch_up;
    }
    taken_ = target;  // dropped ticks count as taken
    return n;
  }

  std::chrono::nanoseconds step() const { return std::chrono::nanoseconds(step_ns_); }
  double step_seconds() const { return static_cast<double>(step_ns_) * 1e-9; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::int64_t step_ns_;
  std::uint64_t taken_ = 0;
  std::uint64_t dropped_ = 0;
};

// Microseconds since the Unix epoch: the wall time recorded beside an event.
inline std::int64_t wall_time_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace medvision
