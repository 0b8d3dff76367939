#include "modules/laparoscopy/scripted_trainee.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "modules/laparoscopy/box_trainer.h"

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
  lines_.push_back(json{{"t", 0}, {"join", "trainee"}, {"role", "trainee"}}.dump());
}

void TraceWriter::add(double t_s, int tool, const HandInput& hand) {
  const auto& p = hand.pose;
  const auto& q = p.orientation;
  json j = json::array(
      {p.position.x(), p.position.y(), p.position.z(), q.x(), q.y(), q.z(), q.w(), hand.buttons});
  if (tool == 0) {
    lines_.push_back(
        json{{"t", std::round(t_s * 100) / 100}, {"input", "trainee"}, {"left", j}}.dump());
  } else {
    json line = json::parse(lines_.back());
    line["right"] = j;
    lines_.back() = line.dump();
  }
}

std::string TraceWriter::jsonl() const {
  std::string out;
  for (const auto& line : lines_) out += line + "\n";
  return out;
}

}  // namespace medvision::laparoscopy
