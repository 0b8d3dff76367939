#include "modules/sandbox/sandbox_module.h"

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "session/session.h"

namespace medvision::modules {
namespace {

using nlohmann::json;

constexpr double kMaxReleaseSpeed = 3.0;  // m/s: a dropped body is not flung across the room

void add_pose(Fnv1a& h, const Pose& p) {
  for (int i = 0; i < 3; ++i) h.add(p.position[i]);
  for (int i = 0; i < 4; ++i) h.add(p.orientation.coeffs()[i]);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

class SandboxModule::Snapshot final : public ModuleSnapshot {
 public:
  Snapshot(std::uint64_t of_seed, State taken) : seed(of_seed), state(std::move(taken)) {}
  std::uint64_t seed;
  State state;
};

SandboxModule::SandboxModule(std::uint64_t seed, double tick_rate_hz)
    : seed_(seed), dt_s_(1.0 / tick_rate_hz) {
  state_.scene.model = make_sandbox_model(seed);
  state_.scene.state = make_initial_state(state_.scene.model, seed);
}

void SandboxModule::step(Tick tick, const EventSink& sink) {
  (void)tick;
  (void)sink;
  targets_.clear();
  for (const auto& [participant, hands] : state_.hands) {
    for (int h = 0; h < 2; ++h) targets_.push_back(HandTarget{participant, h, hands.hand[h].pose});
  }
  step_world(state_.scene.model, state_.scene.state, targets_, dt_s_);
}

Status SandboxModule::act(const ModuleAction& action, const EventSink& sink) {
  (void)sink;
  return make_error(ErrorCode::invalid_input,
                    "the sandbox has no actions (`" + action.name +
                        "`): pick bodies up with the grip button instead");
}

Status SandboxModule::instruct(InstructorControl control, const std::string& text,
                               const EventSink& sink) {
  (void)text;
  (void)sink;
  if (control == InstructorControl::cue) return {};  // a cue is for people; the log has it
  return make_error(ErrorCode::invalid_input,
                    std::string("the sandbox has no scenario to ") + to_string(control));
}

void SandboxModule::input(int participant, const InputFrame& input, const EventSink& sink) {
  Hands& previous = state_.hands[participant];
  WorldModel& model = state_.scene.model;
  WorldState& world = state_.scene.state;
  for (int h = 0; h < 2; ++h) {
    const bool was = (previous.hand[h].buttons & kButtonGrip) != 0;
    const bool now = (input.hands[h].buttons & kButtonGrip) != 0;
    const Pose& hand = input.hands[h].pose;
    if (!was && now) {
      const int i = find_grabbable(model, world, hand.position);
      if (i == kNobody) continue;
      BodyState& body = world.bodies[static_cast<std::size_t>(i)];
      body.held_by = participant;
      body.held_hand = h;
      const Eigen::Quaterniond inv = hand.orientation.conjugate();
      body.grip.position = inv * (body.pose.position - hand.position);
      body.grip.orientation = (inv * body.pose.orientation).normalized();
      body.resting = false;
      sink(sandbox_event::grab, dump({{"participant", participant},
                                      {"hand", h},
                                      {"body", model.bodies[static_cast<std::size_t>(i)].id}}));
    } else if (was && !now) {
      release_held_by(participant, h, sink);
    }
  }
  previous.hand[0] = input.hands[0];
  previous.hand[1] = input.hands[1];
}

void SandboxModule::participant_left(int participant, const EventSink& sink) {
  release_held_by(participant, 0, sink);
  release_held_by(participant, 1, sink);
  state_.hands.erase(participant);
}

void SandboxModule::release_held_by(int participant, int hand, const EventSink& sink) {
  WorldState& world = state_.scene.state;
  for (std::size_t i = 0; i < world.bodies.size(); ++i) {
    BodyState& body = world.bodies[i];
    if (body.held_by != participant || body.held_hand != hand) continue;
    body.held_by = kNobody;
    body.resting = false;
    const double speed = body.velocity.norm();
    if (speed > kMaxReleaseSpeed) body.velocity *= kMaxReleaseSpeed / speed;
    sink(sandbox_event::release, dump({{"participant", participant},
                                       {"hand", hand},
                                       {"body", state_.scene.model.bodies[i].id},
                                       {"position", pose_array(body.pose)}}));
  }
}

std::unique_ptr<const ModuleSnapshot> SandboxModule::snapshot() const {
  return std::make_unique<Snapshot>(seed_, state_);
}

Status SandboxModule::restore(const ModuleSnapshot& snapshot) {
  const auto* s = dynamic_cast<const Snapshot*>(&snapshot);
  if (s == nullptr || s->seed != seed_)
    return make_error(ErrorCode::invalid_input, "not a snapshot of this sandbox");
  state_ = s->state;
  return {};
}

std::uint64_t SandboxModule::state_hash() const {
  Fnv1a h;
  for (const auto& b : state_.scene.state.bodies) {
    add_pose(h, b.pose);
    for (int i = 0; i < 3; ++i) h.add(b.velocity[i]);
    h.add(b.held_by);
    h.add(b.held_hand);
    h.add(b.resting);
  }
  for (const auto& [participant, hands] : state_.hands) {
    h.add(participant);
    for (const auto& hand : hands.hand) {
      add_pose(h, hand.pose);
      h.add(hand.buttons);
    }
  }
  return h.value();
}

}  // namespace medvision::modules
