#include "modules/laparoscopy/peg_transfer_planner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "modules/laparoscopy/box_trainer_run.h"
#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/scripted_trainee.h"
#include "sim/shapes.h"

namespace medvision::laparoscopy {
namespace {

using sim::Quat;
using sim::Real;
using sim::Transform;
using sim::Vec3;
using Mat3 = sim::Mat3;

constexpr double kGraspReach =
    0.6;  // the grasp point, as a fraction of the jaws' length from the hinge
constexpr double kApproach_m = 0.02;  // approach and retreat along the shaft
constexpr double kGiveUp_s = 290;     // the planner stops before the task's 300 s cutoff

// What a tool does during a move.
struct Move {
  enum Kind { none, tip, object } kind = none;
  Vec3 from = Vec3::Zero();  // the tip, or the held object's centre
  Vec3 to = Vec3::Zero();
  Vec3 across_from = Vec3::UnitX();  // tip moves: the jaws' opening direction
  Vec3 across_to = Vec3::UnitX();
  Vec3 held_offset = Vec3::Zero();  // object moves: the object's centre in the jaw frame
  Vec3 held_up = Vec3::UnitY();     // and its up axis in the jaw frame
  int start_step = 0;
  int steps = 1;
};

class Planner {
 public:
  explicit Planner(const PegTransferStyle& style)
      : style_(style), box_(std::make_shared<const BoxTrainer>(make_peg_transfer_trainer())) {
    for (int t = 0; t < 2; ++t) {
      tip_[t] = box_.pose(t).tip;
      rot_[t] = box_.pose(t).orientation.toRotationMatrix();
    }
  }

  PlannedTrace run();

 private:
  const BoxTrainer& trainer() const { return box_.trainer(); }
  const sim::TrocarPort& port(int t) const { return trainer().ports[static_cast<std::size_t>(t)]; }
  Transform object_pose(int k) const {
    return box_.world()
        .bodies[static_cast<std::size_t>(trainer().objects[static_cast<std::size_t>(k)])]
        .pose;
  }
  Transform jaw_pose(int t) const {
    return box_.world()
        .bodies[static_cast<std::size_t>(trainer().tools[static_cast<std::size_t>(t)].jaws)]
        .pose;
  }
  double now() const { return step_ * kPhysicsStep_s; }
  bool out_of_time() const { return now() > kGiveUp_s || ended_; }

  // Moves (both tools may move at once; wait() lets them finish).
  void move_tip(int t, const Vec3& to, const Vec3& across);
  void move_object(int t, const Vec3& to);
  void trigger(int t, bool on) { trigger_[t] = on; }
  void wait_moves();
  void wait(double seconds);
  void step_once();
  void command(int t);

  // The task's parts.
  void go_home(int t);
  bool grasp_object(int t, int k);
  void lift_and_carry(int t, const Vec3& centre);
  bool hand_over(int from, int to, int k);
  void place(int t, int k, int peg);
  void release(int t);
  int free_peg(int side) const;
  Vec3 transfer_point() const { return trainer().board.board.apply(Vec3(0, 0.055, 0)); }
  Vec3 above_peg(int peg, double clearance) const {
    return trainer().pegs[static_cast<std::size_t>(peg)] +
           Vec3(0, trainer().board.peg_height + trainer().board.half_thickness + clearance, 0);
  }
  bool transfer(int k, int from, int to, int peg);

