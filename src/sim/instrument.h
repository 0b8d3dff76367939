#pragma once
// A laparoscopic instrument in a rigid world: a kinematic shaft that can push
// objects, and jaws at its tip that hold what lies between them when they
// close. The instrument's pose comes from its trocar port (trocar.h): +Z
// along the shaft towards the tip, the jaws opening in the local XZ plane.
//
// Grasping is decided geometrically, not by friction between jaw meshes: when
// the jaws close past `grasp_closure`, rays are cast across the gap between
// them at several points along their length; the first dynamic body they
// cross is attached to the jaws where the rays met it (rigid_world's attach),
// and released when the jaws open again. This is how box-trainer graspers
// behave for rigid objects (a firm pinch) and it keeps the contact solver out
// of a fight with the grasp.

#include <optional>
#include <string>

#include "sim/rigid_world.h"
#include "sim/trocar.h"

namespace medvision::sim {

enum class InstrumentKind : std::uint8_t { grasper, scissors, hook, clip_applier };
const char* to_string(InstrumentKind kind);

struct InstrumentSpec {
  InstrumentKind kind = InstrumentKind::grasper;
  Real shaft_radius_m = 0.0025;  // 5 mm instruments
  Real shaft_length_m = 0.36;
  Real jaw_length_m = 0.016;
  Real max_jaw_angle_rad = 0.5;  // each jaw, fully open
  Real grasp_closure = 0.8;      // closure (0 open .. 1 shut) at which a grasp is decided
  Real release_closure = 0.6;    // opening below this lets go (hysteresis)
};

struct Instrument {
  InstrumentSpec spec;
  int shaft = -1;  // kinematic capsule from the handle to the jaws' hinge
  int jaws = -1;   // kinematic body without shapes: what holds grasped objects
};

// Adds the instrument's bodies to `model` (before make_state), placed at
// `start` (a kinematic body moved later sweeps from where it was, so it must
// start where the port puts it); the shaft collides with everything but the
// bodies sharing its nonzero `collision_group`.
Instrument add_instrument(RigidWorldModel& model, const InstrumentSpec& spec,
                          const std::string& name, const InstrumentPose& start,
                          std::uint32_t collision_group = 0);

struct InstrumentState {
  Real closure = 0;    // 0 open .. 1 shut
  int held = -1;       // the body held, or -1
  int attachment = 0;  // its attachment id
};

struct GraspChange {
  enum Kind { grasped, released } kind;
  int body;
  Vec3 point;  // world, where the jaws hold it
};

// Moves the instrument (the next step brings it there) and applies the jaw
// command; returns a grasp or release when one happens.
std::optional<GraspChange> drive_instrument(const Instrument& instrument, InstrumentState& state,
                                            const RigidWorldModel& model, RigidWorldState& world,
                                            const InstrumentPose& pose, Real closure);

// The gap between the jaw tips at a closure (m).
Real jaw_gap(const InstrumentSpec& spec, Real closure);

}  // namespace medvision::sim
