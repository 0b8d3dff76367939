#pragma once
// A rigid body: its constant description (RigidBodyModel: shapes, mass,
// inertia, material, how it moves) apart from its changing state
// (RigidBodyState: pose and velocities). The world (rigid_world.h) holds a
// list of each and steps them with extended position-based dynamics
// (Mueller, Macklin, Chentanez, Jeschke & Kim 2020, "Detailed rigid body
// simulation with extended position based dynamics", SCA; "Mueller 2020"
// below).
//
// A body's frame has its origin at the centre of mass: the builders move
// the shapes so, and a body is placed by the pose of its centre of mass.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/shapes.h"
#include "sim/types.h"

namespace medvision::sim {

enum class BodyMotion : std::uint8_t {
  dynamic,    // moved by forces, contacts and joints
  kinematic,  // moved by poses the caller sets (an instrument's jaws); pushes, is never pushed
  fixed,      // never moves (the floor, the pegboard and its pegs)
};

// Surface properties; a contact uses the geometric mean of the two bodies'
// friction coefficients and the larger restitution (Box2D's mixing rules).
struct RigidMaterial {
  Real static_friction = 0.5;
  Real dynamic_friction = 0.4;
  Real restitution = 0;
};

struct RigidBodyModel {
  std::string name;
  BodyMotion motion = BodyMotion::dynamic;
  std::vector<ShapeInstance> shapes;  // in the body frame (origin at the centre of mass)
  Real mass = 0;                      // kg (0 unless dynamic)
  Real inverse_mass = 0;
  Mat3 inertia = Mat3::Zero();  // kg m^2, about the centre of mass, body axes
  Mat3 inverse_inertia = Mat3::Zero();
  Real bounding_radius = 0;  // m, from the centre of mass; planes excluded
  RigidMaterial material;
  std::uint32_t collision_group = 0;  // bodies sharing a nonzero group never collide
  Transform initial_pose;
  Vec3 initial_linear_velocity = Vec3::Zero();
  Vec3 initial_angular_velocity = Vec3::Zero();
};

struct RigidBodyState {
  Transform pose;                        // centre of mass and orientation, world
  Vec3 linear_velocity = Vec3::Zero();   // m/s
  Vec3 angular_velocity = Vec3::Zero();  // rad/s, world axes
};

// A dynamic body of uniform density (kg/m^3). The shapes are given in any
// frame; they are moved so the body frame's origin is the centre of mass
// (the returned offset, in the given frame, is where that origin was put).
RigidBodyModel make_dynamic_body(std::string name, std::vector<ShapeInstance> shapes, Real density,
                                 const RigidMaterial& material,
                                 Vec3* center_of_mass_offset = nullptr);
// The same with the density chosen to give `mass` (kg).
RigidBodyModel make_dynamic_body_of_mass(std::string name, std::vector<ShapeInstance> shapes,
                                         Real mass, const RigidMaterial& material,
                                         Vec3* center_of_mass_offset = nullptr);
// Static scenery and instrument parts: the shapes stay where they are given.
RigidBodyModel make_fixed_body(std::string name, std::vector<ShapeInstance> shapes,
                               const RigidMaterial& material);
RigidBodyModel make_kinematic_body(std::string name, std::vector<ShapeInstance> shapes,
                                   const RigidMaterial& material);

// Composition of placements: (outer * inner).apply(x) = outer.apply(inner.apply(x)).
Transform compose(const Transform& outer, const Transform& inner);
Transform inverse(const Transform& t);

// Angular momentum about the centre of mass (world) and kinetic energy.
Vec3 angular_momentum(const RigidBodyModel& model, const RigidBodyState& state);
Real kinetic_energy(const RigidBodyModel& model, const RigidBodyState& state);

}  // namespace medvision::sim
