#include "modules/laparoscopy/tissue_dissection_planner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/scripted_trainee.h"
#include "modules/laparoscopy/tissue_dissection_run.h"

namespace medvision::laparoscopy {
namespace {

using sim::Mat3;
using sim::Vec3;

constexpr double kSettle_s = 0.5;
constexpr double kGiveUp_s = 290;  // before the task's 300 s cutoff
// The organ's front flank, where the grasper bites, and where the fold ends
// (anatomy frame: +Z up, +Y towards the organ's bed).
const Vec3 kFlank(0, -0.018, 0.018);
const Vec3 kFolded(0, 0, 0.05);  // up and back over its bed
constexpr std::array<double, 8> kLiftStages{0.3,  0.38, 0.46, 0.54,
                                            0.62, 0.7,  0.85, 1.0};  // of the fold
constexpr double kClipSetBack_m = 0.0045;  // the clip applier's hinge short of the duct's axis
constexpr double kCutSetBack_m = 0.008;    // the scissors': the duct mid-blade
// The depths a trainee who looks tries, hinge short of the duct's axis.
constexpr std::array<double, 5> kCutSetBacks{0.008, 0.010, 0.012, 0.006, 0.014};
constexpr double kApproach_m = 0.012;  // each jaw approach ends this far back along the shaft
// Where along the grasper's jaws the flank is taken, as a share of their length.
constexpr double kBiteReach = 0.5;

class Planner {
 public:
  explicit Planner(const DissectionStyle& style)
      : style_(style),
        run_(std::make_shared<const DissectionTrainer>(make_dissection_trainer())),
        hands_(
            run_.trainer().box.ports, {run_.pose(0), run_.pose(1)},
            Pace{style.speed_m_per_s, style.min_move_s, style.tremor_m, style.log}, kGiveUp_s,
            [this](int t, const HandCommand& c) { run_.command(t, c); },
            [this](std::vector<TaskEvent>& events) { run_.step(events); }) {}

  PlannedTrace run();

 private:
  const sim::TrocarPort& port(int t) const { return hands_.port(t); }
  double now() const { return hands_.now(); }
  bool timed_out() const { return hands_.timed_out(); }
  void move_tip(int t, const Vec3& to, const Vec3& across, double seconds = 0) {
    hands_.move_tip(t, to, across, seconds);
  }
  void wait_moves() { hands_.wait_moves(); }
  void wait(double seconds) { hands_.wait(seconds); }
  Vec3 duct_now(double fraction) const;

  void retract();
  void close_right_on(double fraction, double set_back, const Vec3& aside);
  double cut_set_back(double fraction) const;

