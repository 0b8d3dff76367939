// Contacts as XPBD constraints (Mueller, Macklin, Chentanez, Jeschke & Kim
// 2020, "handling contacts and friction" and the velocity-level pass), with
// three changes that a resting block, an incline and a stack need.
//
// 1. Friction acts on contact patches (the points one pair of shapes touch
//    at) as a whole, at the patch centre weighted by the normal multipliers,
//    with a twisting part about the normal:
//    - position pass: every penetrating point is pushed apart along the
//      normal; then static friction: if the patch centre slipped sideways
//      since the start of the substep by less than mu_s times the
//      penetration, the slip is undone (the position-based friction
//      criterion of Macklin, Mueller, Chentanez & Kim 2014, "Unified
//      particle physics for real-time applications", SIGGRAPH: comparing
//      displacements keeps the threshold at tan(theta) = mu_s); likewise a
//      twist about the normal;
//    - velocity pass: dynamic friction, an impulse against the sliding
//      velocity of the patch centre of at most h mu_d f_n (f_n = sum
//      lambda_n / h^2; the paper writes the cap as a velocity change, we cap
//      the impulse, which has consistent units) and a twisting impulse of at
//      most that times the patch radius; and the normal speed of every point:
//      -e times the approach speed after an impact, zero for resting contact.
//    Per-point friction, point after point, lets a resting box creep and
//    turn: each point's correction tilts the box under the next.
// 2. Each patch is swept until it converges (normals first, then friction
//    and normals in turn; at most 16 sweeps): a friction correction at the
//    patch centre, below a resting body's centre of mass, turns the body,
//    and only the normal corrections after it take that turn out again, as
//    the shifting pressure under a real block does. The normal multipliers
//    accumulate over the sweeps and are kept non-negative (projected
//    Gauss-Seidel), so a point that pushed may give back what it pushed and
//    a block does not end up tilted onto the points that came first; in the
//    velocity pass a point never pulls back more than it pushed.
// 3. Stacks get a second, shock-propagation pass (see order_by_support).
//
// Measured (tests/sim/rigid_contact_test.cpp): a box at rest moves < 1 um in
// 10 s; a box holds on a 26 degree incline with mu_s = 0.5 (friction angle
// 26.6 degrees) and slides at 27.

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/rigid_correction.h"
#include "sim/rigid_stages.h"

