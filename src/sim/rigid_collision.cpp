// Collision detection for the rigid world: a broad phase once per step over
// boxes that cover where each piece can get to within the step (Mueller et
// al. 2020: pairs once per step, boxes grown by k dt |v|), and a narrow
// phase every substep at the predicted poses, so contact normals and
// points are always the current ones.

#include <algorithm>
#include <cmath>
#include <tuple>

#include "sim/contact.h"
#include "sim/rigid_stages.h"

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

bool may_collide(const RigidBodyModel& a, const RigidBodyModel& b) {
  if (a.motion != BodyMotion::dynamic && b.motion != BodyMotion::dynamic) return false;
  return a.collision_group == 0 || a.collision_group != b.collision_group;
}

Aabb swept_box(const RigidWorldModel& model, const RigidWorldState& state, const RigidPiece& piece,
               Real dt) {
  const RigidBodyModel& body = model.bodies[at(piece.body)];
  const RigidBodyState& s = state.bodies[at(piece.body)];
  const ShapeInstance& shape = body.shapes[at(piece.shape)];
  const Real margin = model.settings.contact_margin;
  Aabb box = world_aabb(shape.shape, compose(s.pose, shape.local));
  switch (body.motion) {
    case BodyMotion::dynamic: {
      const Real reach = s.linear_velocity.norm() + model.settings.gravity.norm() * dt +
                         s.angular_velocity.norm() * body.bounding_radius;
      return box.inflated(model.settings.broadphase_safety * dt * reach + margin);
    }
    case BodyMotion::kinematic:
      box.grow(
          world_aabb(shape.shape, compose(state.kinematic_targets[at(piece.body)], shape.local)));
      return box.inflated(margin);
    case BodyMotion::fixed:
      break;
  }
  return box.inflated(margin);
}

// Can anything in `box` come within reach of the plane of `pose`?
bool box_reaches_plane(const Aabb& box, const Transform& pose) {
  const Vec3 n = pose.rotation * Vec3::UnitY();
  const Real lowest = n.dot(box.center()) - Real(0.5) * n.cwiseAbs().dot(box.extent());
  return lowest <= n.dot(pose.translation);
}

// A grasped object does not collide with what holds it (the jaws would
// otherwise push it out of the grasp).
bool attached(const RigidWorldState& state, int a, int b) {
  for (const auto& j : state.attachments) {
    if ((j.holder == a && j.held == b) || (j.holder == b && j.held == a)) return true;
  }
  return false;
}

void add_pair(const RigidWorldModel& model, RigidWorldState& state, int piece_a, int piece_b) {
  int body_a = model.pieces[at(piece_a)].body;
  int body_b = model.pieces[at(piece_b)].body;
  if (body_a == body_b) return;
  if (!may_collide(model.bodies[at(body_a)], model.bodies[at(body_b)])) return;
  if (attached(state, body_a, body_b)) return;
  RigidSolverBuffers& buf = state.solver;
  if (body_a > body_b) {
    std::swap(body_a, body_b);
    std::swap(piece_a, piece_b);
  }
  buf.pairs.push_back({piece_a, piece_b, body_a, body_b, 0});
}

}  // namespace