  DissectionStyle style_;
  TissueDissectionRun run_;
  ScriptedHands hands_;
};

// Where the duct's axis is now at `fraction` of its length (room
// coordinates): the mean of its particles whose rest place is that far
// along, as the trainee sees the duct lie after the organ was lifted.
Vec3 Planner::duct_now(double fraction) const {
  const DissectionAnatomy& a = run_.trainer().anatomy;
  const double half_cell = 0.5 / 30;  // within half a segment of the duct (DuctSpec::segments)
  Vec3 sum = Vec3::Zero();
  int n = 0;
  for (std::size_t i = static_cast<std::size_t>(a.duct_first); i < run_.tissue().position.size();
       ++i) {
    const double f = fraction_along_duct(a, run_.tissue_model().rest_position[i]);
    if (std::abs(f - fraction) > half_cell) continue;
    sum += run_.tissue().position[i];
    ++n;
  }
  const Vec3 at =
      n > 0 ? Vec3(sum / n) : Vec3(a.duct_start + fraction * (a.duct_end - a.duct_start));
  return run_.to_room(at);
}

// The left grasper bites the organ's front flank from above, its jaws
// across the organ's length, and folds it up and back in stages, looking
// after each whether the duct is in view yet.
void Planner::retract() {
  const Vec3 across(1, 0, 0);
  // The jaws close on the flank with their middle, not their hinge: a bite
  // of the surface rather than a stab into the organ.
  const double reach = kBiteReach * run_.trainer().box.tools[kLeft].spec.jaw_length_m;
  const auto hinge_for = [&](const Vec3& bite) {
    Vec3 tip = bite;
    for (int i = 0; i < 4; ++i) tip = bite - reach * (tip - port(kLeft).fulcrum).normalized();
    return tip;
  };
  const Vec3 flank = hinge_for(run_.to_room(kFlank));
  const Vec3 d = (flank - port(kLeft).fulcrum).normalized();
  move_tip(kLeft, flank - kApproach_m * d, across);
  wait_moves();
  move_tip(kLeft, flank, across);
  wait_moves();
  hands_.set_trigger(kLeft, true);
  wait(BoxTrainerRun::kJawTravel_s + 0.15);
  // A trainee who watches stops lifting the moment the duct comes into view.
  const auto in_view = [&] { return style_.lifts_until_exposed && run_.tally().exposed; };
  for (const double stage : kLiftStages) {
    move_tip(kLeft, hinge_for(run_.to_room(kFlank + stage * (kFolded - kFlank))), across,
             style_.lift_s * 0.5);
    if (hands_.wait_moves_until(in_view)) break;
    wait(0.4);  // the organ settles; the trainee looks
    if (in_view()) break;
  }
  if (style_.over_lift_m > 0) {
    const Vec3 further = hands_.tip(kLeft) + style_.over_lift_m * Vec3(0, 0.6, -0.8);
    move_tip(kLeft, further, across, style_.lift_s);
    wait_moves();
  }
  wait(style_.pause_s);
}

// The right jaws, square across the duct, closed on it at `fraction` of its
// length with the hinge `set_back` short of its axis along the shaft.
void Planner::close_right_on(double fraction, double set_back, const Vec3& aside) {
  const Vec3 at = duct_now(fraction) + aside;
  const Vec3 shaft = (at - port(kRight).fulcrum).normalized();
  const Vec3 hinge = at - set_back * shaft;
  // The jaws close across the duct (room x): square to it and to the shaft.
  const Vec3 closing = shaft.cross(Vec3(1, 0, 0));
  move_tip(kRight, hinge - kApproach_m * shaft, closing);
  wait_moves();
  if (style_.hesitation_s > 0) wait(style_.hesitation_s);
  move_tip(kRight, hinge, closing);
  wait_moves();
  hands_.set_trigger(kRight, true);
  wait(BoxTrainerRun::kJawTravel_s + 0.15);
  hands_.set_trigger(kRight, false);
  wait(BoxTrainerRun::kJawTravel_s + 0.05);
  move_tip(kRight, hinge - kApproach_m * shaft, closing);
  wait_moves();
  wait(style_.pause_s);
}

// A trainee who looks before cutting places the scissors so that they take
// the duct and nothing of the organ: of a few depths along the shaft it
// takes the first whose cut, tried on a copy of the tissue as it lies now,
// divides the duct and leaves the organ whole.
double Planner::cut_set_back(double fraction) const {
  if (!style_.looks_before_cutting) return kCutSetBack_m;
  const Vec3 at = duct_now(fraction);
  const Vec3 shaft = (at - port(kRight).fulcrum).normalized();
  const sim::Quat jaws(frame_across(shaft, shaft.cross(Vec3(1, 0, 0))));
  for (const double set_back : kCutSetBacks) {
    const TrialCut trial = run_.try_cut(at - set_back * shaft, jaws);
    if (trial.divides && trial.organ_tets == 0) return set_back;
  }
  return kCutSetBack_m;
}

PlannedTrace Planner::run() {
  wait(kSettle_s);
  retract();
  if (style_.clip_miss_m > 0)
    close_right_on(style_.clips_at[0], kClipSetBack_m, Vec3(0, 0, style_.clip_miss_m));
  for (const double at : style_.clips_at) {
    if (timed_out()) break;
    close_right_on(at, kClipSetBack_m, Vec3::Zero());
  }
  if (!timed_out()) close_right_on(style_.cut_at, cut_set_back(style_.cut_at), Vec3::Zero());
  wait(0.5);
  PlannedTrace out;
  out.jsonl = hands_.jsonl();
  out.duration_s = now();
  const DissectionTally& n = run_.tally();
  out.completed = n.duct_divided && n.cut_between_clips;
  out.final_hash = run_.state_hash();
  return out;
}

}  // namespace

DissectionStyle skilled_dissection() { return DissectionStyle{}; }

DissectionStyle clumsy_dissection() {
  DissectionStyle s;
  s.name = "clumsy";
  s.speed_m_per_s = 0.02;
  s.min_move_s = 0.8;
  s.pause_s = 1.0;
  s.hesitation_s = 2.5;
  s.tremor_m = 0.0008;
  s.lift_s = 1.0;  // yanks
  s.lifts_until_exposed = false;
  s.over_lift_m = 0.015;
  s.clip_miss_m = 0.008;
  s.clips_at[0] = 0.43;
  s.clips_at[1] = 0.57;
  s.looks_before_cutting = false;
  return s;
}

Result<PlannedTrace> plan_tissue_dissection(const DissectionStyle& style) {
  if (!(style.speed_m_per_s > 0) || !(style.min_move_s > 0) || !(style.lift_s > 0) ||
      !(style.clips_at[0] >= 0 && style.clips_at[1] <= 1 &&
        style.clips_at[0] < style.clips_at[1])) {
    return make_error(ErrorCode::invalid_input,
                      "a dissection style needs a positive speed, move and lift times, and two "
                      "clips in order along the duct");
  }
  Planner planner(style);
  return planner.run();
}

}  // namespace medvision::laparoscopy
