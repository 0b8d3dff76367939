#include "modules/laparoscopy/box_trainer_run.h"

#include <algorithm>

#include "core/hash.h"
#include "modules/laparoscopy/laparoscopy_module.h"

namespace medvision::laparoscopy {

std::optional<HandCommand> hand_command(const HandInput& hand) {
  if (hand.pose.position.isZero()) return std::nullopt;
  return HandCommand{hand.pose.position, hand.pose.orientation,
                     (hand.buttons & kButtonTrigger) != 0};
}

sim::CapsuleCollider moving_capsule(const sim::InstrumentPose& before,
                                    const sim::InstrumentPose& now, double radius_m, double dt_s,
                                    double from_m, double to_m) {
  const auto at = [](const sim::InstrumentPose& p, double s) {
    return s == 0 ? p.tip : sim::Vec3(p.tip + s * (p.orientation * sim::Vec3::UnitZ()));
  };
  sim::CapsuleCollider c;
  c.a = at(before, from_m);
  c.b = at(before, to_m);
  c.radius = radius_m;
  c.velocity_a = (at(now, from_m) - c.a) / dt_s;
  c.velocity_b = (at(now, to_m) - c.b) / dt_s;
  return c;
}

BoxTrainerRun::BoxTrainerRun(std::shared_ptr<const BoxTrainer> trainer)
    : trainer_(std::move(trainer)), world_(sim::make_state(trainer_->world)), task_(*trainer_) {
  for (int t = 0; t < 2; ++t) {
    const sim::Transform& at =
        world_.bodies[static_cast<std::size_t>(trainer_->tools[static_cast<std::size_t>(t)].jaws)]
            .pose;
    sim::InstrumentPose& p = poses_[static_cast<std::size_t>(t)];
    p.tip = at.translation;
    p.orientation = at.rotation;
    const sim::TrocarPort& port = trainer_->ports[static_cast<std::size_t>(t)];
    p.depth_m = (p.tip - port.fulcrum).norm();
    p.handle = handle_for_tip(port, p.tip);
  }
}

void BoxTrainerRun::command(int tool, const HandCommand& hand) {
  hands_[static_cast<std::size_t>(tool)] = hand;
  commanded_[static_cast<std::size_t>(tool)] = true;
}

void BoxTrainerRun::step(std::vector<TaskEvent>& out) {
  const double jaw_step = kPhysicsStep_s / kJawTravel_s;
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    sim::InstrumentState& state = tools_[i];
    if (commanded_[i]) {
      poses_[i] = sim::instrument_through_port(trainer_->ports[i], hands_[i].position,
                                               handle_from_grip(hands_[i].grip));
    }
    const double target = hands_[i].trigger ? 1.0 : 0.0;
    const double closure = state.closure + std::clamp(target - state.closure, -jaw_step, jaw_step);
    const auto change = sim::drive_instrument(trainer_->tools[i], state, trainer_->world, world_,
                                              poses_[i], closure);
    if (change) task_.grasp_changed(t, *change, out);
  }
  sim::step(trainer_->world, world_, kPhysicsStep_s);
  task_.after_step(world_, out);
}

ToolSample BoxTrainerRun::sample(int tool) const {
  const auto i = static_cast<std::size_t>(tool);
  const sim::Instrument& ins = trainer_->tools[i];
  ToolSample s;
  s.tip = poses_[i].tip;
  s.shaft = poses_[i].orientation * sim::Vec3::UnitZ();
  s.depth_m = poses_[i].depth_m;
  s.closure = tools_[i].closure;
  s.holding = tools_[i].held >= 0;
  sim::Vec3 force = sim::total_contact_force(world_, ins.shaft);
  if (const sim::RigidAttachment* a = sim::find_attachment(world_, tools_[i].attachment))
    force -= a->force;
  s.force_N = force.norm();
  return s;
}

std::uint64_t BoxTrainerRun::state_hash() const {
  Fnv1a h;
  h.add(sim::state_hash(world_));
  for (const auto& t : tools_) {
    h.add(t.closure);
    h.add(t.held);
  }
  return h.value();
}

}  // namespace medvision::laparoscopy