void find_candidate_pairs(const RigidWorldModel& model, RigidWorldState& state, Real dt) {
  auto& buf = state.solver;
  buf.piece_boxes.clear();
  buf.boxed_pieces.clear();
  for (int k = 0; k < static_cast<int>(model.pieces.size()); ++k) {
    const RigidPiece& piece = model.pieces[at(k)];
    if (std::holds_alternative<Plane>(model.bodies[at(piece.body)].shapes[at(piece.shape)].shape)) {
      continue;
    }
    buf.piece_boxes.push_back(swept_box(model, state, piece, dt));
    buf.boxed_pieces.push_back(k);
  }
  buf.tree.build(buf.piece_boxes);

  buf.pairs.clear();
  buf.tree.for_each_overlapping_pair([&](int i, int j) {
    add_pair(model, state, buf.boxed_pieces[at(i)], buf.boxed_pieces[at(j)]);
  });
  for (int k = 0; k < static_cast<int>(model.pieces.size()); ++k) {
    const RigidPiece& plane = model.pieces[at(k)];
    const ShapeInstance& shape = model.bodies[at(plane.body)].shapes[at(plane.shape)];
    if (!std::holds_alternative<Plane>(shape.shape)) continue;
    const Transform pose = compose(state.bodies[at(plane.body)].pose, shape.local);
    for (std::size_t i = 0; i < buf.boxed_pieces.size(); ++i) {
      if (box_reaches_plane(buf.piece_boxes[i], pose))
        add_pair(model, state, k, buf.boxed_pieces[i]);
    }
  }

  // One canonical order, whatever order the tree found them in.
  std::sort(buf.pairs.begin(), buf.pairs.end(), [](const auto& x, const auto& y) {
    return std::tie(x.body_a, x.body_b, x.piece_a, x.piece_b) <
           std::tie(y.body_a, y.body_b, y.piece_a, y.piece_b);
  });
  state.contact_reports.clear();
  for (std::size_t i = 0; i < buf.pairs.size(); ++i) {
    auto& p = buf.pairs[i];
    if (i == 0 || p.body_a != buf.pairs[i - 1].body_a || p.body_b != buf.pairs[i - 1].body_b) {
      RigidContactReport r;
      r.body_a = p.body_a;
      r.body_b = p.body_b;
      state.contact_reports.push_back(r);
    }
    p.report = static_cast<int>(state.contact_reports.size()) - 1;
  }
  buf.report_weight.assign(state.contact_reports.size(), 0);
  buf.report_weighted_point.assign(state.contact_reports.size(), Vec3::Zero());
}

void find_contacts(const RigidWorldModel& model, RigidWorldState& state) {
  auto& buf = state.solver;
  buf.contacts.clear();
  buf.patches.clear();
  for (auto& r : state.contact_reports) r.points = 0;
  ContactManifold manifold;
  for (const RigidCandidatePair& pair : buf.pairs) {
    const RigidBodyModel& ma = model.bodies[at(pair.body_a)];
    const RigidBodyModel& mb = model.bodies[at(pair.body_b)];
    const RigidBodyState& sa = state.bodies[at(pair.body_a)];
    const RigidBodyState& sb = state.bodies[at(pair.body_b)];
    const ShapeInstance& shape_a = ma.shapes[at(model.pieces[at(pair.piece_a)].shape)];
    const ShapeInstance& shape_b = mb.shapes[at(model.pieces[at(pair.piece_b)].shape)];
    const Transform pose_a = compose(sa.pose, shape_a.local);
    const Transform pose_b = compose(sb.pose, shape_b.local);
    // The pair's boxes were grown for the whole step; most pairs are apart
    // at any one substep, and a box test is far cheaper than collide().
    const Real margin = model.settings.contact_margin;
    if (!world_aabb(shape_a.shape, pose_a)
             .inflated(margin)
             .overlaps(world_aabb(shape_b.shape, pose_b))) {
      continue;
    }
    collide(shape_a.shape, pose_a, shape_b.shape, pose_b, margin, manifold);
    if (manifold.count == 0) continue;
    RigidPatch patch;
    patch.first = static_cast<int>(buf.contacts.size());
    patch.count = manifold.count;
    patch.static_friction = std::sqrt(ma.material.static_friction * mb.material.static_friction);
    patch.dynamic_friction = std::sqrt(ma.material.dynamic_friction * mb.material.dynamic_friction);
    buf.patches.push_back(patch);
    for (int k = 0; k < manifold.count; ++k) {
      const ContactPoint& p = manifold.points[at(k)];
      RigidContact c;
      c.body_a = pair.body_a;
      c.body_b = pair.body_b;
      c.report = pair.report;
      const Vec3 ra = p.on_a - sa.pose.translation;
      const Vec3 rb = p.on_b - sb.pose.translation;
      c.local_a = sa.pose.rotation.conjugate() * ra;
      c.local_b = sb.pose.rotation.conjugate() * rb;
      c.normal = p.normal;
      c.restitution = std::max(ma.material.restitution, mb.material.restitution);
      const Vec3 va = sa.linear_velocity + sa.angular_velocity.cross(ra);
      const Vec3 vb = sb.linear_velocity + sb.angular_velocity.cross(rb);
      c.approach_speed = p.normal.dot(va - vb);
      buf.contacts.push_back(c);
    }
    state.contact_reports[at(pair.report)].points += manifold.count;
  }
}

}  // namespace medvision::sim
