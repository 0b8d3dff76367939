#pragma once
// The sandbox: a room with a table and six bodies that participants pick up
// with the grip button and carry. It has no scenario, no actions and no
// verdict; it is where people try the headset and where the platform is
// tested end to end, and the worked example of docs/modules.md.

#include <map>
#include <memory>

#include "modules/sandbox/sandbox_world.h"
#include "session/session_module.h"

namespace medvision::modules {

// Event types the sandbox writes (docs/events.md).
namespace sandbox_event {
inline constexpr const char* grab = "grab";
inline constexpr const char* release = "release";
}  // namespace sandbox_event

class SandboxModule final : public SessionModule {
 public:
  SandboxModule(std::uint64_t seed, double tick_rate_hz);

  void start(const EventSink& sink) override { (void)sink; }
  void step(Tick tick, const EventSink& sink) override;
  Status act(const ModuleAction& action, const EventSink& sink) override;
  Status instruct(InstructorControl control, const std::string& text,
                  const EventSink& sink) override;
  // Everyone's hands reach the bodies (there are no instruments to drive):
  // a grip that closes near a free body grabs it; a grip that opens drops it.
  void input(int participant, const InputFrame& input, const EventSink& sink) override;
  void participant_left(int participant, const EventSink& sink) override;
  const ModuleScene* scene() const override { return &state_.scene; }
  std::unique_ptr<const ModuleSnapshot> snapshot() const override;
  Status restore(const ModuleSnapshot& snapshot) override;
  bool finished() const override { return false; }
  std::uint64_t state_hash() const override;

 private:
  struct Hands {
    HandInput hand[2];
  };
  struct State {
    ModuleScene scene;
    std::map<int, Hands> hands;  // the latest input of each present participant
  };
  class Snapshot;

  void release_held_by(int participant, int hand, const EventSink& sink);

  std::uint64_t seed_;
  double dt_s_;
  State state_;
  std::vector<HandTarget> targets_;  // reused every step
};

}  // namespace medvision::modules
