#include "modules/laparoscopy/box_trainer.h"

#include <algorithm>
#include <cmath>

#include "sim/shapes.h"

namespace medvision::laparoscopy {

using sim::Quat;
using sim::Real;
using sim::Transform;
using sim::Vec3;

namespace {

constexpr Real kBoardTop = 0.80;  // m: a box on a 75 cm table
constexpr Real kPortHeight = 1.00;

sim::RigidMaterial rubber() {
  sim::RigidMaterial m;
  m.static_friction = 0.8;
  m.dynamic_friction = 0.6;
  return m;
}

const Quat kHalfTurnY(Eigen::AngleAxis<Real>(3.141592653589793, Vec3::UnitY()));

}  // namespace

const char* tool_name(int tool) { return tool == kLeft ? "left" : "right"; }

bool in_view(const Laparoscope& scope, const Vec3& point) {
  const Vec3 axis = (scope.look_at - scope.position).normalized();
  const Vec3 to = point - scope.position;
  const Real d = to.norm();
  if (d < 1e-9) return true;
  return std::acos(std::clamp(axis.dot(to) / d, Real(-1), Real(1))) <= scope.half_angle_rad;
}

SceneCamera laparoscope_camera(const Laparoscope& scope) {
  const Vec3 back = (scope.position - scope.look_at).normalized();
  const Vec3 right = Vec3::UnitY().cross(back).normalized();
  const Vec3 up = back.cross(right);
  Eigen::Matrix3d frame;
  frame << right, up, back;
  SceneCamera c;
  c.id = 1;
  c.name = "laparoscope";
  c.pose.position = scope.position;
  c.pose.orientation = Eigen::Quaterniond(frame).normalized();
  c.vertical_fov_rad = static_cast<float>(2 * scope.half_angle_rad);
  return c;
}

Vec3 handle_for_tip(const sim::TrocarPort& port, const Vec3& tip) {
  const Vec3 d = (tip - port.fulcrum).normalized();
  const Real depth = (tip - port.fulcrum).norm();
  return port.fulcrum - (port.shaft_length_m - depth) * d;
}

Quat handle_from_grip(const Quat& grip) { return (grip * kHalfTurnY).normalized(); }
Quat grip_from_handle(const Quat& handle) { return (handle * kHalfTurnY.conjugate()).normalized(); }

std::array<sim::TrocarPort, 2> box_trainer_ports(const Vec3& target) {
  std::array<sim::TrocarPort, 2> ports;
  for (int side = 0; side < 2; ++side) {
    sim::TrocarPort& port = ports[static_cast<std::size_t>(side)];
    port.fulcrum = Vec3(side == kLeft ? -0.10 : 0.10, kPortHeight, 0.12);
    port.inward = (target - port.fulcrum).normalized();
    port.max_angle_rad = 1.0;
    port.shaft_length_m = 0.36;
    port.min_depth_m = 0.03;
    port.max_depth_m = 0.33;
  }
  return ports;
}

sim::InstrumentPose instrument_start_pose(const sim::TrocarPort& port) {
  const Vec3 tip = port.fulcrum + 0.16 * port.inward;
  return sim::instrument_through_port(port, handle_for_tip(port, tip),
                                      Quat::FromTwoVectors(Vec3::UnitZ(), port.inward));
}

BoxTrainer make_peg_transfer_trainer() {
  BoxTrainer t;
  t.world.settings.substeps = 10;
  t.board.board = Transform{Vec3(0, kBoardTop, 0), Quat::Identity()};
  t.pegs = peg_positions(t.board);
  t.floor_y = kBoardTop - 2 * t.board.board_half.y();

  sim::RigidBodyModel floor =
      sim::make_fixed_body("box floor", {{sim::Plane{}, Transform{}}}, rubber());
  floor.initial_pose = Transform{Vec3(0, t.floor_y, 0), Quat::Identity()};
  t.floor_body = sim::add_body(t.world, std::move(floor));
  t.board_body = add_peg_board(t.world, t.board, rubber());
  for (int k = 0; k < kPegsPerSide; ++k) {
    // Each object turned a little differently, as a proctor sets them.
    Transform pose = resting_on_peg(t.board, t.pegs[static_cast<std::size_t>(k)]);
    pose.rotation = Quat(Eigen::AngleAxis<Real>(0.3 * k, Vec3::UnitY()));
    t.objects.push_back(add_triangle_object(t.world, t.board, rubber(), pose));
  }

  const Vec3 target(0, kBoardTop + 0.02, -0.01);
  t.ports = box_trainer_ports(target);
  for (int side = 0; side < 2; ++side) {
    const sim::TrocarPort& port = t.ports[static_cast<std::size_t>(side)];
    const sim::InstrumentPose start = instrument_start_pose(port);
    t.tools[static_cast<std::size_t>(side)] =
        sim::add_instrument(t.world, sim::InstrumentSpec{}, tool_name(side), start,
                            static_cast<std::uint32_t>(side + 1));
  }
  t.scope.position = Vec3(0, kPortHeight + 0.02, 0.16);
  t.scope.look_at = Vec3(0, kBoardTop, -0.01);
  return t;
}

BoxTrainer make_tissue_box_trainer(double floor_y, const Vec3& target, const Vec3& look_at,
                                   sim::InstrumentKind right) {
  BoxTrainer t;
  t.world.settings.substeps = 10;
  t.floor_y = floor_y;
  // Nothing rolls on this floor (the instruments are kinematic): its material does not matter.
  sim::RigidBodyModel floor =
      sim::make_fixed_body("box floor", {{sim::Plane{}, Transform{}}}, sim::RigidMaterial{});
  floor.initial_pose = Transform{Vec3(0, floor_y, 0), Quat::Identity()};
  t.floor_body = sim::add_body(t.world, std::move(floor));
  t.ports = box_trainer_ports(target);
  for (int side = 0; side < 2; ++side) {
    const sim::TrocarPort& port = t.ports[static_cast<std::size_t>(side)];
    sim::InstrumentSpec spec;
    if (side == kRight) spec.kind = right;
    t.tools[static_cast<std::size_t>(side)] =
        sim::add_instrument(t.world, spec, tool_name(side), instrument_start_pose(port),
                            static_cast<std::uint32_t>(side + 1));
  }
  t.scope.position = Vec3(0, kPortHeight + 0.02, 0.16);
  t.scope.look_at = look_at;
  return t;
}

}  // namespace medvision::laparoscopy