namespace medvision::sim {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

constexpr int kMaxPatchSweeps = 16;
// A patch's sweeps stop when nothing moves by more than this (m, m/s):
// what is left over creeps by at most a micrometre per second.
constexpr Real kConvergedDistance = 1e-9;
constexpr Real kConvergedSpeed = 1e-6;
// Below this speed (m/s, rad/s) a direction of sliding is not defined.
constexpr Real kTinySpeed = 1e-12;

struct Arms {
  Vec3 ra;  // world offsets of the points from the centres of mass
  Vec3 rb;
  Vec3 pa;  // world points
  Vec3 pb;
};

Arms arms(const Vec3& local_a, const Vec3& local_b, const SolverBody& a, const SolverBody& b) {
  Arms k;
  k.ra = a.pose->rotation * local_a;
  k.rb = b.pose->rotation * local_b;
  k.pa = a.pose->translation + k.ra;
  k.pb = b.pose->translation + k.rb;
  return k;
}

// The two bodies of a contact; `frozen` (if it is one of them) is treated
// as immovable, as the supporting body is in the shock-propagation pass.
struct Pair {
  SolverBody a;
  SolverBody b;
};
Pair bodies(const RigidWorldModel& model, RigidWorldState& state, int body_a, int body_b,
            int frozen) {
  Pair p{solver_body(model, state, body_a), solver_body(model, state, body_b)};
  if (frozen == body_a) p.a.inverse_mass = 0;
  if (frozen == body_b) p.b.inverse_mass = 0;
  return p;
}

// In the shock-propagation pass the lower body does not take the reaction
// of what it pushes; remember it, to hand on to its own supports in the
// reports (spread_held_loads).
void note_held_still(RigidSolverBuffers& buf, int frozen, int body_a, int body_b,
                     const Vec3& impulse_on_a) {
  if (frozen < 0) return;
  if (frozen == body_a) buf.held_load[at(body_a)] += impulse_on_a;
  if (frozen == body_b) buf.held_load[at(body_b)] -= impulse_on_a;
}

Vec3 relative_velocity(const SolverBody& a, const SolverBody& b, const Arms& k) {
  return (*a.linear_velocity + a.angular_velocity->cross(k.ra)) -
         (*b.linear_velocity + b.angular_velocity->cross(k.rb));
}

// The patch's centre, normal and radius from its points' multipliers.
// Returns the mean penetration, or 0 if no point pushed.
Real measure_patch(RigidPatch& patch, const std::vector<RigidContact>& contacts) {
  patch.lambda_normal = 0;
  patch.center_a.setZero();
  patch.center_b.setZero();
  Vec3 normal = Vec3::Zero();
  Real depth = 0;
  for (int i = patch.first; i < patch.first + patch.count; ++i) {
    const RigidContact& c = contacts[at(i)];
    if (c.lambda_normal <= 0) continue;
    patch.lambda_normal += c.lambda_normal;
    patch.center_a += c.lambda_normal * c.local_a;
    patch.center_b += c.lambda_normal * c.local_b;
    normal += c.lambda_normal * c.normal;
    depth += c.lambda_normal * c.depth;
  }
  if (patch.lambda_normal <= 0) return 0;
  patch.center_a /= patch.lambda_normal;
  patch.center_b /= patch.lambda_normal;
  patch.normal = normal.normalized();
  patch.radius = 0;
  for (int i = patch.first; i < patch.first + patch.count; ++i) {
    const RigidContact& c = contacts[at(i)];
    if (c.lambda_normal > 0) patch.radius += c.lambda_normal * (c.local_a - patch.center_a).norm();
  }
  patch.radius /= patch.lambda_normal;
  return depth / patch.lambda_normal;
}

// One sweep of normal corrections over the patch's points. The multiplier
// of a point accumulates over the sweeps and is kept non-negative
// (projected Gauss-Seidel): a point that pushed may give some of it back
// when another correction lifted it, so a block is not left tilted on the
// points that happened to come first.
Real push_apart(const RigidWorldModel& model, RigidWorldState& state, const RigidPatch& patch,
                int frozen, bool first_sweep, Real to_force) {
  auto& buf = state.solver;
  Real moved = 0;
  for (int i = patch.first; i < patch.first + patch.count; ++i) {
    RigidContact& c = buf.contacts[at(i)];
    auto [a, b] = bodies(model, state, c.body_a, c.body_b, frozen);
    const Arms k = arms(c.local_a, c.local_b, a, b);
    const Real depth = (k.pb - k.pa).dot(c.normal);
    if (first_sweep) c.depth = std::max(depth, Real(0));
    if (depth <= 0 && c.lambda_normal <= 0) continue;
    const Real w = positional_weight(a, k.ra, c.normal) + positional_weight(b, k.rb, c.normal);
    if (w <= 0) continue;
    const Real dn = std::max(depth / w, -c.lambda_normal);
    c.lambda_normal += dn;
    moved = std::max(moved, std::abs(dn) * w);
    apply_positional_impulse(a, b, k.ra, k.rb, dn * c.normal);
    note_held_still(buf, frozen, c.body_a, c.body_b, dn * c.normal);
    state.contact_reports[at(c.report)].force_on_a += to_force * dn * c.normal;
    buf.report_weight[at(c.report)] += dn;
    buf.report_weighted_point[at(c.report)] += dn * Real(0.5) * (k.pa + k.pb);
  }
  return moved;
}

// Static friction: undoes the patch centre's sideways slip and its twist
// since the start of the substep, if they are within the limit (decided
// once per substep, on the first call: `sticks` and `twists` start unset).
Real hold(const RigidWorldModel& model, RigidWorldState& state, RigidPatch& patch, int frozen,
          Real limit, int& sticks, int& twists, Real to_force) {
  auto& buf = state.solver;
  const RigidContact& first = buf.contacts[at(patch.first)];
  auto [a, b] = bodies(model, state, first.body_a, first.body_b, frozen);
  const Transform& before_a = buf.previous[at(first.body_a)];
  const Transform& before_b = buf.previous[at(first.body_b)];

  const Arms k = arms(patch.center_a, patch.center_b, a, b);
  const Vec3 slip =
      (k.pa - before_a.apply(patch.center_a)) - (k.pb - before_b.apply(patch.center_b));
  const Vec3 sideways = slip - slip.dot(patch.normal) * patch.normal;
  const Real length = sideways.norm();
  if (sticks < 0) sticks = length < limit;
  if (sticks && length > 0) {
    const Vec3 back = -sideways / length;
    const Real dt =
        apply_positional_correction(a, b, k.ra, k.rb, back, length, 0, patch.lambda_tangent);
    note_held_still(buf, frozen, first.body_a, first.body_b, dt * back);
    state.contact_reports[at(first.report)].force_on_a += to_force * dt * back;
  }

  const Real twist = patch.normal.dot(rotation_between(before_a.rotation, a.pose->rotation) -
                                      rotation_between(before_b.rotation, b.pose->rotation));
  if (twists < 0) twists = std::abs(twist) * patch.radius < limit;
  if (twists && twist != 0) {
    apply_angular_correction(a, b, patch.normal, -twist, 0, patch.lambda_twist);
  }
  return std::max(sticks ? length : Real(0), twists ? std::abs(twist) * patch.radius : Real(0));
}

// Dynamic friction: slows the patch centre's sliding and its spin about
// the normal, each within what Coulomb allows for this substep.
Real slide(const RigidWorldModel& model, RigidWorldState& state, const RigidPatch& patch,
           int frozen, Real h, Real& sideways_used, Real& twist_used, Real to_force) {
  Real changed = 0;
  auto& buf = state.solver;
  const RigidContact& first = buf.contacts[at(patch.first)];
  auto [a, b] = bodies(model, state, first.body_a, first.body_b, frozen);
  const Real max_impulse = patch.dynamic_friction * patch.lambda_normal / h;

  const Arms k = arms(patch.center_a, patch.center_b, a, b);
  const Vec3 v = relative_velocity(a, b, k);
  const Vec3 vt = v - v.dot(patch.normal) * patch.normal;
  const Real speed = vt.norm();
  if (speed > kTinySpeed && sideways_used < max_impulse) {
    const Vec3 t = vt / speed;
    const Real w = positional_weight(a, k.ra, t) + positional_weight(b, k.rb, t);
    if (w > 0) {
      const Real j = std::min(max_impulse - sideways_used, speed / w);
      sideways_used += j;
      changed = std::max(changed, j * w);
      apply_velocity_impulse(a, b, k.ra, k.rb, -j * t);
      state.contact_reports[at(first.report)].force_on_a -= to_force * j * t;
    }
  }

  const Real spin = patch.normal.dot(*a.angular_velocity - *b.angular_velocity);
  const Real w = angular_weight(a, patch.normal) + angular_weight(b, patch.normal);
  const Real max_twist = max_impulse * patch.radius;
  if (std::abs(spin) > kTinySpeed && w > 0 && twist_used < max_twist) {
    const Real l = std::min(max_twist - twist_used, std::abs(spin) / w);
    twist_used += l;
    changed = std::max(changed, l * w * patch.radius);
    apply_angular_velocity_impulse(a, b, (spin > 0 ? -l : l) * patch.normal);
  }
  return changed;
}

// Normal speeds of the patch's points: -e times the approach speed after
// an impact, zero for a resting contact; a point may pull back at most
// what the position pass pushed (contacts do not stick).
Real settle_normals(const RigidWorldModel& model, RigidWorldState& state, const RigidPatch& patch,
                    int frozen, Real h, Real to_force) {
  auto& buf = state.solver;
  Real changed = 0;
  const Real resting_speed = 2 * model.settings.gravity.norm() * h;
  for (int i = patch.first; i < patch.first + patch.count; ++i) {
    RigidContact& c = buf.contacts[at(i)];
    if (c.lambda_normal <= 0) continue;
    auto [a, b] = bodies(model, state, c.body_a, c.body_b, frozen);
    const Arms k = arms(c.local_a, c.local_b, a, b);
    const Real w = positional_weight(a, k.ra, c.normal) + positional_weight(b, k.rb, c.normal);
    if (w <= 0) continue;
    const Real vn = relative_velocity(a, b, k).dot(c.normal);
    const Real target =
        c.approach_speed < -resting_speed ? -c.restitution * c.approach_speed : Real(0);
    const Real total = std::max(c.velocity_impulse + (target - vn) / w, -c.lambda_normal / h);
    const Vec3 p = (total - c.velocity_impulse) * c.normal;
    changed = std::max(changed, std::abs(total - c.velocity_impulse) * w);
    c.velocity_impulse = total;
    apply_velocity_impulse(a, b, k.ra, k.rb, p);
    state.contact_reports[at(c.report)].force_on_a += to_force * p;
  }
  return changed;
}

void position_patch(const RigidWorldModel& model, RigidWorldState& state, RigidPatch& patch,
                    int frozen, bool first_pass, Real to_force) {
  // Normals first, to convergence, so that the slip friction judges is
  // the body's and not the sweep's; then friction and normals in turn.
  for (int sweep = 0; sweep < kMaxPatchSweeps; ++sweep) {
    const bool first_sweep = first_pass && sweep == 0;
    if (push_apart(model, state, patch, frozen, first_sweep, to_force) < kConvergedDistance) break;
  }
  const Real depth = measure_patch(patch, state.solver.contacts);
  if (first_pass) patch.limit = patch.static_friction * depth;
  if (patch.limit <= 0) return;
  int sticks = -1;
  int twists = -1;
  for (int sweep = 0; sweep < kMaxPatchSweeps; ++sweep) {
    const Real slipped = hold(model, state, patch, frozen, patch.limit, sticks, twists, to_force);
    const Real moved = push_apart(model, state, patch, frozen, false, to_force);
    measure_patch(patch, state.solver.contacts);
    if (std::max(slipped, moved) < kConvergedDistance) break;
  }
}

void velocity_patch(const RigidWorldModel& model, RigidWorldState& state, RigidPatch& patch,
                    int frozen, Real h, Real to_force) {
  for (int sweep = 0; sweep < kMaxPatchSweeps; ++sweep) {
    const Real changed =
        settle_normals(model, state, patch, frozen, h, to_force) +
        slide(model, state, patch, frozen, h, patch.sideways_used, patch.twist_used, to_force);
    if (changed < kConvergedSpeed) break;
  }
}

// Shock propagation (Guendelman, Bridson & Fedkiw 2003, "Nonconvex rigid
// bodies with stacking", SIGGRAPH): bodies get a level, 0 for fixed and
// kinematic ones and one more than the lowest body they touch otherwise;
// a second pass visits the patches from the ground up and treats the lower
// body of each as immovable, so what rests on a body can no longer tip it
// into what it rests on after that contact was solved.
void order_by_support(const RigidWorldModel& model, RigidWorldState& state) {
  auto& buf = state.solver;
  const int none = std::numeric_limits<int>::max();
  for (std::size_t i = 0; i < model.bodies.size(); ++i) {
    buf.body_level[i] = model.bodies[i].motion == BodyMotion::dynamic ? none : 0;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const RigidPatch& p : buf.patches) {
      const RigidContact& c = buf.contacts[at(p.first)];
      int& la = buf.body_level[at(c.body_a)];
      int& lb = buf.body_level[at(c.body_b)];
      if (la != none && la + 1 < lb) {
        lb = la + 1;
        changed = true;
      }
      if (lb != none && lb + 1 < la) {
        la = lb + 1;
        changed = true;
      }
    }
  }
  buf.patch_order.resize(buf.patches.size());
  for (std::size_t i = 0; i < buf.patches.size(); ++i) {
    const RigidContact& c = buf.contacts[at(buf.patches[i].first)];
    const int la = buf.body_level[at(c.body_a)];
    const int lb = buf.body_level[at(c.body_b)];
    buf.patches[i].support = la < lb ? c.body_a : (lb < la ? c.body_b : -1);
    buf.patches[i].level = std::min(la, lb);
    buf.patch_order[i] = static_cast<int>(i);
  }
  std::sort(buf.patch_order.begin(), buf.patch_order.end(), [&](int x, int y) {
    const int lx = buf.patches[at(x)].level;
    const int ly = buf.patches[at(y)].level;
    return lx < ly || (lx == ly && x < y);
  });
}

