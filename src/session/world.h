#pragma once
// The sandbox world: rigid bodies on a table that participants can pick up
// and move. It stands in for the physics engine (src/sim) so that the
// session loop runs end to end; the model/state split is the one sim/ uses.

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

// Builds the sandbox: a table top at 0.9 m and six coloured bodies on it,
// laid out from `seed` (same seed, same layout).
WorldModel make_sandbox_model(std::uint64_t seed);
WorldState make_initial_state(const WorldModel& model, std::uint64_t seed);

// A hand that holds something this step: where it is now.
struct HandTarget {
  int participant = kNobody;
  int hand = 0;
  Pose pose;
};

// Advances free bodies by dt (semi-implicit Euler with ground/table contact)
// and moves held bodies with their hands.
void step_world(const WorldModel& model, WorldState& state, const std::vector<HandTarget>& hands,
                double dt);

// The body nearest to `point` within the grab reach that nobody holds, or kNobody.
int find_grabbable(const WorldModel& model, const WorldState& state, const Eigen::Vector3d& point);

// Lowest point of a body below its centre, for its current orientation.
double support_offset(const BodyModel& body, const Eigen::Quaterniond& orientation);

}  // namespace medvision
