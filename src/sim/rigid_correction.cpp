#include "sim/rigid_correction.h"

namespace medvision::sim {

SolverBody solver_body(const RigidWorldModel& model, RigidWorldState& state, int body) {
  const auto i = static_cast<std::size_t>(body);
  const RigidBodyModel& m = model.bodies[i];
  RigidBodyState& s = state.bodies[i];
  const bool moves = m.motion == BodyMotion::dynamic;
  return {&s.pose, &s.linear_velocity, &s.angular_velocity, moves ? m.inverse_mass : Real(0),
          &state.solver.inverse_inertia[static_cast<std::size_t>(body)]};
}

Vec3 inverse_inertia_times(const SolverBody& b, const Vec3& v) {
  if (b.inverse_mass == 0) return Vec3::Zero();
  return *b.inverse_inertia * v;
}

Real positional_weight(const SolverBody& b, const Vec3& r, const Vec3& n) {
  if (b.inverse_mass == 0) return 0;
  const Vec3 rn = r.cross(n);
  return b.inverse_mass + rn.dot(inverse_inertia_times(b, rn));
}

Real angular_weight(const SolverBody& b, const Vec3& n) {
  return n.dot(inverse_inertia_times(b, n));
}

void rotate_by(Quat& q, const Vec3& v) {
  const Quat dq = Quat(0, v.x(), v.y(), v.z()) * q;
  q.coeffs() += Real(0.5) * dq.coeffs();
  q.normalize();
}

Real apply_positional_correction(SolverBody& a, SolverBody& b, const Vec3& ra, const Vec3& rb,
                                 const Vec3& n, Real c, Real alpha_tilde, Real& lambda) {
  const Real w = positional_weight(a, ra, n) + positional_weight(b, rb, n);
  if (w + alpha_tilde <= 0) return 0;
  const Real dlambda = (c - alpha_tilde * lambda) / (w + alpha_tilde);
  lambda += dlambda;
  apply_positional_impulse(a, b, ra, rb, dlambda * n);
  return dlambda;
}

void apply_positional_impulse(SolverBody& a, SolverBody& b, const Vec3& ra, const Vec3& rb,
                              const Vec3& p) {
  if (a.inverse_mass > 0) {
    a.pose->translation += a.inverse_mass * p;
    rotate_by(a.pose->rotation, inverse_inertia_times(a, ra.cross(p)));
  }
  if (b.inverse_mass > 0) {
    b.pose->translation -= b.inverse_mass * p;
    rotate_by(b.pose->rotation, -inverse_inertia_times(b, rb.cross(p)));
  }
}

Real apply_angular_correction(SolverBody& a, SolverBody& b, const Vec3& n, Real theta,
                              Real alpha_tilde, Real& lambda) {
  const Real w = angular_weight(a, n) + angular_weight(b, n);
  if (w + alpha_tilde <= 0) return 0;
  const Real dlambda = (theta - alpha_tilde * lambda) / (w + alpha_tilde);
  lambda += dlambda;
  const Vec3 p = dlambda * n;
  if (a.inverse_mass > 0) rotate_by(a.pose->rotation, inverse_inertia_times(a, p));
  if (b.inverse_mass > 0) rotate_by(b.pose->rotation, -inverse_inertia_times(b, p));
  return dlambda;
}

void apply_velocity_impulse(SolverBody& a, SolverBody& b, const Vec3& ra, const Vec3& rb,
                            const Vec3& p) {
  if (a.inverse_mass > 0) {
    *a.linear_velocity += a.inverse_mass * p;
    *a.angular_velocity += inverse_inertia_times(a, ra.cross(p));
  }
  if (b.inverse_mass > 0) {
    *b.linear_velocity -= b.inverse_mass * p;
    *b.angular_velocity -= inverse_inertia_times(b, rb.cross(p));
  }
}

void apply_angular_velocity_impulse(SolverBody& a, SolverBody& b, const Vec3& l) {
  if (a.inverse_mass > 0) *a.angular_velocity += inverse_inertia_times(a, l);
  if (b.inverse_mass > 0) *b.angular_velocity -= inverse_inertia_times(b, l);
}

Vec3 rotation_between(const Quat& before, const Quat& after) {
  Quat d = after * before.conjugate();
  if (d.w() < 0) d.coeffs() = -d.coeffs();
  return 2 * d.vec();
}

}  // namespace medvision::sim
