#include "modules/sandbox/sandbox_world.h"

#include <algorithm>
#include <cmath>

#include "core/random.h"

namespace medvision {
namespace {

double support_height_at(const WorldModel& model, const Eigen::Vector3d& p, double below) {
  double h = 0.0;  // the floor
  for (const auto& s : model.supports) {
    const bool over = p.x() >= s.min_x && p.x() <= s.max_x && p.z() >= s.min_z && p.z() <= s.max_z;
    // A support only holds bodies that are above it, not ones pushed under it;
    // the margin covers the penetration of one step of a falling body.
    if (over && s.height > h && p.y() - below >= s.height - 0.05) h = s.height;
  }
  return h;
}

// The nearest orientation that keeps only the rotation about +Y: how a box
// lies flat after being dropped.
Eigen::Quaterniond yaw_only(const Eigen::Quaterniond& q) {
  const Eigen::Vector3d forward = q * Eigen::Vector3d::UnitZ();
  const double yaw = std::atan2(forward.x(), forward.z());
  return Eigen::Quaterniond(Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitY()));
}

void follow_hand(BodyState& body, const HandTarget& hand, double dt) {
  const Eigen::Vector3d target = hand.pose.position + hand.pose.orientation * body.grip.position;
  body.velocity = (target - body.pose.position) / dt;
  body.pose.position = target;
  body.pose.orientation = (hand.pose.orientation * body.grip.orientation).normalized();
  body.resting = false;
}

void integrate_free(const WorldModel& model, const BodyModel& m, BodyState& body, double dt) {
  body.velocity += model.gravity * dt;
  body.pose.position += body.velocity * dt;
  const double below = support_offset(m, body.pose.orientation);
  const double surface = support_height_at(model, body.pose.position, below);
  if (body.pose.position.y() - below > surface) return;  // in flight

  body.pose.position.y() = surface + below;
  body.velocity.y() = std::max(0.0, body.velocity.y());
  const double keep = std::max(0.0, 1.0 - model.contact_friction_per_s * dt);
  body.velocity.x() *= keep;
  body.velocity.z() *= keep;
  const Eigen::Quaterniond flat = yaw_only(body.pose.orientation);
  const double t = std::min(1.0, model.settle_rate_per_s * dt);
  body.pose.orientation = body.pose.orientation.slerp(t, flat).normalized();
  if (body.velocity.norm() < 1e-3 && body.pose.orientation.angularDistance(flat) < 1e-4) {
    body.pose.orientation = flat;
    body.pose.position.y() = surface + support_offset(m, flat);
    body.velocity.setZero();
    body.resting = true;
  }
}

}  // namespace

double support_offset(const BodyModel& body, const Eigen::Quaterniond& orientation) {
  if (body.shape == Shape::sphere) return body.half_extents.x();
  const Eigen::Matrix3d r = orientation.toRotationMatrix();
  if (body.shape == Shape::capsule) {
    // The segment's half length along local +Y, tilted, plus the radius.
    return std::abs(r(1, 1)) * body.half_extents.y() + body.half_extents.x();
  }
  return std::abs(r(1, 0)) * body.half_extents.x() + std::abs(r(1, 1)) * body.half_extents.y() +
         std::abs(r(1, 2)) * body.half_extents.z();
}

WorldModel make_sandbox_model(std::uint64_t seed) {
  WorldModel model;
  model.supports.push_back(SupportSurface{0.9, -0.6, 0.6, -0.9, -0.3});
  static constexpr std::uint32_t colours[] = {0xe0301eff, 0x1e64e0ff, 0x20b040ff,
                                              0xf0b000ff, 0x9030c0ff, 0x00a8b0ff};
  SplitMix64 rng(seed);
  for (std::uint32_t i = 0; i < 6; ++i) {
    BodyModel b;
    b.id = i + 1;
    b.shape = i % 3 == 2 ? Shape::sphere : Shape::box;
    const double size = 0.03 + 0.02 * rng.uniform();  // half size 3-5 cm
    b.half_extents =
        b.shape == Shape::sphere ? Eigen::Vector3d(size, 0, 0) : Eigen::Vector3d(size, size, size);
    b.rgba = colours[i];
    model.bodies.push_back(b);
  }
  return model;
}

WorldState make_initial_state(const WorldModel& model, std::uint64_t seed) {
  WorldState state;
  SplitMix64 rng(seed ^ 0x5eed5eed5eed5eedULL);
  const auto& table = model.supports.front();
  const std::size_t n = model.bodies.size();
  for (std::size_t i = 0; i < n; ++i) {
    const BodyModel& m = model.bodies[i];
    BodyState s;
    // One slot per body along the table, jittered, so bodies never overlap.
    const double slot = (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    const double x = table.min_x + 0.1 + (table.max_x - table.min_x - 0.2) * slot;
    const double z = (table.min_z + table.max_z) / 2 + 0.15 * (rng.uniform() - 0.5);
    const double yaw = 2 * M_PI * rng.uniform();
    s.pose.orientation = Eigen::Quaterniond(Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitY()));
    s.pose.position = Eigen::Vector3d(x, table.height + support_offset(m, s.pose.orientation), z);
    state.bodies.push_back(s);
  }
  return state;
}

void step_world(const WorldModel& model, WorldState& state, const std::vector<HandTarget>& hands,
                double dt) {
  for (std::size_t i = 0; i < state.bodies.size(); ++i) {
    BodyState& body = state.bodies[i];
    if (body.held_by != kNobody) {
      for (const auto& hand : hands) {
        if (hand.participant == body.held_by && hand.hand == body.held_hand)
          follow_hand(body, hand, dt);
      }
    } else if (!body.resting) {
      integrate_free(model, model.bodies[i], body, dt);
    }
  }
}

int find_grabbable(const WorldModel& model, const WorldState& state, const Eigen::Vector3d& point) {
  int best = kNobody;
  double best_distance = model.grab_reach_m;
  for (std::size_t i = 0; i < state.bodies.size(); ++i) {
    if (state.bodies[i].held_by != kNobody) continue;
    const BodyModel& m = model.bodies[i];
    // Distance from the hand to the body's surface, with the body as its bounding sphere.
    const double radius = m.shape == Shape::sphere ? m.half_extents.x() : m.half_extents.norm();
    const double d = std::max(0.0, (state.bodies[i].pose.position - point).norm() - radius);
    if (d <= best_distance) {
      best_distance = d;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace medvision