// The reports of a stack: what the second pass pushed onto the upper
// bodies without letting the lower ones feel it is passed down the
// supports, from the top, split by their normal multipliers, so that the
// floor under a stack reports the weight of the whole stack. (The motion
// is the pass's; only the reported forces are completed.)
void spread_held_loads(const RigidWorldModel& model, RigidWorldState& state, Real to_force) {
  auto& buf = state.solver;
  std::fill(buf.support_weight.begin(), buf.support_weight.end(), 0);
  for (const RigidPatch& p : buf.patches) {
    if (p.support < 0) continue;
    const RigidContact& c = buf.contacts[at(p.first)];
    buf.support_weight[at(c.body_a == p.support ? c.body_b : c.body_a)] += p.lambda_normal;
  }
  for (auto i = buf.patch_order.rbegin(); i != buf.patch_order.rend(); ++i) {
    const RigidPatch& p = buf.patches[at(*i)];
    if (p.support < 0 || p.lambda_normal <= 0) continue;
    const RigidContact& c = buf.contacts[at(p.first)];
    const int upper = c.body_a == p.support ? c.body_b : c.body_a;
    const Vec3 share = buf.held_load[at(upper)] * (p.lambda_normal / buf.support_weight[at(upper)]);
    if (share.isZero(0)) continue;
    // The support pushes back on the upper body with -share.
    state.contact_reports[at(c.report)].force_on_a +=
        to_force * (upper == c.body_a ? Vec3(-share) : share);
    if (model.bodies[at(p.support)].motion == BodyMotion::dynamic) {
      buf.held_load[at(p.support)] += share;
    }
  }
}

}  // namespace

