// A module with its own scene: it takes the participants' hands and its
// scene is what clients see (the session owns no world).

#include <gtest/gtest.h>

#include "core/hash.h"
#include "session/session.h"

namespace medvision {
namespace {

std::int64_t no_wall() { return 0; }

// A "tool" that follows the right hand, and logs when the trigger closes.
class ToolModule final : public SessionModule {
 public:
  ToolModule() {
    scene_.model.bodies.push_back(
        BodyModel{77, Shape::sphere, Eigen::Vector3d(0.01, 0, 0), 0x336699ffu});
    scene_.state.bodies.push_back(BodyState{});
  }
  void start(const EventSink&) override {}
  void step(Tick, const EventSink&) override {}
  Status act(const ModuleAction&, const EventSink&) override { return {}; }
  Status instruct(InstructorControl, const std::string&, const EventSink&) override { return {}; }
  void input(int participant, const InputFrame& in, const EventSink& sink) override {
    scene_.state.bodies[0].pose = in.hands[1].pose;
    const bool closed = (in.hands[1].buttons & kButtonTrigger) != 0;
    if (closed && !closed_)
      sink("jaws_closed", "{\"participant\":" + std::to_string(participant) + "}");
    closed_ = closed;
  }
  const ModuleScene* scene() const override { return &scene_; }
  bool finished() const override { return false; }
  std::uint64_t state_hash() const override {
    Fnv1a h;
    for (int i = 0; i < 3; ++i) h.add(scene_.state.bodies[0].pose.position[i]);
    return h.value();
  }

 private:
  ModuleScene scene_;
  bool closed_ = false;
};

InputFrame right_hand(const Eigen::Vector3d& p, std::uint32_t buttons) {
  InputFrame in;
  in.hands[1].pose.position = p;
  in.hands[1].buttons = buttons;
  return in;
}

TEST(ModuleScene, IsWhatClientsSeeAndFollowsTheHandsAtTickBoundaries) {
  Session s({"test/tool", 3, 1000.0}, no_wall, std::make_unique<ToolModule>());
  ASSERT_EQ(s.world_model().bodies.size(), 1u) << "only the module's body is shown";
  EXPECT_EQ(s.world_model().bodies[0].id, 77u);
  const int p = s.add_participant("usr_a", "ana", "trainee");
  // The session grabs nothing itself: a grip is the module's to read.
  s.submit_input(p, right_hand({0.1, 0.95, -0.6}, kButtonGrip), 1);
  s.step();
  EXPECT_NEAR((s.world_state().bodies[0].pose.position - Eigen::Vector3d(0.1, 0.95, -0.6)).norm(),
              0, 1e-12);
  s.submit_input(p, right_hand({0.2, 1.0, -0.5}, kButtonTrigger), 2);
  s.step();
  int grabs = 0, closes = 0;
  for (const auto& e : s.drain_events()) {
    grabs += e.type == "grab";
    closes += e.type == "jaws_closed";
  }
  EXPECT_EQ(grabs, 0);
  EXPECT_EQ(closes, 1);
  EXPECT_NEAR(s.world_state().bodies[0].pose.position.x(), 0.2, 1e-12);
}

TEST(ModuleScene, ReplayFeedsTheModuleTheSameInputs) {
  auto factory = [](std::string_view, std::uint64_t) -> Result<std::unique_ptr<SessionModule>> {
    return std::unique_ptr<SessionModule>(std::make_unique<ToolModule>());
  };
  Session s({"test/tool", 3, 1000.0}, no_wall, std::make_unique<ToolModule>());
  const int p = s.add_participant("usr_a", "ana", "trainee");
  for (int i = 0; i < 50; ++i) {
    s.submit_input(p, right_hand({0.001 * i, 1.0, -0.5}, i % 10 < 5 ? kButtonTrigger : 0),
                   static_cast<std::uint32_t>(i + 1));
    for (int k = 0; k < 11; ++k) s.step();
  }
  s.end("done");
  const auto log = s.drain_events();
  std::string error;
  const auto replayed = Session::replay({"test/tool", 3, 1000.0}, log, &error, factory);
  ASSERT_TRUE(replayed) << error;
  EXPECT_EQ(replayed->state_hash(), s.state_hash());
  EXPECT_NEAR(replayed->world_state().bodies[0].pose.position.x(), 0.049, 1e-12);
}

}  // namespace
}  // namespace medvision
