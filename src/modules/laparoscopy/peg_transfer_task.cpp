#include "modules/laparoscopy/peg_transfer_task.h"

#include <nlohmann/json.hpp>

namespace medvision::laparoscopy {

using nlohmann::json;

namespace {

// An object is at rest when it has moved less than this for this long.
constexpr double kRestSpeed = 0.01;     // m/s
constexpr double kRestSpin = 0.2;       // rad/s
constexpr int kRestSteps = 20;          // physics steps (0.2 s at 100 Hz)
constexpr double kFellOutBelow = 0.05;  // m under the box floor: out of the box

}  // namespace

PegTransferTask::PegTransferTask(const BoxTrainer& trainer) : trainer_(&trainer) {
  tracks_.resize(trainer.objects.size());
  const sim::RigidWorldState initial = sim::make_state(trainer.world);
  for (std::size_t k = 0; k < tracks_.size(); ++k) {
    const sim::Transform& pose = initial.bodies[static_cast<std::size_t>(trainer.objects[k])].pose;
    for (std::size_t p = 0; p < trainer.pegs.size(); ++p) {
      if (threaded_on_peg(trainer.board, pose, trainer.pegs[p]))
        tracks_[k].peg = static_cast<int>(p);
    }
  }
  recount();
}

int PegTransferTask::object_of_body(int body) const {
  for (std::size_t k = 0; k < trainer_->objects.size(); ++k) {
    if (trainer_->objects[k] == body) return static_cast<int>(k);
  }
  return -1;
}

void PegTransferTask::grasp_changed(int tool, const sim::GraspChange& change,
                                    std::vector<TaskEvent>& out) {
  const int k = object_of_body(change.body);
  if (k < 0) return;
  ObjectTrack& t = tracks_[static_cast<std::size_t>(k)];
  const int bit = 1 << tool;
  const int other = 1 << (1 - tool);
  if (change.kind == sim::GraspChange::grasped) {
    t.holders |= bit;
    t.loose = false;
    t.peg = -1;
    t.still_steps = 0;
    out.push_back({"grasped", json{{"tool", tool_name(tool)}, {"object", k + 1}}.dump(
                                  -1, ' ', false, nlohmann::json::error_handler_t::replace)});
  } else {
    t.holders &= ~bit;
    t.last_holder = tool;
    out.push_back({"released", json{{"tool", tool_name(tool)}, {"object", k + 1}}.dump(
                                   -1, ' ', false, nlohmann::json::error_handler_t::replace)});
    if (t.holders & other) {
      ++tally_.transfers;
      out.push_back(
          {"transferred",
           json{{"object", k + 1}, {"from", tool_name(tool)}, {"to", tool_name(1 - tool)}}.dump(
               -1, ' ', false, nlohmann::json::error_handler_t::replace)});
    } else {
      t.loose = true;
      t.still_steps = 0;
    }
  }
  recount();
}

void PegTransferTask::settle(int k, const sim::Transform& pose, std::vector<TaskEvent>& out) {
  ObjectTrack& t = tracks_[static_cast<std::size_t>(k)];
  t.loose = false;
  for (std::size_t p = 0; p < trainer_->pegs.size(); ++p) {
    if (!threaded_on_peg(trainer_->board, pose, trainer_->pegs[p])) continue;
    t.peg = static_cast<int>(p);
    const bool left = p < static_cast<std::size_t>(kPegsPerSide);
    const sim::Vec3& at = pose.translation;
    out.push_back({"placed", json{{"object", k + 1},
                                  {"peg", p + 1},
                                  {"side", left ? "left" : "right"},
                                  {"position", {at.x(), at.y(), at.z()}}}
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    return;
  }
  const bool seen = in_view(trainer_->scope, pose.translation) &&
                    pose.translation.y() > trainer_->floor_y - kFellOutBelow;
  ++tally_.drops;
  if (!seen) {
    t.lost = true;
    ++tally_.drops_out_of_view;
  }
  const sim::Vec3& p = pose.translation;
  out.push_back(
      {"dropped",
       json{{"object", k + 1}, {"in_view", seen}, {"position", {p.x(), p.y(), p.z()}}}.dump(
           -1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void PegTransferTask::after_step(const sim::RigidWorldState& world, std::vector<TaskEvent>& out) {
  bool changed = false;
  for (std::size_t k = 0; k < tracks_.size(); ++k) {
    ObjectTrack& t = tracks_[k];
    if (!t.loose || t.lost) continue;
    const sim::RigidBodyState& s = world.bodies[static_cast<std::size_t>(trainer_->objects[k])];
    const bool fell_out = s.pose.translation.y() < trainer_->floor_y - kFellOutBelow;
    const bool still =
        s.linear_velocity.norm() < kRestSpeed && s.angular_velocity.norm() < kRestSpin;
    t.still_steps = still ? t.still_steps + 1 : 0;
    if (fell_out || t.still_steps >= kRestSteps) {
      settle(static_cast<int>(k), s.pose, out);
      changed = true;
    }
  }
  if (changed) recount();
}

void PegTransferTask::recount() {
  PegTransferTally n;
  n.drops = tally_.drops;
  n.drops_out_of_view = tally_.drops_out_of_view;
  n.transfers = tally_.transfers;
  for (const ObjectTrack& t : tracks_) {
    const bool on_left = t.peg >= 0 && t.peg < kPegsPerSide;
    const bool on_right = t.peg >= kPegsPerSide;
    n.on_left += on_left;
    n.on_right += on_right;
    if (!t.lost) {
      n.not_on_left += !on_left;
      n.not_on_right += !on_right;
    }
    n.held += t.holders != 0;
  }
  tally_ = n;
}

}  // namespace medvision::laparoscopy
