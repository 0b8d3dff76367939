#include "modules/laparoscopy/pattern_cutting_planner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/pattern_cutting_run.h"
#include "modules/laparoscopy/scripted_trainee.h"

namespace medvision::laparoscopy {
namespace {

using sim::Quat;
using sim::Real;
using sim::Vec3;
using Mat3 = sim::Mat3;

constexpr double kGraspReach = 0.6;      // the grasp point along the jaws, from the hinge
constexpr double kBladeSetBack = 0.007;  // the hinge this far short of the stretch to cut, m
constexpr double kOverlap_m = 0.001;     // each snip starts this far back inside the last one
// Placements of the blades a trainee who looks tries: hinge set-back (m), share of the stretch.
constexpr std::array<std::pair<double, double>, 6> kPlacements{
    {{0.004, 1}, {0.010, 1}, {0.007, 0.6}, {0.004, 0.6}, {0.010, 0.6}, {0.013, 0.6}}};
constexpr double kSettle_s = 1.0;
constexpr double kLift_m = 0.004;
constexpr double kLiftAgain_m = 0.010;  // and this much more for the last quarter
constexpr double kLiftAgainAfter_rad =
    1.5 * std::numbers::pi;        // the grasper lifts the gauze this much: tension
constexpr double kGiveUp_s = 290;  // before the task's 300 s cutoff

class Planner {
 public:
  explicit Planner(const PatternCuttingStyle& style)
      : style_(style),
        hands_(
            run_.setup().box.ports, {run_.box().pose(0), run_.box().pose(1)},
            Pace{style.speed_m_per_s, style.min_move_s, style.tremor_m, style.log}, kGiveUp_s,
            [this](int t, const HandCommand& c) { run_.command(t, c); },
            [this](std::vector<TaskEvent>& events) { run_.step(events); }) {}

  PlannedTrace run();

 private:
  const sim::TrocarPort& port(int t) const { return hands_.port(t); }
  const CirclePattern& pattern() const { return run_.setup().pattern; }
  double now() const { return hands_.now(); }
  bool done() const { return hands_.timed_out() || run_.tally().circle_freed; }
  void move_tip(int t, const Vec3& to, const Vec3& across) { hands_.move_tip(t, to, across); }
  void wait_moves() { hands_.wait_moves(); }
  void wait(double seconds) { hands_.wait(seconds); }

  Vec3 line_point(double angle, double off) const {
    const double r = pattern().radius_m + off;
    return pattern().centre + Vec3(r * std::cos(angle), 0, r * std::sin(angle));
  }
  double drift(double fraction) const {
    if (!(style_.drift_to > style_.drift_from) || fraction < style_.drift_from ||
        fraction > style_.drift_to)
      return 0;
    // Out and back in: a smooth bulge over the stretch.
    const double x = (fraction - style_.drift_from) / (style_.drift_to - style_.drift_from);
    return style_.drift_m * std::sin(std::numbers::pi * x);
  }
  void hold_gauze();
  void snip(double from_angle, double to_angle, double fraction);

