#pragma once
// A box trainer in motion: the rigid world's state, the two instruments
// driven by hand commands through their ports, and the peg-transfer task
// tracking what happens to the objects. One `step` is one 10 ms physics
// step. The module runs one inside a session; the trace planner runs one to
// see the world it plans for. Copyable: copy it to snapshot.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "modules/laparoscopy/box_trainer.h"
#include "modules/laparoscopy/peg_transfer_task.h"
#include "session/input.h"
#include "sim/xpbd_colliders.h"

namespace medvision::laparoscopy {

// What a hand does to its instrument: the handle's position and grip
// orientation (a controller's grip pose, room coordinates) and the trigger.
struct HandCommand {
  sim::Vec3 position = sim::Vec3::Zero();
  sim::Quat grip = sim::Quat::Identity();
  bool trigger = false;
};

// A participant's hand as a command: an untracked hand (position at the
// origin) gives nothing, and its instrument stays where it is.
std::optional<HandCommand> hand_command(const HandInput& hand);

struct ToolSample {
  sim::Vec3 tip = sim::Vec3::Zero();
  sim::Vec3 shaft = sim::Vec3::UnitZ();  // unit, towards the tip
  double depth_m = 0;
  double closure = 0;
  double force_N = 0;  // contact on the shaft plus what the jaws hold
  bool holding = false;
  // The same as a vector where the task knows it (soft tissue: the tissue's
  // push on the shaft plus its pull on the jaws, room frame); zero otherwise.
  sim::Vec3 load_N = sim::Vec3::Zero();
};

// The part of an instrument's shaft that soft tissue in the box can meet:
// this far back from the jaws' hinge.
inline constexpr double kShaftInside_m = 0.25;

// A stretch of an instrument's axis, from `from_m` to `to_m` along it from
// the jaws' hinge (negative: back towards the handle; positive: along the
// jaws), as a capsule moving over one physics step of `dt_s` from its place
// at the step's start (`before`) to where the hand has put it (`now`), for
// the tissue solver's contacts.
sim::CapsuleCollider moving_capsule(const sim::InstrumentPose& before,
                                    const sim::InstrumentPose& now, double radius_m, double dt_s,
                                    double from_m, double to_m);

// The shaft's part inside the box: kShaftInside_m back from the hinge to
// `short_of_tip_m` short of it (leaving what the jaws hold to the jaws).
inline sim::CapsuleCollider moving_shaft(const sim::InstrumentPose& before,
                                         const sim::InstrumentPose& now, double radius_m,
                                         double dt_s, double short_of_tip_m = 0) {
  return moving_capsule(before, now, radius_m, dt_s, -kShaftInside_m, -short_of_tip_m);
}

class BoxTrainerRun {
 public:
  explicit BoxTrainerRun(std::shared_ptr<const BoxTrainer> trainer);

  // Takes effect at the next step. Commands persist until replaced.
  void command(int tool, const HandCommand& hand);
  void step(std::vector<TaskEvent>& out);

  ToolSample sample(int tool) const;
  const BoxTrainer& trainer() const { return *trainer_; }
  const sim::RigidWorldState& world() const { return world_; }
  const PegTransferTask& task() const { return task_; }
  const std::array<sim::InstrumentState, 2>& tools() const { return tools_; }
  const sim::InstrumentPose& pose(int tool) const { return poses_[static_cast<std::size_t>(tool)]; }
  std::uint64_t state_hash() const;

  // The jaws close (or open) fully in this long.
  static constexpr double kJawTravel_s = 0.15;

 private:
  std::shared_ptr<const BoxTrainer> trainer_;
  sim::RigidWorldState world_;
  std::array<sim::InstrumentState, 2> tools_{};
  std::array<sim::InstrumentPose, 2> poses_{};
  std::array<HandCommand, 2> hands_{};
  std::array<bool, 2> commanded_{false, false};
  PegTransferTask task_;
};

}  // namespace medvision::laparoscopy
