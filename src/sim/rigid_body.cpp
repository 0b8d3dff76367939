#include "sim/rigid_body.h"

#include <algorithm>
#include <utility>

#include "sim/mass_properties.h"

namespace medvision::sim {
namespace {

Real bounding_radius(const std::vector<ShapeInstance>& shapes) {
  Real r = 0;
  for (const auto& s : shapes) {
    if (const auto* c = std::get_if<Capsule>(&s.shape)) {
      const CapsuleSegment seg = capsule_in_world(*c, s.local);
      r = std::max({r, seg.a.norm() + c->radius, seg.b.norm() + c->radius});
    } else if (const auto* p = std::get_if<ConvexPolyhedron>(&s.shape)) {
      for (const Vec3& v : p->vertices) r = std::max(r, s.local.apply(v).norm());
    }
  }
  return r;
}

RigidBodyModel make_body(std::string name, BodyMotion motion, std::vector<ShapeInstance> shapes,
                         const RigidMaterial& material) {
  RigidBodyModel body;
  body.name = std::move(name);
  body.motion = motion;
  body.shapes = std::move(shapes);
  body.material = material;
  body.bounding_radius = bounding_radius(body.shapes);
  return body;
}

}  // namespace

Transform compose(const Transform& outer, const Transform& inner) {
  return {outer.rotation * inner.translation + outer.translation, outer.rotation * inner.rotation};
}

Transform inverse(const Transform& t) {
  const Quat r = t.rotation.conjugate();
  return {-(r * t.translation), r};
}

RigidBodyModel make_dynamic_body(std::string name, std::vector<ShapeInstance> shapes, Real density,
                                 const RigidMaterial& material, Vec3* center_of_mass_offset) {
  const MassProperties m = mass_properties(shapes, density);
  for (auto& s : shapes) s.local.translation -= m.center_of_mass;
  RigidBodyModel body =
      make_body(std::move(name), BodyMotion::dynamic, std::move(shapes), material);
  body.mass = m.mass;
  body.inverse_mass = 1 / m.mass;
  body.inertia = m.inertia;
  body.inverse_inertia = m.inertia.inverse();
  if (center_of_mass_offset) *center_of_mass_offset = m.center_of_mass;
  return body;
}

RigidBodyModel make_dynamic_body_of_mass(std::string name, std::vector<ShapeInstance> shapes,
                                         Real mass, const RigidMaterial& material,
                                         Vec3* center_of_mass_offset) {
  const Real unit_density_mass = mass_properties(shapes, 1).mass;
  return make_dynamic_body(std::move(name), std::move(shapes), mass / unit_density_mass, material,
                           center_of_mass_offset);
}

RigidBodyModel make_fixed_body(std::string name, std::vector<ShapeInstance> shapes,
                               const RigidMaterial& material) {
  return make_body(std::move(name), BodyMotion::fixed, std::move(shapes), material);
}

RigidBodyModel make_kinematic_body(std::string name, std::vector<ShapeInstance> shapes,
                                   const RigidMaterial& material) {
  return make_body(std::move(name), BodyMotion::kinematic, std::move(shapes), material);
}

Vec3 angular_momentum(const RigidBodyModel& model, const RigidBodyState& state) {
  const Quat& q = state.pose.rotation;
  return q * (model.inertia * (q.conjugate() * state.angular_velocity));
}

Real kinetic_energy(const RigidBodyModel& model, const RigidBodyState& state) {
  const Vec3 w_body = state.pose.rotation.conjugate() * state.angular_velocity;
  return Real(0.5) *
         (model.mass * state.linear_velocity.squaredNorm() + w_body.dot(model.inertia * w_body));
}

}  // namespace medvision::sim
