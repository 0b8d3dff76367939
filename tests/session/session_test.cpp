// The bare session loop: inputs, participants, the input codec. Modules'
// sessions are tested with their modules (tests/modules/<id>/).

#include "session/session.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace medvision {
namespace {

std::int64_t fixed_wall() { return 1'700'000'000'000'000; }

InputFrame hand_at(const Eigen::Vector3d& right, bool grip) {
  InputFrame in;
  in.head.position = {0, 1.6, 0.4};
  in.hands[0].pose.position = {-0.3, 1.0, 0.0};
  in.hands[1].pose.position = right;
  in.hands[1].buttons = grip ? kButtonGrip : 0;
  return in;
}

TEST(Session, ABareSessionOwnsNoWorldAndRefusesActions) {
  Session s({"", 1, 1000.0}, fixed_wall);
  EXPECT_TRUE(s.world_model().bodies.empty());
  EXPECT_TRUE(s.world_state().bodies.empty());
  const int p = s.add_participant("u", "bob", "trainee");
  s.act(p, "shock", "{}");
  s.step();
  int refused = 0;
  for (const auto& e : s.drain_events()) refused += e.type == event_type::action_refused;
  EXPECT_EQ(refused, 1);
}

TEST(Session, AModuleKindCannotBeReplayedWithoutItsModule) {
  std::string error;
  EXPECT_FALSE(Session::replay({"sandbox", 1, 1000.0}, {}, &error).has_value());
  EXPECT_NE(error.find("needs its module"), std::string::npos) << error;
}

TEST(Session, InputsOfAnAbsentParticipantAreIgnored) {
  Session s({"", 1, 1000.0}, fixed_wall);
  s.submit_input(3, hand_at({0, 1, 0}, true), 1);
  s.step();
  const int p = s.add_participant("u", "bob", "trainee");
  s.remove_participant(p);
  s.submit_input(p, hand_at({0, 1, 0}, true), 2);
  s.step();
  for (const auto& e : s.drain_events()) EXPECT_NE(e.type, event_type::input);
}

TEST(Session, InputJsonRoundTripsFloatValuesExactly) {
  InputFrame in = hand_at({0.1f, 0.95f, -0.61f}, true);
  in.head.orientation = Eigen::Quaterniond(0.9238795f, 0, 0.38268343f, 0);
  int n = 0;
  std::uint32_t seq = 0;
  InputFrame out;
  ASSERT_TRUE(input_from_json(input_to_json(2, in, 77), &n, &out, &seq));
  EXPECT_EQ(n, 2);
  EXPECT_EQ(seq, 77u);
  EXPECT_EQ(out.hands[1].pose.position, in.hands[1].pose.position);
  EXPECT_EQ(out.head.orientation.coeffs(), in.head.orientation.coeffs());
  EXPECT_EQ(out.hands[1].buttons, kButtonGrip);
}

}  // namespace
}  // namespace medvision
