// Integration of free motion and the velocity update of Mueller, Macklin,
// Chentanez, Jeschke & Kim 2020 (their rigid-body substep), with one change
// to the rotation: instead of the explicit gyroscopic update
// w += h I^-1 (-w x I w), which gains energy every substep, Euler's
// equations take an implicit-midpoint step in the body frame, and the
// orientation turns by the Cayley map of that midpoint spin,
// q <- normalise(q (1, h w_mid / 2)) (the paper's normalised first-order
// quaternion update, written in the body frame).
// - The midpoint rule keeps both quadratic invariants of Euler's equations,
//   |L| and the kinetic energy (Austin, Krishnaprasad & Wang 1993, "Almost
//   Poisson integration of rigid body systems", J. Comput. Phys. 107:105).
// - Ours: the midpoint step turns the body-frame momentum by the Cayley map
//   of -h w_mid, the orientation by that of +h w_mid, so the world angular
//   momentum R L of a free body is kept to round-off.
// - Velocities derived from the quaternion change use the inverse Cayley map,
//   w = 2 vec(dq) / (h dq_w), which gives back exactly the midpoint spin; the
//   end-of-substep spin differs from it by `free_spin_change`, added back
//   after the position solve.

#include <cmath>

#include "sim/rigid_stages.h"

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

Mat3 skew(const Vec3& v) {
  Mat3 m;
  m << 0, -v.z(), v.y(), v.z(), 0, -v.x(), -v.y(), v.x(), 0;
  return m;
}

// Solves 2 I w + h w x (I w) = 2 I w0 for the midpoint spin w (body frame)
// by Newton's method; it converges in two or three iterations at h |w| << 1.
Vec3 midpoint_spin(const Mat3& inertia, const Vec3& w0, Real h) {
  const Vec3 rhs = 2 * (inertia * w0);
  Vec3 w = w0;
  for (int k = 0; k < 6; ++k) {
    const Vec3 l = inertia * w;
    const Vec3 f = 2 * l + h * w.cross(l) - rhs;
    if (f.squaredNorm() <= 1e-30 * rhs.squaredNorm()) break;
    const Mat3 jacobian = 2 * inertia + h * (skew(w) * inertia - skew(l));
    w -= jacobian.inverse() * f;
  }
  return w;
}

void predict_dynamic(const RigidBodyModel& m, const Vec3& gravity, Real h, RigidBodyState& s,
                     Vec3& free_spin_change) {
  s.linear_velocity += h * gravity;
  s.pose.translation += h * s.linear_velocity;

  const Quat q = s.pose.rotation;
  const Vec3 w_start = q.conjugate() * s.angular_velocity;
  const Vec3 w_mid = midpoint_spin(m.inertia, w_start, h);
  const Vec3 w_end = 2 * w_mid - w_start;
  const Vec3 half = Real(0.5) * h * w_mid;
  s.pose.rotation = (q * Quat(1, half.x(), half.y(), half.z())).normalized();
  free_spin_change = s.pose.rotation * w_end - q * w_mid;
}

void move_kinematic(const Transform& start, const Transform& target, Real fraction, Real dt,
                    RigidBodyState& s) {
  if (fraction >= 1) {
    s.pose = target;
  } else {
    s.pose.translation = start.translation + fraction * (target.translation - start.translation);
    s.pose.rotation = start.rotation.slerp(fraction, target.rotation);
  }
  s.linear_velocity = (target.translation - start.translation) / dt;
  Quat turn = target.rotation * start.rotation.conjugate();
  if (turn.w() < 0) turn.coeffs() = -turn.coeffs();
  const Eigen::AngleAxis<Real> aa(turn);
  s.angular_velocity = aa.angle() / dt * aa.axis();
}

}  // namespace

void begin_rigid_step(const RigidWorldModel& model, RigidWorldState& state) {
  auto& buf = state.solver;
  for (std::size_t i = 0; i < model.bodies.size(); ++i) buf.step_start[i] = state.bodies[i].pose;
  for (auto& a : state.attachments) {
    a.force.setZero();
    a.torque.setZero();
  }
}

void predict_bodies(const RigidWorldModel& model, RigidWorldState& state, Real h, Real dt,
                    Real fraction) {
  auto& buf = state.solver;
  for (int i = 0; i < static_cast<int>(model.bodies.size()); ++i) {
    const RigidBodyModel& m = model.bodies[at(i)];
    RigidBodyState& s = state.bodies[at(i)];
    buf.previous[at(i)] = s.pose;
    switch (m.motion) {
      case BodyMotion::dynamic: {
        predict_dynamic(m, model.settings.gravity, h, s, buf.free_spin_change[at(i)]);
        const Mat3 r = s.pose.rotation.toRotationMatrix();
        buf.inverse_inertia[at(i)] = r * m.inverse_inertia * r.transpose();
        break;
      }
      case BodyMotion::kinematic:
        move_kinematic(buf.step_start[at(i)], state.kinematic_targets[at(i)], fraction, dt, s);
        break;
      case BodyMotion::fixed:
        break;
    }
  }
}

void derive_velocities(const RigidWorldModel& model, RigidWorldState& state, Real h) {
  const auto& buf = state.solver;
  for (std::size_t i = 0; i < model.bodies.size(); ++i) {
    if (model.bodies[i].motion != BodyMotion::dynamic) continue;
    RigidBodyState& s = state.bodies[i];
    const Transform& before = buf.previous[i];
    s.linear_velocity = (s.pose.translation - before.translation) / h;
    Quat dq = s.pose.rotation * before.rotation.conjugate();
    if (dq.w() < 0) dq.coeffs() = -dq.coeffs();
    s.angular_velocity = 2 / (h * dq.w()) * dq.vec() + buf.free_spin_change[i];
  }
}

}  // namespace medvision::sim