void solve_contact_positions(const RigidWorldModel& model, RigidWorldState& state, Real h,
                             int substeps) {
  const Real to_force = 1 / (h * h * substeps);
  auto& buf = state.solver;
  order_by_support(model, state);
  // From the ground up, then again with each patch's lower body held still.
  for (int i : buf.patch_order)
    position_patch(model, state, buf.patches[at(i)], -1, true, to_force);
  // If nothing rests on a dynamic body there is nothing to propagate.
  const bool stacked = std::any_of(buf.patches.begin(), buf.patches.end(), [&](const auto& p) {
    return p.support >= 0 && model.bodies[at(p.support)].motion == BodyMotion::dynamic;
  });
  if (!stacked) return;
  std::fill(buf.held_load.begin(), buf.held_load.end(), Vec3::Zero());
  for (int i : buf.patch_order) {
    RigidPatch& patch = buf.patches[at(i)];
    position_patch(model, state, patch, patch.support, false, to_force);
  }
  spread_held_loads(model, state, to_force);
}

void solve_contact_velocities(const RigidWorldModel& model, RigidWorldState& state, Real h,
                              int substeps) {
  const Real to_force = 1 / (h * substeps);
  auto& buf = state.solver;
  for (RigidContact& c : buf.contacts) c.velocity_impulse = 0;
  for (RigidPatch& patch : buf.patches) {
    patch.sideways_used = 0;
    patch.twist_used = 0;
    if (patch.lambda_normal > 0) velocity_patch(model, state, patch, -1, h, to_force);
  }
}

}  // namespace medvision::sim