  PegTransferStyle style_;
  BoxTrainerRun box_;
  std::array<Move, 2> moves_;
  std::array<Vec3, 2> tip_;
  std::array<Mat3, 2> rot_;
  std::array<bool, 2> trigger_{false, false};
  TraceWriter trace_;
  std::vector<TaskEvent> events_;
  int step_ = 0;
  bool ended_ = false;
  bool phase_back_ = false;
  std::vector<int> claimed_;  // pegs chosen in this pass
};

void Planner::move_tip(int t, const Vec3& to, const Vec3& across) {
  Move m;
  m.kind = Move::tip;
  m.from = tip_[t];
  m.to = to;
  m.across_from = rot_[t].col(0);
  m.across_to = across;
  m.start_step = step_;
  const double seconds = std::max(style_.min_move_s, (to - m.from).norm() / style_.speed_m_per_s);
  m.steps = std::max(1, static_cast<int>(std::lround(seconds / kPhysicsStep_s)));
  moves_[t] = m;
}

void Planner::move_object(int t, const Vec3& to) {
  const sim::InstrumentState& s = box_.tools()[static_cast<std::size_t>(t)];
  if (s.held < 0) return;
  const Transform jaw = jaw_pose(t);
  const Transform obj = box_.world().bodies[static_cast<std::size_t>(s.held)].pose;
  Move m;
  m.kind = Move::object;
  m.from = obj.translation;
  m.to = to;
  m.held_offset = jaw.rotation.conjugate() * (obj.translation - jaw.translation);
  m.held_up = jaw.rotation.conjugate() * (obj.rotation * Vec3::UnitY());
  m.start_step = step_;
  const double seconds = std::max(style_.min_move_s, (to - m.from).norm() / style_.speed_m_per_s);
  m.steps = std::max(1, static_cast<int>(std::lround(seconds / kPhysicsStep_s)));
  moves_[t] = m;
}

// The tip and jaw frame that put a held object's centre at `centre`, rolled
// about the shaft so that the object is as level as the port allows.
void solve_held(const sim::TrocarPort& port, const Move& m, const Vec3& centre, Vec3& tip,
                Mat3& rot) {
  for (int iteration = 0; iteration < 6; ++iteration) {
    const Vec3 d = (tip - port.fulcrum).normalized();
    const Mat3 base = frame_across(d, d.unitOrthogonal());
    // Roll theta about the shaft maximises the up axis' height:
    // up_y(theta) = A cos(theta) + B sin(theta) + C.
    const double a = m.held_up.x(), b = m.held_up.y();
    const double A = a * base(1, 0) + b * base(1, 1);
    const double B = -b * base(1, 0) + a * base(1, 1);
    const double theta = std::atan2(B, A);
    rot = base * Eigen::AngleAxis<Real>(theta, Vec3::UnitZ()).toRotationMatrix();
    tip = centre - rot * m.held_offset;
  }
}

void Planner::command(int t) {
  const Move& m = moves_[t];
  const double tau = m.kind == Move::none ? 1.0 : double(step_ - m.start_step) / m.steps;
  const double s = min_jerk(tau);
  if (m.kind == Move::tip) {
    tip_[t] = m.from + s * (m.to - m.from);
    const Vec3 d = (tip_[t] - port(t).fulcrum).normalized();
    const Vec3 across = ((1 - s) * m.across_from + s * m.across_to);
    rot_[t] = frame_across(d, across.norm() > 1e-9 ? across : m.across_to);
  } else if (m.kind == Move::object) {
    solve_held(port(t), m, m.from + s * (m.to - m.from), tip_[t], rot_[t]);
  }
  const HandInput hand =
      scripted_hand(port(t), t, tip_[t], rot_[t], trigger_[t], style_.tremor_m, now());
  if (const auto c = hand_command(hand)) box_.command(t, *c);
  trace_.add(now(), t, hand);
}

void Planner::step_once() {
  if (step_ % kStepsPerInput == 0) {
    command(0);
    command(1);
  }
  events_.clear();
  box_.step(events_);
  ++step_;
  if (style_.log) {
    for (const auto& e : events_)
      std::fprintf(stderr, "planner %7.2f s %s %s\n", now(), e.type.c_str(),
                   e.payload_json.c_str());
  }
  // The scenario ends the task when every object in play is back on the left.
  const PegTransferTally& n = box_.task().tally();
  if (phase_back_ && n.not_on_left == 0 && n.held == 0) ended_ = true;
  if (n.not_on_right == 0 && n.held == 0) phase_back_ = true;
}

void Planner::wait_moves() {
  while (!out_of_time()) {
    bool moving = false;
    for (int t = 0; t < 2; ++t) {
      moving |= moves_[t].kind != Move::none && step_ - moves_[t].start_step <= moves_[t].steps;
    }
    if (!moving) break;
    step_once();
  }
}

void Planner::wait(double seconds) {
  const int until = step_ + static_cast<int>(std::lround(seconds / kPhysicsStep_s));
  while (step_ < until && !out_of_time()) step_once();
}

void Planner::go_home(int t) {
  const Vec3 home = port(t).fulcrum + 0.16 * port(t).inward;
  move_tip(t, home, rot_[t].col(0));
}

// The bar of object k whose outward direction is most nearly perpendicular
// to tool t's shaft: the jaws straddle it across its width.
bool Planner::grasp_object(int t, int k) {
  const PegBoardSpec& spec = trainer().board;
  const Transform obj = object_pose(k);
  const double r_bar = 0.5 * (sim::equilateral_inradius(spec.outer_side) +
                              sim::equilateral_inradius(spec.hole_side));
  const Vec3 d_now = (obj.translation - port(t).fulcrum).normalized();
  Vec3 best_radial = Vec3::UnitX();
  double best = 2;
  for (int bar = 0; bar < 3; ++bar) {
    // Bar k's outward normal in the object's frame: the triangle's side normals (sim/shapes).
    const double angle =
        std::numbers::pi / 2 + std::numbers::pi / 3 + bar * 2 * std::numbers::pi / 3;
    const Vec3 radial = obj.rotation * Vec3(std::cos(angle), 0, std::sin(angle));
    const double along = std::abs(radial.dot(d_now));
    if (along < best) {
      best = along;
      best_radial = radial;
    }
  }
  const Vec3 grasp_point = obj.translation + r_bar * best_radial;
  for (int attempt = 0; attempt < 2 && !out_of_time(); ++attempt) {
    Vec3 tip = grasp_point;
    for (int i = 0; i < 4; ++i) {
      const Vec3 d = (tip - port(t).fulcrum).normalized();
      tip = grasp_point -
            kGraspReach * trainer().tools[static_cast<std::size_t>(t)].spec.jaw_length_m * d;
    }
    const Vec3 d = (tip - port(t).fulcrum).normalized();
    if (style_.detour_m > 0) {
      move_tip(t, tip - kApproach_m * d + style_.detour_m * best_radial, best_radial);
      wait_moves();
    }
    move_tip(t, tip - kApproach_m * d, best_radial);
    wait_moves();
    move_tip(t, tip, best_radial);
    wait_moves();
    trigger(t, true);
    wait(BoxTrainerRun::kJawTravel_s + 0.05);
    if (box_.tools()[static_cast<std::size_t>(t)].held ==
        trainer().objects[static_cast<std::size_t>(k)])
      return true;
    trigger(t, false);
    wait(BoxTrainerRun::kJawTravel_s);
  }
  return false;
}

void Planner::lift_and_carry(int t, const Vec3& centre) {
  const Transform obj =
      object_pose(box_.task().object_of_body(box_.tools()[static_cast<std::size_t>(t)].held));
  // Straight up off the peg first, then across.
  const double clear = trainer().board.board.translation.y() + trainer().board.peg_height +
                       trainer().board.half_thickness + 0.012;
  if (obj.translation.y() < clear) {
    move_object(t, Vec3(obj.translation.x(), clear, obj.translation.z()));
    wait_moves();
  }
  move_object(t, centre);
  wait_moves();
}

void Planner::release(int t) {
  trigger(t, false);
  wait(BoxTrainerRun::kJawTravel_s);
  const Vec3 d = rot_[t].col(2);
  move_tip(t, tip_[t] - kApproach_m * d, rot_[t].col(0));
  wait_moves();
}

bool Planner::hand_over(int from, int to, int k) {
  if (!grasp_object(to, k)) return false;
  wait(style_.pause_s);
  release(from);
  return box_.tools()[static_cast<std::size_t>(to)].held ==
         trainer().objects[static_cast<std::size_t>(k)];
}

void Planner::place(int t, int k, int peg) {
  (void)k;
  move_object(t, above_peg(peg, 0.012));
  wait_moves();
  move_object(t, above_peg(peg, 0.004));
  wait_moves();
  wait(style_.pause_s);
  release(t);
}

int Planner::free_peg(int side) const {
  for (int p = side * kPegsPerSide; p < (side + 1) * kPegsPerSide; ++p) {
    const bool taken = std::any_of(box_.task().objects().begin(), box_.task().objects().end(),
                                   [p](const ObjectTrack& o) { return o.peg == p; });
    // An object let go a moment ago may not have settled on its peg yet.
    if (!taken && std::find(claimed_.begin(), claimed_.end(), p) == claimed_.end()) return p;
  }
  return -1;
}

bool Planner::transfer(int k, int from, int to, int peg) {
  wait(style_.hesitation_s);
  if (!grasp_object(from, k)) return false;
  lift_and_carry(from, transfer_point());
  if (k == style_.drop_in_view_object && from == kLeft) {
    // Let go too early: the object falls on the board; pick it up again.
    release(from);
    wait(1.0);
    go_home(to);
    if (!grasp_object(from, k)) return false;
    lift_and_carry(from, transfer_point());
  }
  wait_moves();  // the receiving tool is back at its home from the last placement
  if (!hand_over(from, to, k)) return false;
  go_home(from);
  if (k == style_.lose_object && from == kLeft) {
    // Carried wide, outside the camera's view, and let go there.
    move_object(to, trainer().board.board.apply(Vec3(0.22, 0.06, 0.10)));
    wait_moves();
    release(to);
    wait(1.0);
    go_home(to);
    wait_moves();
    return true;
  }
  place(to, k, peg);
  go_home(to);
  return true;
}

PlannedTrace Planner::run() {
  const int n = static_cast<int>(trainer().objects.size());
  for (int pass = 0; pass < 2 && !out_of_time(); ++pass) {
    const int from = pass == 0 ? kLeft : kRight;
    const int to = 1 - from;
    for (int k = 0; k < n && !out_of_time(); ++k) {
      const ObjectTrack& o = box_.task().objects()[static_cast<std::size_t>(k)];
      if (o.lost) continue;
      const bool on_from_side = o.peg >= 0 && (o.peg < kPegsPerSide) == (from == kLeft);
      if (!on_from_side) continue;
      const int peg = free_peg(to);
      if (peg < 0) break;
      claimed_.push_back(peg);
      if (!transfer(k, from, to, peg)) break;
    }
    wait_moves();
    wait(0.5);
    claimed_.clear();
  }
  wait(0.5);
  PlannedTrace out;
  out.jsonl = trace_.jsonl();
  out.duration_s = now();
  out.completed = ended_;
  out.final_hash = box_.state_hash();
  return out;
}

}  // namespace

PegTransferStyle skilled_peg_transfer() { return PegTransferStyle{}; }

PegTransferStyle clumsy_peg_transfer() {
  PegTransferStyle s;
  s.name = "clumsy";
  s.speed_m_per_s = 0.05;
  s.min_move_s = 0.6;
  s.pause_s = 0.6;
  s.hesitation_s = 2.0;
  s.tremor_m = 0.0015;
  s.detour_m = 0.015;
  s.drop_in_view_object = 1;
  s.lose_object = 3;
  return s;
}

Result<PlannedTrace> plan_peg_transfer(const PegTransferStyle& style) {
  if (!(style.speed_m_per_s > 0) || !(style.min_move_s > 0)) {
    return make_error(ErrorCode::invalid_input,
                      "a planner style needs a positive speed and move time");
  }
  Planner planner(style);
  return planner.run();
}

}  // namespace medvision::laparoscopy
