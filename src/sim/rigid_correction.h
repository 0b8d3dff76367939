#pragma once
// The two corrections every rigid constraint is made of (Mueller, Macklin,
// Chentanez, Jeschke & Kim 2020, "positional constraints" and "angular
// constraints"): move two bodies' points apart
// or together along a direction, or turn two bodies about an axis, by the
// XPBD multiplier update with compliance. Contacts and joints are written
// in terms of these; velocity-level impulses (friction, restitution) too.
//
// Sign convention: a positive correction moves body a along +n (or turns it
// about +n) and body b the other way; multipliers here are >= 0 for a
// correction that pushes a along +n, so lambda / h^2 is the force on a.

#include "sim/rigid_world.h"

namespace medvision::sim {

// A body as the solver sees it: where it is and how hard it is to move.
struct SolverBody {
  Transform* pose = nullptr;
  Vec3* linear_velocity = nullptr;
  Vec3* angular_velocity = nullptr;
  Real inverse_mass = 0;  // 0 for kinematic and fixed bodies
  // World axes, at the orientation the substep started from: the
  // orientation changes by a small angle within a substep, and rotating a
  // body-frame tensor on every correction costs most of the solve.
  const Mat3* inverse_inertia = nullptr;
};

SolverBody solver_body(const RigidWorldModel& model, RigidWorldState& state, int body);

// I^-1 v for a world vector v (zero for bodies that do not move).
Vec3 inverse_inertia_times(const SolverBody& b, const Vec3& v);
// Generalised inverse masses: at offset r (world, from the centre of mass)
// along unit n, 1/m + (r x n)^T I^-1 (r x n); about unit axis n, n^T I^-1 n.
Real positional_weight(const SolverBody& b, const Vec3& r, const Vec3& n);
Real angular_weight(const SolverBody& b, const Vec3& n);
// q <- normalise(q + 1/2 [v, 0] q): a small rotation by vector v.
void rotate_by(Quat& q, const Vec3& v);

// Reduces the violation c (m) along unit n between the points at ra on a
// and rb on b; alpha_tilde = compliance / h^2. Accumulates into lambda and
// returns the increment: dlambda = (c - alpha_tilde lambda) / (w_a + w_b + alpha_tilde),
// impulse p = dlambda n applied to positions and orientations.
Real apply_positional_correction(SolverBody& a, SolverBody& b, const Vec3& ra, const Vec3& rb,
                                 const Vec3& n, Real c, Real alpha_tilde, Real& lambda);
// Moves a by the positional impulse p (kg m) applied at ra and b by -p at
// rb: x += p / m, q turned by I^-1 (r x p).
void apply_positional_impulse(SolverBody& a, SolverBody& b, const Vec3& ra, const Vec3& rb,
                              const Vec3& p);
// Reduces the angle theta (rad) about unit n between a and b, the same way.
Real apply_angular_correction(SolverBody& a, SolverBody& b, const Vec3& n, Real theta,
                              Real alpha_tilde, Real& lambda);
// Applies impulse p (N s) at ra on a and -p at rb on b.
void apply_velocity_impulse(SolverBody& a, SolverBody& b, const Vec3& ra, const Vec3& rb,
                            const Vec3& p);
// Applies angular impulse l (N m s) to a and -l to b.
void apply_angular_velocity_impulse(SolverBody& a, SolverBody& b, const Vec3& l);
// The small rotation vector that took orientation `before` to `after`,
// 2 vec(after before^-1) (the shorter way round).
Vec3 rotation_between(const Quat& before, const Quat& after);

}  // namespace medvision::sim
