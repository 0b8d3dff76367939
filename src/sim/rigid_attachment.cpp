// The attachment joint that carries a grasped object: a positional
// constraint between the grasp point on the holder and on the held body,
// and an orientational constraint between their frames, each an XPBD
// constraint with compliance (Mueller, Macklin, Chentanez, Jeschke & Kim
// 2020, joints: "aligning" orientations with the angle 2 vec(q_target
// q^-1)). The held body goes first as body a, so multipliers read as what
// the joint did to it.

#include <algorithm>
#include <cassert>

#include "sim/rigid_correction.h"
#include "sim/rigid_stages.h"

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

}  // namespace

int attach(const RigidWorldModel& model, RigidWorldState& state, int holder, int held,
           const Vec3& grasp_point, Real positional_compliance, Real rotational_compliance) {
  (void)model;
  assert(model.bodies[at(held)].motion == BodyMotion::dynamic);
  const Transform& h = state.bodies[at(holder)].pose;
  const Transform& d = state.bodies[at(held)].pose;
  RigidAttachment a;
  a.id = state.next_attachment_id++;
  a.holder = holder;
  a.held = held;
  a.holder_frame = {h.rotation.conjugate() * (grasp_point - h.translation),
                    h.rotation.conjugate() * d.rotation};
  a.held_frame = {d.rotation.conjugate() * (grasp_point - d.translation), Quat::Identity()};
  a.positional_compliance = positional_compliance;
  a.rotational_compliance = rotational_compliance;
  state.attachments.push_back(a);
  state.solver.attachment_lambda.push_back(0);
  state.solver.attachment_angular_lambda.push_back(0);
  return a.id;
}

bool detach(RigidWorldState& state, int attachment_id) {
  const auto it = std::find_if(state.attachments.begin(), state.attachments.end(),
                               [&](const RigidAttachment& a) { return a.id == attachment_id; });
  if (it == state.attachments.end()) return false;
  const auto index = it - state.attachments.begin();
  state.attachments.erase(it);
  state.solver.attachment_lambda.erase(state.solver.attachment_lambda.begin() + index);
  state.solver.attachment_angular_lambda.erase(state.solver.attachment_angular_lambda.begin() +
                                               index);
  return true;
}

const RigidAttachment* find_attachment(const RigidWorldState& state, int attachment_id) {
  for (const auto& a : state.attachments) {
    if (a.id == attachment_id) return &a;
  }
  return nullptr;
}

void reset_attachment_multipliers(RigidWorldState& state) {
  std::fill(state.solver.attachment_lambda.begin(), state.solver.attachment_lambda.end(), 0);
  std::fill(state.solver.attachment_angular_lambda.begin(),
            state.solver.attachment_angular_lambda.end(), 0);
}

void solve_attachment_positions(const RigidWorldModel& model, RigidWorldState& state, Real h,
                                int substeps) {
  const Real to_force = 1 / (h * h * substeps);
  for (std::size_t k = 0; k < state.attachments.size(); ++k) {
    RigidAttachment& j = state.attachments[k];
    SolverBody held = solver_body(model, state, j.held);
    SolverBody holder = solver_body(model, state, j.holder);

    const Vec3 r_held = held.pose->rotation * j.held_frame.translation;
    const Vec3 r_holder = holder.pose->rotation * j.holder_frame.translation;
    const Vec3 gap = (holder.pose->translation + r_holder) - (held.pose->translation + r_held);
    if (const Real length = gap.norm(); length > 0) {
      const Vec3 n = gap / length;
      const Real dl = apply_positional_correction(held, holder, r_held, r_holder, n, length,
                                                  j.positional_compliance / (h * h),
                                                  state.solver.attachment_lambda[k]);
      j.force += to_force * dl * n;
    }

    const Quat target =
        holder.pose->rotation * j.holder_frame.rotation * j.held_frame.rotation.conjugate();
    Quat error = target * held.pose->rotation.conjugate();
    if (error.w() < 0) error.coeffs() = -error.coeffs();
    const Vec3 turn = 2 * error.vec();
    if (const Real angle = turn.norm(); angle > 0) {
      const Vec3 axis = turn / angle;
      const Real dl =
          apply_angular_correction(held, holder, axis, angle, j.rotational_compliance / (h * h),
                                   state.solver.attachment_angular_lambda[k]);
      j.torque += to_force * dl * axis;
    }
  }
}

}  // namespace medvision::sim
