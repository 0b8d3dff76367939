#pragma once
// A world of rigid bodies stepped with extended position-based dynamics
// (Mueller, Macklin, Chentanez, Jeschke & Kim 2020, "Detailed rigid body
// simulation with extended position based dynamics", SCA; "Mueller 2020"
// below): substeps with one position iteration each, positional contact
// constraints with static friction, dynamic friction and restitution at
// the velocity level, and attachment joints that let a kinematic grasper
// carry a dynamic object. Where we depart from the paper (friction per
// contact patch, patches swept to convergence, shock propagation for
// stacks, an energy-conserving rotation update) the stage's file says why.
//
// The step, one substep at a time (rigid_stages.h):
//   broad phase (once per step) -> predict -> narrow phase
//     -> contact positions (+ static friction) -> attachments
//     -> velocities from positions -> contact velocities (dynamic friction,
//        restitution)
//
// RigidWorldModel is constant; RigidWorldState is everything that changes
// (copy it to snapshot or rewind). The step is deterministic: plain double
// arithmetic in a fixed order, no threads, so the same model, state and
// inputs give the same state bit for bit (state_hash).
//
// Buffers are sized when the state is made and grow only to their
// high-water mark (contacts, pairs), so a running world allocates nothing.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/bvh.h"
#include "sim/rigid_body.h"

