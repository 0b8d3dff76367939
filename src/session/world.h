#pragma once
// What clients see of a session's world: rigid bodies with shapes, colours
// and poses (docs/protocol.md, KEYFRAME and SNAPSHOT). A module that shows a
// world (the sandbox's table, the box trainer's pegs) fills these types; the
// session itself owns no world. The model/state split is the one sim/ uses.

#include <Eigen/Geometry>
#include <cstdint>
#include <vector>

namespace medvision {

// Shapes as clients draw them (docs/protocol.md, KEYFRAME). half_extents:
// box (x, y, z); sphere (radius, 0, 0); capsule (radius, half length of the
// segment along local +Y, 0); cylinder (radius, half height along local +Y,
// 0); prism: an equilateral triangle of side 2x in the local XZ plane (centred, one corner on +X),
// extruded along Y by 2y (x, y, 0).
enum class Shape : std::uint8_t { box = 0, sphere = 1, capsule = 2, cylinder = 3, prism = 4 };

struct Pose {
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  Eigen::Quaterniond orientation = Eigen::Quaterniond::Identity();
};

// A static support: an axis-aligned horizontal rectangle at `height` (m).
struct SupportSurface {
  double height = 0;
  double min_x = 0, max_x = 0, min_z = 0, max_z = 0;
};

struct BodyModel {
  std::uint32_t id = 0;
  Shape shape = Shape::box;
  Eigen::Vector3d half_extents = Eigen::Vector3d::Constant(0.03);  // sphere: radius in x
  std::uint32_t rgba = 0xff0000ff;
};

struct WorldModel {
  std::vector<BodyModel> bodies;
  std::vector<SupportSurface> supports;  // the floor (y = 0, unbounded) is always there
  Eigen::Vector3d gravity{0, -9.81, 0};
  double contact_friction_per_s = 8.0;  // horizontal velocity decay rate in contact
  double settle_rate_per_s = 10.0;      // how fast a dropped body turns to lie flat
  double grab_reach_m = 0.10;           // hand-to-surface distance within which grip grabs
};

inline constexpr int kNobody = -1;

struct BodyState {
  Pose pose;
  Eigen::Vector3d velocity = Eigen::Vector3d::Zero();
  int held_by = kNobody;  // participant number
  int held_hand = 0;      // 0 left, 1 right
  Pose grip;              // the body's pose in the holding hand's frame
  bool resting = true;    // at rest on a support: skipped by integration
};

struct WorldState {
  std::vector<BodyState> bodies;  // parallel to WorldModel::bodies
};

}  // namespace medvision
