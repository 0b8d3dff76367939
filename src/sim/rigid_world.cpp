#include "sim/rigid_world.h"

#include <cassert>

#include "core/hash.h"
#include "sim/rigid_stages.h"

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

void add_transform(Fnv1a& h, const Transform& t) {
  for (int i = 0; i < 3; ++i) h.add(t.translation[i]);
  for (int i = 0; i < 4; ++i) h.add(t.rotation.coeffs()[i]);
}

void add_vector(Fnv1a& h, const Vec3& v) {
  for (int i = 0; i < 3; ++i) h.add(v[i]);
}

}  // namespace

int add_body(RigidWorldModel& model, RigidBodyModel body) {
  const int index = static_cast<int>(model.bodies.size());
  for (int s = 0; s < static_cast<int>(body.shapes.size()); ++s) {
    assert(body.motion == BodyMotion::fixed ||
           !std::holds_alternative<Plane>(body.shapes[at(s)].shape));
    model.pieces.push_back({index, s});
  }
  model.bodies.push_back(std::move(body));
  return index;
}

RigidWorldState make_state(const RigidWorldModel& model) {
  RigidWorldState state;
  const std::size_t n = model.bodies.size();
  for (const auto& b : model.bodies) {
    RigidBodyState s;
    s.pose = b.initial_pose;
    if (b.motion == BodyMotion::dynamic) {
      s.linear_velocity = b.initial_linear_velocity;
      s.angular_velocity = b.initial_angular_velocity;
    }
    state.bodies.push_back(s);
    state.kinematic_targets.push_back(b.initial_pose);
  }
  auto& buf = state.solver;
  buf.step_start.resize(n);
  buf.previous.resize(n);
  buf.inverse_inertia.assign(n, Mat3::Zero());
  buf.free_spin_change.assign(n, Vec3::Zero());
  buf.piece_boxes.reserve(model.pieces.size());
  buf.boxed_pieces.reserve(model.pieces.size());
  // Room for a busy scene; the buffers grow to their high-water mark once.
  buf.pairs.reserve(4 * model.pieces.size() + 16);
  buf.contacts.reserve(16 * model.pieces.size() + 64);
  buf.patches.reserve(4 * model.pieces.size() + 16);
  buf.patch_order.reserve(4 * model.pieces.size() + 16);
  buf.body_level.assign(n, 0);
  buf.held_load.assign(n, Vec3::Zero());
  buf.support_weight.assign(n, 0);
  state.contact_reports.reserve(4 * model.pieces.size() + 16);
  return state;
}

// The step, as a table of contents (Mueller et al. 2020's rigid-body loop:
// substeps of predict, solve positions, derive velocities, solve velocities).
void step(const RigidWorldModel& model, RigidWorldState& state, Real dt) {
  const int substeps = std::max(1, model.settings.substeps);
  const int iterations = std::max(1, model.settings.position_iterations);
  const Real h = dt / substeps;
  begin_rigid_step(model, state);
  find_candidate_pairs(model, state, dt);
  for (int s = 1; s <= substeps; ++s) {
    predict_bodies(model, state, h, dt, static_cast<Real>(s) / substeps);
    find_contacts(model, state);
    reset_attachment_multipliers(state);
    for (int i = 0; i < iterations; ++i) {
      solve_contact_positions(model, state, h, substeps);
      solve_attachment_positions(model, state, h, substeps);
    }
    derive_velocities(model, state, h);
    solve_contact_velocities(model, state, h, substeps);
  }
  finish_rigid_step(state, dt);
}

void finish_rigid_step(RigidWorldState& state, Real dt) {
  auto& reports = state.contact_reports;
  const auto& buf = state.solver;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    RigidContactReport r = reports[i];
    if (buf.report_weight[i] > 0) r.point = buf.report_weighted_point[i] / buf.report_weight[i];
    if (r.points > 0 || buf.report_weight[i] > 0 || !r.force_on_a.isZero(0)) reports[kept++] = r;
  }
  reports.resize(kept);
  state.time += dt;
}

void set_kinematic_target(RigidWorldState& state, int body, const Transform& pose) {
  state.kinematic_targets[at(body)] = pose;
}

Vec3 contact_force(const RigidWorldState& state, int on, int from) {
  Vec3 f = Vec3::Zero();
  for (const auto& r : state.contact_reports) {
    if (r.body_a == on && r.body_b == from) f += r.force_on_a;
    if (r.body_b == on && r.body_a == from) f -= r.force_on_a;
  }
  return f;
}

Vec3 total_contact_force(const RigidWorldState& state, int body) {
  Vec3 f = Vec3::Zero();
  for (const auto& r : state.contact_reports) {
    if (r.body_a == body) f += r.force_on_a;
    if (r.body_b == body) f -= r.force_on_a;
  }
  return f;
}

std::uint64_t state_hash(const RigidWorldState& state) {
  Fnv1a h;
  h.add(state.time);
  for (const auto& b : state.bodies) {
    add_transform(h, b.pose);
    add_vector(h, b.linear_velocity);
    add_vector(h, b.angular_velocity);
  }
  for (const auto& t : state.kinematic_targets) add_transform(h, t);
  for (const auto& a : state.attachments) {
    h.add(a.id);
    h.add(a.holder);
    h.add(a.held);
    add_transform(h, a.holder_frame);
    add_transform(h, a.held_frame);
    h.add(a.positional_compliance);
    h.add(a.rotational_compliance);
  }
  return h.value();
}

std::optional<RigidRayHit> ray_cast(const RigidWorldModel& model, const RigidWorldState& state,
                                    const Vec3& origin, const Vec3& dir, Real max_t) {
  std::optional<RigidRayHit> best;
  for (int k = 0; k < static_cast<int>(model.pieces.size()); ++k) {
    const RigidPiece& piece = model.pieces[at(k)];
    const ShapeInstance& shape = model.bodies[at(piece.body)].shapes[at(piece.shape)];
    const Transform pose = compose(state.bodies[at(piece.body)].pose, shape.local);
    const Real limit = best ? best->t : max_t;
    const auto hit = ray_cast(shape.shape, pose, origin, dir, limit);
    if (hit && (!best || hit->t < best->t)) {
      best = RigidRayHit{piece.body, k, hit->t, origin + hit->t * dir, hit->normal};
    }
  }
  return best;
}

}  // namespace medvision::sim
