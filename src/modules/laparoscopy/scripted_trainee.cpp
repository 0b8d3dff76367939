#include "modules/laparoscopy/scripted_trainee.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numbers>

#include "modules/laparoscopy/box_trainer.h"
#include "modules/laparoscopy/laparoscopy_module.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
using sim::Mat3;
using sim::Quat;
using sim::Vec3;

constexpr double kTremorHz = 8;

double round6(double x) { return std::round(x * 1e6) / 1e6; }

}  // namespace

double min_jerk(double tau) {
  tau = std::clamp(tau, 0.0, 1.0);
  return tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
}

Mat3 frame_across(const Vec3& d, const Vec3& across) {
  Vec3 x = across - across.dot(d) * d;
  if (x.norm() < 1e-9) x = d.unitOrthogonal();
  x.normalize();
  Mat3 r;
  r.col(0) = x;
  r.col(1) = d.cross(x);
  r.col(2) = d;
  return r;
}

HandInput scripted_hand(const sim::TrocarPort& port, int tool, const Vec3& tip, const Mat3& rot,
                        bool trigger, double tremor_m, double t_s) {
  Vec3 shaken = tip;
  if (tremor_m > 0) {
    const double phase = 2 * std::numbers::pi * kTremorHz * t_s + (tool == 0 ? 0.0 : 1.3);
    shaken += tremor_m * Vec3(std::sin(phase), 0.5 * std::sin(1.7 * phase), std::cos(0.8 * phase));
  }
  const Vec3 d = (shaken - port.fulcrum).normalized();
  const Mat3 held = frame_across(d, rot.col(0));
  const Vec3 handle = handle_for_tip(port, shaken);
  const Quat grip = grip_from_handle(Quat(held));
  HandInput hand;
  hand.pose.position = Vec3(round6(handle.x()), round6(handle.y()), round6(handle.z()));
  hand.pose.orientation =
      Quat(round6(grip.w()), round6(grip.x()), round6(grip.y()), round6(grip.z()));
  hand.buttons = trigger ? kButtonTrigger : 0;
  return hand;
}

TraceWriter::TraceWriter() {
  lines_.push_back(json{{"t", 0}, {"join", "trainee"}, {"role", "trainee"}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void TraceWriter::add(double t_s, int tool, const HandInput& hand) {
  const auto& p = hand.pose;
  const auto& q = p.orientation;
  json j = json::array(
      {p.position.x(), p.position.y(), p.position.z(), q.x(), q.y(), q.z(), q.w(), hand.buttons});
  if (tool == 0) {
    lines_.push_back(
        json{{"t", std::round(t_s * 100) / 100}, {"input", "trainee"}, {"left", j}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    json line = json::parse(lines_.back());
    line["right"] = j;
    lines_.back() = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

std::string TraceWriter::jsonl() const {
  std::string out;
  for (const auto& line : lines_) out += line + "\n";
  return out;
}

ScriptedHands::ScriptedHands(const std::array<sim::TrocarPort, 2>& ports,
                             const std::array<sim::InstrumentPose, 2>& start, const Pace& pace,
                             double give_up_s, Command command, Step step)
    : ports_(ports),
      pace_(pace),
      give_up_s_(give_up_s),
      command_(std::move(command)),
      step_world_(std::move(step)) {
  for (std::size_t t = 0; t < 2; ++t) {
    tip_[t] = start[t].tip;
    rot_[t] = start[t].orientation.toRotationMatrix();
  }
}

double ScriptedHands::now() const { return step_ * kPhysicsStep_s; }

void ScriptedHands::move_tip(int t, const Vec3& to, const Vec3& across, double seconds) {
  const auto i = static_cast<std::size_t>(t);
  Move m;
  m.active = true;
  m.from = tip_[i];
  m.to = to;
  m.across_from = rot_[i].col(0);
  m.across_to = across;
  m.start_step = step_;
  if (seconds <= 0)
    seconds = std::max(pace_.min_move_s, (to - m.from).norm() / pace_.speed_m_per_s);
  m.steps = std::max(1, static_cast<int>(std::lround(seconds / kPhysicsStep_s)));
  moves_[i] = m;
}

void ScriptedHands::command(int t) {
  const auto i = static_cast<std::size_t>(t);
  const Move& m = moves_[i];
  if (m.active) {
    const double s = min_jerk(double(step_ - m.start_step) / m.steps);
    tip_[i] = m.from + s * (m.to - m.from);
    const Vec3 d = (tip_[i] - ports_[i].fulcrum).normalized();
    const Vec3 across = (1 - s) * m.across_from + s * m.across_to;
    rot_[i] = frame_across(d, across.norm() > 1e-9 ? across : m.across_to);
  }
  const HandInput hand =
      scripted_hand(ports_[i], t, tip_[i], rot_[i], trigger_[i], pace_.tremor_m, now());
  if (const auto c = hand_command(hand)) command_(t, *c);
  trace_.add(now(), t, hand);
}

void ScriptedHands::step_once() {
  if (step_ % kStepsPerInput == 0) {
    command(0);
    command(1);
  }
  events_.clear();
  step_world_(events_);
  ++step_;
  if (pace_.log) {
    for (const auto& e : events_)
      std::fprintf(stderr, "planner %7.2f s %s %s\n", now(), e.type.c_str(),
                   e.payload_json.c_str());
  }
}

void ScriptedHands::wait_moves() {
  wait_moves_until([] { return false; });
}

bool ScriptedHands::wait_moves_until(const std::function<bool()>& seen) {
  while (!timed_out()) {
    if (seen()) {
      for (Move& m : moves_) m.active = false;  // the hands stay where they are
      return true;
    }
    bool moving = false;
    for (const Move& m : moves_) moving |= m.active && step_ - m.start_step <= m.steps;
    if (!moving) break;
    step_once();
  }
  return seen();
}

void ScriptedHands::wait(double seconds) {
  const int until = step_ + static_cast<int>(std::lround(seconds / kPhysicsStep_s));
  while (step_ < until && !timed_out()) step_once();
}

}  // namespace medvision::laparoscopy
