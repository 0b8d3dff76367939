#pragma once
// What the scripted trainees (peg_transfer_planner, pattern_cutting_planner)
// share: the shape of their moves, the instrument frame they hold, the hand
// input that puts a tip where they want it, and the trace they write.

#include <string>
#include <vector>

#include "session/input.h"
#include "sim/trocar.h"
#include "sim/types.h"

namespace medvision::laparoscopy {

// An input line every 30 ms (a 33 Hz controller stream).
inline constexpr int kStepsPerInput = 3;

// Minimum-jerk profile (Flash & Hogan 1985): s(0) = 0, s(1) = 1, zero
// velocity and acceleration at both ends; tau is clamped to [0, 1].
double min_jerk(double tau);

// A frame whose +Z is the shaft `d` and whose +X is `across` made
// perpendicular to it.
sim::Mat3 frame_across(const sim::Vec3& d, const sim::Vec3& across);

// The hand input that holds instrument `tool` through `port` with its tip at
// `tip` and its jaws' across axis as in `rot`, the trigger as given. With
// `tremor_m` > 0 the tip shakes that much at 8 Hz (physiological tremor: a
// few millimetres at 8-12 Hz in novices' hands) at time `t_s`. Rounded as the
// trace stores it, so that a replay sees the same numbers.
HandInput scripted_hand(const sim::TrocarPort& port, int tool, const sim::Vec3& tip,
                        const sim::Mat3& rot, bool trigger, double tremor_m, double t_s);

// The trace a scripted trainee writes: it joins as a trainee, then each input
// line holds both hands (the left hand's call starts the line, the right's
// completes it).
class TraceWriter {
 public:
  TraceWriter();
  void add(double t_s, int tool, const HandInput& hand);
  std::string jsonl() const;

 private:
  std::vector<std::string> lines_;
};

}  // namespace medvision::laparoscopy