  PatternCuttingStyle style_;
  PatternCuttingRun run_;
  ScriptedHands hands_;
};

// The left grasper takes the gauze at the circle's centre, across its
// jaws, and lifts it a little to put it under tension.
void Planner::hold_gauze() {
  wait(kSettle_s);  // the gauze settles on its clips while the trainee looks
  const Vec3 target = run_.where_is(pattern().centre);
  const double reach = kGraspReach * run_.setup().box.tools[kLeft].spec.jaw_length_m;
  Vec3 tip = target;
  for (int i = 0; i < 4; ++i) tip = target - reach * (tip - port(kLeft).fulcrum).normalized();
  const Vec3 d = (tip - port(kLeft).fulcrum).normalized();
  const Vec3 across = d.cross(Vec3::UnitY()).normalized();
  move_tip(kLeft, tip - 0.015 * d, across);
  wait_moves();
  move_tip(kLeft, tip, across);
  wait_moves();
  hands_.set_trigger(kLeft, true);
  wait(BoxTrainerRun::kJawTravel_s + 0.05);
  move_tip(kLeft, tip + Vec3(0, kLift_m, 0), across);
  wait_moves();
}

// One snip of the line from `from_angle` to `to_angle` (radians about the
// circle's centre, seen from above). The trainee looks before closing: of a
// few placements of the blades (how far short of the stretch the hinge
// sits, how long a stretch), it takes the first whose cut would stay on the
// line, trying each on a copy of the gauze as it lies now.
void Planner::snip(double from_angle, double to_angle, double fraction) {
  const Vec3& f = port(kRight).fulcrum;
  const sim::InstrumentSpec& spec = run_.setup().box.tools[kRight].spec;
  struct Placement {
    Vec3 tip, across;
    double outside = 0;
    int removed = 0;
  };
  const auto place = [&](double set_back, double reach) {
    const double to = from_angle + reach * (to_angle - from_angle);
    const Vec3 a = run_.where_is(line_point(from_angle, drift(fraction)));
    const Vec3 b = run_.where_is(line_point(to, drift(fraction)));
    const Vec3 mid = 0.5 * (a + b);
    const Vec3 d = (mid - f).normalized();
    const Vec3 normal = (a - f).cross(b - f).normalized();
    Placement p{mid - set_back * d, normal.cross(d).normalized()};
    sim::TissueModel gauze = run_.gauze();
    sim::TissueState state = run_.gauze_state();
    sim::BladeSector blades;
    blades.hinge = p.tip;
    blades.along = d;
    blades.across = frame_across(d, p.across).col(0);
    blades.half_angle_rad = spec.max_jaw_angle_rad;
    blades.length_m = spec.jaw_length_m;
    const sim::SheetCut cut = sim::cut_sheet(gauze, state, blades);
    p.removed = cut.triangles_removed;
    p.outside = cut_deviation(pattern(), cut.rest_segments).outside_band_m2;
    return p;
  };
  Placement chosen = place(kBladeSetBack, 1);
  if (style_.looks_before_cutting && (chosen.outside > 0 || chosen.removed == 0)) {
    for (const auto& [set_back, reach] : kPlacements) {
      const Placement p = place(set_back, reach);
      if (p.removed > 0 && (p.outside < chosen.outside || chosen.removed == 0)) chosen = p;
      if (p.removed > 0 && p.outside == 0) break;
    }
  }
  move_tip(kRight, chosen.tip, chosen.across);
  wait_moves();
  hands_.set_trigger(kRight, true);
  wait(BoxTrainerRun::kJawTravel_s + 0.03);
  hands_.set_trigger(kRight, false);
  wait(BoxTrainerRun::kJawTravel_s);
  wait(style_.pause_s);
}

PlannedTrace Planner::run() {
  hold_gauze();
  // Start on the line nearest the scissors' port and go round anticlockwise
  // seen from above the trainee's side (+z towards the trainee), each snip
  // starting where the line is still whole; round again for any bridge left.
  const Vec3 to_port = port(kRight).fulcrum - pattern().centre;
  const double start = std::atan2(to_port.z(), to_port.x());
  const double step = style_.snip_m / pattern().radius_m;
  const double back = kOverlap_m / pattern().radius_m;
  const double look = 0.5 * std::numbers::pi / 180;  // scanning the line in half degrees
  int snips = 0, tries_here = 0;
  bool lifted = false;
  double cursor = start, last = -1e9;
  while (!done() && cursor < start + 3 * 2 * std::numbers::pi) {
    double at = cursor;
    const auto aimed_at = [&](double angle) {  // where this trainee takes the line to be
      return line_point(angle, drift((angle - start) / (2 * std::numbers::pi)));
    };
    while (at < cursor + 2 * std::numbers::pi && !run_.on_gauze(aimed_at(at))) at += look;
    if (at >= cursor + 2 * std::numbers::pi) break;  // nothing left on the line
    tries_here = std::abs(at - last) < look ? tries_here + 1 : 0;
    last = at;
    if (tries_here >= 2) {  // this snip will not take: move on
      cursor = at + step;
      continue;
    }
    if (!lifted && at - start > kLiftAgainAfter_rad) {
      // Three quarters round, the piece hangs by what is left: lift it so
      // the last stretch stays taut under the blades.
      lifted = true;
      move_tip(kLeft, hands_.tip(kLeft) + Vec3(0, kLiftAgain_m, 0), hands_.rot(kLeft).col(0));
      wait_moves();
    }
    if (style_.hesitate_every > 0 && snips % style_.hesitate_every == 0) wait(style_.hesitation_s);
    snip(at - back, at - back + step, (at - start) / (2 * std::numbers::pi));
    ++snips;
    cursor = at;
  }
  wait(0.5);
  PlannedTrace out;
  out.jsonl = hands_.jsonl();
  out.duration_s = now();
  out.completed = run_.tally().circle_freed;
  out.final_hash = run_.state_hash();
  return out;
}

}  // namespace

PatternCuttingStyle skilled_pattern_cutting() { return PatternCuttingStyle{}; }

PatternCuttingStyle clumsy_pattern_cutting() {
  PatternCuttingStyle s;
  s.name = "clumsy";
  s.speed_m_per_s = 0.03;
  s.min_move_s = 0.7;
  s.pause_s = 0.6;
  s.snip_m = 0.005;
  s.hesitation_s = 2.5;
  s.hesitate_every = 5;
  s.tremor_m = 0.001;
  // Off the line where the curve turns away from the scissors' port.
  s.drift_m = 0.006;
  s.drift_from = 0.3;
  s.drift_to = 0.55;
  return s;
}

Result<PlannedTrace> plan_pattern_cutting(const PatternCuttingStyle& style) {
  if (!(style.speed_m_per_s > 0) || !(style.min_move_s > 0) || !(style.snip_m > 0.001)) {
    return make_error(ErrorCode::invalid_input,
                      "a planner style needs a positive speed and move time and snips over 1 mm");
  }
  Planner planner(style);
  return planner.run();
}

}  // namespace medvision::laparoscopy
