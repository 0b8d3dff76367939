#pragma once
// The laparoscopic box trainer in the room: a box on a table with the FLS
// pegboard inside, two trocar ports in its top for the left and right
// graspers, and a laparoscope whose view decides what counts as "in the
// field of view". Room coordinates, metres, y up; the trainee stands at +z
// looking towards -z, so the hands holding the instrument handles are where
// the handles are (a controller's grip pose is the handle's pose).

#include <array>
#include <vector>

#include "modules/laparoscopy/pegboard.h"
#include "session/session_module.h"
#include "sim/instrument.h"
#include "sim/rigid_world.h"
#include "sim/trocar.h"

namespace medvision::laparoscopy {

enum Tool { kLeft = 0, kRight = 1 };
const char* tool_name(int tool);

struct Laparoscope {
  sim::Vec3 position = sim::Vec3::Zero();
  sim::Vec3 look_at = sim::Vec3::Zero();
  double half_angle_rad = 0.55;  // a 0-degree scope with a ~63-degree field
};

// Is a point inside the laparoscope's cone of view?
bool in_view(const Laparoscope& scope, const sim::Vec3& point);

// The laparoscope as a camera clients render (SessionModule::cameras):
// looking from its tip at its target (local -Z forward, +Y as close to the
// room's up as the view allows), its cone of view the image's vertical field.
SceneCamera laparoscope_camera(const Laparoscope& scope);

struct BoxTrainer {
  sim::RigidWorldModel world;
  PegBoardSpec board;
  std::vector<sim::Vec3> pegs;  // 12: left group then right group
  std::vector<int> objects;     // the six triangles' bodies
  int board_body = -1;
  int floor_body = -1;
  double floor_y = 0;  // the box's floor, around the board
  std::array<sim::TrocarPort, 2> ports;
  std::array<sim::Instrument, 2> tools;
  Laparoscope scope;
};

// The two trocar ports in the box top, 20 cm apart, each aimed at `target`
// (the task's working point): the same ports for every box-trainer task.
std::array<sim::TrocarPort, 2> box_trainer_ports(const sim::Vec3& target);
// An instrument's start pose: along its port's axis, its tip 16 cm inside.
sim::InstrumentPose instrument_start_pose(const sim::TrocarPort& port);

// The FLS peg-transfer set-up: the six objects on the left pegs.
BoxTrainer make_peg_transfer_trainer();

// A box trainer for a soft-tissue task: the box floor at `floor_y`, the ports
// aimed at `target`, a grasper through the left port, an instrument of kind
// `right` through the right one, and the laparoscope above the ports looking
// at `look_at`. No rigid objects: the task brings its tissue.
BoxTrainer make_tissue_box_trainer(double floor_y, const sim::Vec3& target,
                                   const sim::Vec3& look_at, sim::InstrumentKind right);

// The handle pose a hand should hold for the instrument to rest along its
// port's axis at `depth_m` (the start pose, and what the planner inverts).
sim::Vec3 handle_for_tip(const sim::TrocarPort& port, const sim::Vec3& tip);

// A controller's grip frame points its -Z forward (WebXR); the handle's +Z
// runs along the shaft towards the tip. These convert between the two.
sim::Quat handle_from_grip(const sim::Quat& grip);
sim::Quat grip_from_handle(const sim::Quat& handle);

}  // namespace medvision::laparoscopy
