#pragma once
// A laparoscopic instrument through a trocar port. The port is a remote
// centre of motion: the straight shaft always passes through the fulcrum in
// the abdominal wall, so the handle outside and the tip inside move in
// opposite directions, the tip's lateral motion scaled by the ratio of the
// lengths inside and outside (the "fulcrum effect" every laparoscopic trainee
// has to learn; Gallagher et al. 2005, Surg Endosc 19:1653).
//
// Frames: the instrument's frame has +Z along the shaft from the handle
// towards the tip, and its roll about +Z follows the handle's roll.

#include "sim/types.h"

namespace medvision::sim {

struct TrocarPort {
  Vec3 fulcrum = Vec3::Zero();   // the port's pivot, on the abdominal wall
  Vec3 inward = Vec3(0, -1, 0);  // unit vector from the port into the body (the port's axis)
  double max_angle_rad = 1.1;    // widest tilt of the shaft away from `inward`
  double shaft_length_m = 0.36;  // standard 5 mm laparoscopic instruments: 33-36 cm
  double min_depth_m = 0.02;     // tip this far beyond the fulcrum at least (the cannula)
  double max_depth_m = 0.30;     // insertion limit
};

struct InstrumentPose {
  Vec3 tip = Vec3::Zero();              // the jaws' pivot
  Quat orientation = Quat::Identity();  // +Z along the shaft, towards the tip
  Vec3 handle = Vec3::Zero();           // where the shaft leaves the handle (after clamping)
  double depth_m = 0;                   // shaft length inside, fulcrum to tip
  bool clamped = false;                 // the handle's wish was outside a limit
};

// Maps a handle pose (position where the shaft enters the handle, and the
// handle's orientation for roll) to the instrument's pose through the port.
// The shaft direction is from the handle through the fulcrum; the depth is
// the shaft length minus the handle's distance from the fulcrum, clamped to
// the port's limits; the tilt is clamped to the port's cone.
InstrumentPose instrument_through_port(const TrocarPort& port, const Vec3& handle_position,
                                       const Quat& handle_orientation);

// The instantaneous lever ratio: tip displacement over handle displacement
// for small lateral motions (inside length over outside length).
double lever_ratio(const TrocarPort& port, const InstrumentPose& pose);

}  // namespace medvision::sim