namespace medvision::sim {

struct RigidWorldSettings {
  Vec3 gravity = Vec3(0, -9.81, 0);  // m/s^2; the engine is y-up
  int substeps = 10;                 // per step (a 10 ms step gives 1 kHz substeps)
  int position_iterations = 1;       // per substep (Mueller 2020: substeps beat iterations)
  Real contact_margin = 5e-4;        // m: pairs closer than this become contacts
  // Broad-phase boxes grow by safety x step x speed (Mueller 2020, collision
  // handling: pairs are found once per step, k = 2).
  Real broadphase_safety = 2;
};

// Which shape of which body: the unit of collision.
struct RigidPiece {
  int body = 0;
  int shape = 0;
};

struct RigidWorldModel {
  RigidWorldSettings settings;
  std::vector<RigidBodyModel> bodies;
  std::vector<RigidPiece> pieces;  // every body's shapes, in body order
};

// Appends a body (placed at body.initial_pose) and returns its index.
int add_body(RigidWorldModel& model, RigidBodyModel body);

// A grasp: the held body keeps its pose relative to the holder (usually a
// kinematic jaw) through a positional constraint at a point and an
// orientational constraint, each with a compliance (0 = rigid). While
// attached, the two bodies do not collide with each other.
struct RigidAttachment {
  int id = 0;
  int holder = 0;
  int held = 0;
  Transform holder_frame;          // the grasp frame in the holder's body frame
  Transform held_frame;            // the same frame in the held body's frame
  Real positional_compliance = 0;  // m/N
  Real rotational_compliance = 0;  // rad/(N m)
  // Mean over the last step of what the constraint did to the held body
  // (lambda / h^2); the holder feels the opposite. `force` acts at the grasp
  // point, `torque` is the orientational constraint's alone.
  Vec3 force = Vec3::Zero();   // N
  Vec3 torque = Vec3::Zero();  // N m
};

// What two bodies did to each other over the last step (means over its
// substeps: lambda / h^2 for positional impulses as in Mueller 2020,
// impulse / h for velocity-level ones): normal force and friction. An
// instrument (a kinematic body) reads its reaction force here.
struct RigidContactReport {
  int body_a = 0;  // body_a < body_b
  int body_b = 0;
  Vec3 force_on_a = Vec3::Zero();  // N, world; body_b feels -force_on_a
  Vec3 point = Vec3::Zero();       // m, the contact points weighted by their normal impulses
  int points = 0;                  // contact points in the last substep
};

// One contact point as the solver keeps it through a substep.
struct RigidContact {
  int body_a = 0;
  int body_b = 0;
  int report = 0;
  Vec3 local_a = Vec3::Zero();  // the contact points in the bodies' frames
  Vec3 local_b = Vec3::Zero();
  Vec3 normal = Vec3::UnitY();  // world, from b towards a
  Real restitution = 0;
  Real approach_speed = 0;    // normal relative speed before the position solve (< 0 closing)
  Real depth = 0;             // penetration when last corrected, m
  Real lambda_normal = 0;     // kg m, this substep
  Real velocity_impulse = 0;  // N s along the normal, in the velocity pass
};

// The points one pair of shapes touch at: a contact patch. Friction acts
// on the patch as a whole, at its centre (weighted by the normal
// multipliers), with a twisting part about the normal.
struct RigidPatch {
  int first = 0;  // its points are contacts[first .. first + count)
  int count = 0;
  Real static_friction = 0;
  Real dynamic_friction = 0;
  // Filled by the position pass for the velocity pass.
  Vec3 center_a = Vec3::Zero();  // patch centre in a's and b's frames
  Vec3 center_b = Vec3::Zero();
  Vec3 normal = Vec3::UnitY();
  Real radius = 0;         // mean distance of the points from the centre, m
  Real lambda_normal = 0;  // sum over the points
  Real lambda_tangent = 0;
  Real lambda_twist = 0;
  Real limit = 0;          // static friction: the largest slip it holds this substep, m
  Real sideways_used = 0;  // dynamic friction impulses spent this substep
  Real twist_used = 0;
  int level = 0;     // support level of its lower body (shock propagation)
  int support = -1;  // the lower body, immovable in the second pass; -1 if level
};

struct RigidCandidatePair {
  int piece_a = 0;
  int piece_b = 0;
  int body_a = 0;
  int body_b = 0;
  int report = 0;
};

// Working memory of the step, kept in the state so that a copied state
// steps exactly like the original and nothing is allocated per step.
struct RigidSolverBuffers {
  std::vector<Transform> step_start;  // poses at the start of the step
  std::vector<Transform> previous;    // poses at the start of the substep
  std::vector<Mat3> inverse_inertia;  // world axes, after the substep's prediction
  // The end-of-substep angular velocity minus the mean one that turned the
  // body (gyroscopic motion; zero for bodies spinning about a principal axis).
  std::vector<Vec3> free_spin_change;
  std::vector<Aabb> piece_boxes;
  std::vector<int> boxed_pieces;  // pieces in the tree (all but planes)
  Bvh tree;
  std::vector<RigidCandidatePair> pairs;
  std::vector<RigidContact> contacts;
  std::vector<RigidPatch> patches;
  std::vector<int> body_level;              // support level per body, per substep
  std::vector<int> patch_order;             // patches from the ground up
  std::vector<Vec3> held_load;              // per body: reactions the shock pass withheld, kg m
  std::vector<Real> support_weight;         // per body: normal multipliers of its supports
  std::vector<Real> report_weight;          // sum of normal multipliers per report
  std::vector<Vec3> report_weighted_point;  // sum of multiplier x contact point
  std::vector<Real> attachment_lambda;      // per attachment, this substep
  std::vector<Real> attachment_angular_lambda;
};

struct RigidWorldState {
  Real time = 0;  // s
  std::vector<RigidBodyState> bodies;
  // Where each kinematic body should be at the end of the next step; the
  // step moves it there along a straight line and a slerp.
  std::vector<Transform> kinematic_targets;
  std::vector<RigidAttachment> attachments;  // in the order they were made
  int next_attachment_id = 1;
  std::vector<RigidContactReport> contact_reports;  // pairs that touched in the last step
  RigidSolverBuffers solver;
};

RigidWorldState make_state(const RigidWorldModel& model);

// Advances by dt seconds in model.settings.substeps substeps.
void step(const RigidWorldModel& model, RigidWorldState& state, Real dt);

void set_kinematic_target(RigidWorldState& state, int body, const Transform& pose);

// Holds `held` to `holder` as they are now, at `grasp_point` (world);
// returns the attachment's id.
int attach(const RigidWorldModel& model, RigidWorldState& state, int holder, int held,
           const Vec3& grasp_point, Real positional_compliance = 0, Real rotational_compliance = 0);
bool detach(RigidWorldState& state, int attachment_id);
const RigidAttachment* find_attachment(const RigidWorldState& state, int attachment_id);

// The force that body `from` exerted on body `on` over the last step (N).
Vec3 contact_force(const RigidWorldState& state, int on, int from);
// The sum of all contact forces on a body over the last step (N).
Vec3 total_contact_force(const RigidWorldState& state, int body);

// FNV-1a over time, poses, velocities, kinematic targets and attachments.
std::uint64_t state_hash(const RigidWorldState& state);

// Picking: the first body surface along origin + t dir, t in [0, max_t].
struct RigidRayHit {
  int body = -1;
  int piece = -1;
  Real t = 0;
  Vec3 point = Vec3::Zero();
  Vec3 normal = Vec3::Zero();
};
std::optional<RigidRayHit> ray_cast(const RigidWorldModel& model, const RigidWorldState& state,
                                    const Vec3& origin, const Vec3& dir, Real max_t);

}  // namespace medvision::sim
