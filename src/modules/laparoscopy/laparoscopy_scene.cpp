#include "modules/laparoscopy/laparoscopy_scene.h"

#include <cmath>
#include <limits>

#include "sim/shapes.h"

namespace medvision::laparoscopy {

using sim::Mat3;
using sim::Quat;
using sim::Real;
using sim::Transform;
using sim::Vec3;

namespace {

constexpr std::uint32_t kBoardColour = 0x2f6f4fff;  // green board
constexpr std::uint32_t kPegColour = 0xe8e8e0ff;
constexpr std::uint32_t kObjectColour = 0xd9482bff;  // the orange-red FLS triangles
constexpr std::uint32_t kFloorColour = 0x202428ff;
constexpr std::uint32_t kShaftColour = 0x3a3d42ff;
constexpr std::uint32_t kJawColour = 0xb8bcc2ff;
constexpr double kJawHalfWidth = 0.0012;

// A convex piece drawn as the box around it, in a frame turned towards the
// piece's centroid (the bars of a triangle ring become boxes along the bars).
std::pair<Eigen::Vector3d, Transform> box_around(const sim::ConvexPolyhedron& poly) {
  Vec3 c = Vec3::Zero();
  for (const Vec3& v : poly.vertices) c += v;
  c /= static_cast<Real>(poly.vertices.size());
  Mat3 axes = Mat3::Identity();
  const Eigen::Vector2d radial(c.x(), c.z());
  if (radial.norm() > 1e-6) {
    const Vec3 r = Vec3(radial.x(), 0, radial.y()).normalized();
    const Vec3 along(-r.z(), 0, r.x());
    axes.col(0) = along;
    axes.col(1) = Vec3::UnitY();
    axes.col(2) = along.cross(Vec3::UnitY());
  }
  Vec3 lo = Vec3::Constant(std::numeric_limits<Real>::infinity());
  Vec3 hi = -lo;
  for (const Vec3& v : poly.vertices) {
    const Vec3 p = axes.transpose() * v;
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  return {0.5 * (hi - lo), Transform{axes * (0.5 * (hi + lo)), Quat(axes)}};
}

Pose to_pose(const Transform& t) { return Pose{t.translation, t.rotation}; }

}  // namespace

void TrainerScene::add(std::uint32_t rgba, Shape shape, const Eigen::Vector3d& half, int body,
                       const Transform& local) {
  BodyModel b;
  b.id = static_cast<std::uint32_t>(scene_.model.bodies.size() + 1);
  b.shape = shape;
  b.half_extents = half;
  b.rgba = rgba;
  scene_.model.bodies.push_back(b);
  scene_.state.bodies.emplace_back();
  pieces_.push_back(Piece{body, local});
}

TrainerScene::TrainerScene(const BoxTrainer& trainer) : trainer_(&trainer) {
  // The box's floor, drawn as a slab under the board.
  add(kFloorColour, Shape::box, Eigen::Vector3d(0.30, 0.005, 0.20), trainer.floor_body,
      Transform{Vec3(0, -0.005, 0), Quat::Identity()});
  for (std::size_t b = 0; b < trainer.world.bodies.size(); ++b) {
    const sim::RigidBodyModel& body = trainer.world.bodies[b];
    if (body.motion == sim::BodyMotion::kinematic) continue;  // instruments: below
    const bool object = body.motion == sim::BodyMotion::dynamic;
    for (const sim::ShapeInstance& s : body.shapes) {
      if (const auto* cap = std::get_if<sim::Capsule>(&s.shape)) {
        add(kPegColour, Shape::capsule, Eigen::Vector3d(cap->radius, cap->half_length, 0),
            static_cast<int>(b), s.local);
      } else if (const auto* poly = std::get_if<sim::ConvexPolyhedron>(&s.shape)) {
        const auto [half, frame] = box_around(*poly);
        add(object ? kObjectColour : kBoardColour, Shape::box, half, static_cast<int>(b),
            sim::compose(s.local, frame));
      }
    }
  }
  for (int tool = 0; tool < 2; ++tool) {
    const sim::Instrument& ins = trainer.tools[static_cast<std::size_t>(tool)];
    const sim::ShapeInstance& shaft =
        trainer.world.bodies[static_cast<std::size_t>(ins.shaft)].shapes.front();
    const auto& cap = std::get<sim::Capsule>(shaft.shape);
    add(kShaftColour, Shape::capsule, Eigen::Vector3d(cap.radius, cap.half_length, 0), ins.shaft,
        shaft.local);
  }
  for (int tool = 0; tool < 2; ++tool) {
    for (const double side : {-1.0, 1.0}) {
      const sim::InstrumentSpec& spec = trainer.tools[static_cast<std::size_t>(tool)].spec;
      add(kJawColour, Shape::box,
          Eigen::Vector3d(kJawHalfWidth, kJawHalfWidth, spec.jaw_length_m / 2),
          trainer.tools[static_cast<std::size_t>(tool)].jaws, Transform{});
      jaws_.push_back(Jaw{tool, side});
    }
  }
}

void TrainerScene::update(const sim::RigidWorldState& world,
                          const std::array<sim::InstrumentState, 2>& tools) {
  const std::size_t first_jaw = pieces_.size() - jaws_.size();
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    const Transform& body = world.bodies[static_cast<std::size_t>(pieces_[i].body)].pose;
    Transform local = pieces_[i].local;
    if (i >= first_jaw) {
      // Each jaw turns about the hinge's y axis, opening in the xz plane.
      const Jaw& jaw = jaws_[i - first_jaw];
      const sim::InstrumentSpec& spec = trainer_->tools[static_cast<std::size_t>(jaw.tool)].spec;
      const double angle = jaw.side * spec.max_jaw_angle_rad *
                           (1 - tools[static_cast<std::size_t>(jaw.tool)].closure);
      local.rotation = Quat(Eigen::AngleAxis<Real>(angle, Vec3::UnitY()));
      local.translation = local.rotation * Vec3(0, 0, spec.jaw_length_m / 2);
    }
    BodyState& s = scene_.state.bodies[i];
    s.pose = to_pose(sim::compose(body, local));
    s.held_by = kNobody;
    s.resting = false;
  }
}

}  // namespace medvision::laparoscopy
