#include "sim/instrument.h"

#include <algorithm>
#include <cmath>

namespace medvision::sim {

const char* to_string(InstrumentKind kind) {
  switch (kind) {
    case InstrumentKind::grasper:
      return "grasper";
    case InstrumentKind::scissors:
      return "scissors";
    case InstrumentKind::hook:
      return "hook";
    case InstrumentKind::clip_applier:
      return "clip_applier";
  }
  return "";
}

Instrument add_instrument(RigidWorldModel& model, const InstrumentSpec& spec,
                          const std::string& name, const InstrumentPose& start,
                          std::uint32_t collision_group) {
  const Transform at{start.tip, start.orientation};
  Instrument out;
  out.spec = spec;
  // The shaft capsule runs along the body's -Z and its rounded end stops at
  // the hinge, the body's origin (the physics capsule is along local Y: turn
  // it onto Z).
  ShapeInstance shaft;
  shaft.shape = Capsule{spec.shaft_radius_m, spec.shaft_length_m / 2};
  shaft.local.rotation = Quat::FromTwoVectors(Vec3::UnitY(), Vec3::UnitZ());
  shaft.local.translation = Vec3(0, 0, -(spec.shaft_length_m / 2 + spec.shaft_radius_m));
  RigidBodyModel shaft_body = make_kinematic_body(name + ".shaft", {shaft}, RigidMaterial{});
  shaft_body.collision_group = collision_group;
  shaft_body.initial_pose = at;
  out.shaft = add_body(model, std::move(shaft_body));
  RigidBodyModel jaws = make_kinematic_body(name + ".jaws", {}, RigidMaterial{});
  jaws.initial_pose = at;
  out.jaws = add_body(model, std::move(jaws));
  return out;
}

Real jaw_gap(const InstrumentSpec& spec, Real closure) {
  const Real angle = spec.max_jaw_angle_rad * (1 - std::clamp(closure, Real(0), Real(1)));
  return 2 * spec.jaw_length_m * std::sin(angle);
}

namespace {

// The first dynamic body between the jaws, seen by rays across the gap as it
// was when the jaws began to close on it.
std::optional<RigidRayHit> body_between_jaws(const InstrumentSpec& spec,
                                             const RigidWorldModel& model,
                                             const RigidWorldState& world,
                                             const InstrumentPose& pose) {
  const Vec3 along = pose.orientation * Vec3::UnitZ();
  const Vec3 across = pose.orientation * Vec3::UnitX();
  for (const Real f : {0.25, 0.5, 0.75, 1.0}) {
    const Real reach = f * spec.jaw_length_m;
    const Real half_gap = reach * std::sin(spec.max_jaw_angle_rad);
    const Vec3 centre = pose.tip + reach * along;
    for (const Real side : {-1.0, 1.0}) {
      const Vec3 from = centre + side * half_gap * across;
      const auto hit = ray_cast(model, world, from, -side * across, 2 * half_gap);
      if (hit && model.bodies[static_cast<std::size_t>(hit->body)].motion == BodyMotion::dynamic)
        return hit;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<GraspChange> drive_instrument(const Instrument& instrument, InstrumentState& state,
                                            const RigidWorldModel& model, RigidWorldState& world,
                                            const InstrumentPose& pose, Real closure) {
  const Transform at{pose.tip, pose.orientation};
  set_kinematic_target(world, instrument.shaft, at);
  set_kinematic_target(world, instrument.jaws, at);
  const Real before = state.closure;
  state.closure = std::clamp(closure, Real(0), Real(1));
  const InstrumentSpec& spec = instrument.spec;
  if (state.held < 0 && before < spec.grasp_closure && state.closure >= spec.grasp_closure) {
    if (const auto hit = body_between_jaws(spec, model, world, pose)) {
      state.held = hit->body;
      state.attachment = attach(model, world, instrument.jaws, hit->body, hit->point);
      return GraspChange{GraspChange::grasped, hit->body, hit->point};
    }
  } else if (state.held >= 0 && state.closure < spec.release_closure) {
    const int body = state.held;
    detach(world, state.attachment);
    state.held = -1;
    state.attachment = 0;
    return GraspChange{GraspChange::released, body, pose.tip};
  }
  return std::nullopt;
}

}  // namespace medvision::sim
