#pragma once
// What the scripted trainees (peg_transfer_planner, pattern_cutting_planner)
// share: the shape of their moves, the instrument frame they hold, the hand
// input that puts a tip where they want it, and the trace they write.

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "modules/laparoscopy/box_trainer_run.h"
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

// How a scripted trainee moves its hands.
struct Pace {
  double speed_m_per_s = 0.06;  // cruising tip speed of a move
  double min_move_s = 0.5;      // no move is quicker than this
  double tremor_m = 0;          // hand tremor amplitude (8 Hz)
  bool log = false;             // print the task's events to stderr
};

// A scripted trainee's two hands at a task's world: tip moves with a
// minimum-jerk profile (both hands may move at once), an input line every
// kStepsPerInput physics steps, the world stepped between them, and the
// trace written as it goes. The world is reached through two calls, so any
// task's run can be driven: `command` takes a hand's command (rounded as
// the trace stores it), `step` runs one physics step.
class ScriptedHands {
 public:
  using Command = std::function<void(int tool, const HandCommand& hand)>;
  using Step = std::function<void(std::vector<TaskEvent>& events)>;

  ScriptedHands(const std::array<sim::TrocarPort, 2>& ports,
                const std::array<sim::InstrumentPose, 2>& start, const Pace& pace, double give_up_s,
                Command command, Step step);

  // Starts moving tool t's tip to `to`, its jaws turning to close along
  // `across`, over `seconds` (0: as fast as the pace allows).
  void move_tip(int t, const sim::Vec3& to, const sim::Vec3& across, double seconds = 0);
  void set_trigger(int t, bool on) { trigger_[static_cast<std::size_t>(t)] = on; }
  // Steps the world until the moves end, or for `seconds`; never past the give-up time.
  void wait_moves();
  // The same, but stops both hands where they are as soon as `seen` is true
  // (checked after every physics step); says whether it was.
  bool wait_moves_until(const std::function<bool()>& seen);
  void wait(double seconds);

  double now() const;
  bool timed_out() const { return now() > give_up_s_; }
  const sim::Vec3& tip(int t) const { return tip_[static_cast<std::size_t>(t)]; }
  const sim::Mat3& rot(int t) const { return rot_[static_cast<std::size_t>(t)]; }
  const sim::TrocarPort& port(int t) const { return ports_[static_cast<std::size_t>(t)]; }
  std::string jsonl() const { return trace_.jsonl(); }

 private:
  struct Move {
    bool active = false;
    sim::Vec3 from = sim::Vec3::Zero(), to = sim::Vec3::Zero();
    sim::Vec3 across_from = sim::Vec3::UnitX(), across_to = sim::Vec3::UnitX();
    int start_step = 0, steps = 1;
  };
  void step_once();
  void command(int t);

  std::array<sim::TrocarPort, 2> ports_;
  Pace pace_;
  double give_up_s_;
  Command command_;
  Step step_world_;
  std::array<Move, 2> moves_;
  std::array<sim::Vec3, 2> tip_;
  std::array<sim::Mat3, 2> rot_;
  std::array<bool, 2> trigger_{false, false};
  TraceWriter trace_;
  std::vector<TaskEvent> events_;
  int step_ = 0;
};

}  // namespace medvision::laparoscopy
