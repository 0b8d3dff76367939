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

// A scripted participant: reach body 1, grab it, carry it 30 cm along x at
// 20 cm above the table, let go. Inputs arrive every 11 ticks (90 Hz).
std::vector<Event> run_script(Session& s, std::uint32_t seq0 = 1) {
  std::vector<Event> log = s.drain_events();
  const int p = s.add_participant("usr_a", "alice", "trainee");
  const Eigen::Vector3d start = s.world_state().bodies[0].pose.position;
  std::uint32_t seq = seq0;
  for (int frame = 0; frame < 60; ++frame) {
    const double t = std::max(0, frame - 1) / 40.0;  // grab at frame 1, then move
    const Eigen::Vector3d hand =
        start + Eigen::Vector3d(0.3 * std::min(t, 1.0), 0.2 * std::min(t * 3, 1.0), 0);
    const bool grip = frame >= 1 && frame < 50;
    s.submit_input(p, hand_at(hand, grip), seq++);
    for (int k = 0; k < 11; ++k) s.step();
  }
  for (int k = 0; k < 1000; ++k) s.step();
  s.end("finished");
  auto rest = s.drain_events();
  log.insert(log.end(), rest.begin(), rest.end());
  return log;
}

std::vector<std::string> types_of(const std::vector<Event>& log, const std::string& a,
                                  const std::string& b) {
  std::vector<std::string> out;
  for (const auto& e : log) {
    if (e.type == a || e.type == b) out.push_back(e.type + ":" + e.payload);
  }
  return out;
}

TEST(Session, LogStartsWithSessionStartedAndNumbersEventsWithoutGaps) {
  Session s({"sandbox", 5, 1000.0}, fixed_wall);
  const auto log = run_script(s);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().type, event_type::session_started);
  EXPECT_EQ(log.back().type, event_type::session_ended);
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].seq, i + 1);
    if (i > 0) {
      EXPECT_GE(log[i].tick, log[i - 1].tick);
    }
    EXPECT_EQ(log[i].wall_us, fixed_wall());
  }
}

TEST(Session, AGrippingHandCarriesABodyAndReleaseDropsItOnTheTable) {
  Session s({"sandbox", 5, 1000.0}, fixed_wall);
  const Eigen::Vector3d start = s.world_state().bodies[0].pose.position;
  const auto log = run_script(s);
  const auto grabs = types_of(log, event_type::grab, event_type::release);
  ASSERT_EQ(grabs.size(), 2u);
  EXPECT_EQ(grabs[0].rfind("grab:", 0), 0u);
  EXPECT_EQ(grabs[1].rfind("release:", 0), 0u);

  const auto& body = s.world_state().bodies[0];
  EXPECT_EQ(body.held_by, kNobody);
  EXPECT_NEAR(body.pose.position.x() - start.x(), 0.3,
              1e-6);  // carried 30 cm, dropped straight down
  EXPECT_NEAR(body.pose.position.z(), start.z(), 1e-6);
  EXPECT_NEAR(body.pose.position.y(), start.y(), 1e-6);  // back on the table top
  EXPECT_TRUE(body.resting);
}

TEST(Session, SameSeedAndInputsGiveTheSameStateHash) {
  Session a({"sandbox", 42, 1000.0}, fixed_wall);
  Session b({"sandbox", 42, 1000.0}, fixed_wall);
  run_script(a);
  run_script(b);
  EXPECT_EQ(a.state_hash(), b.state_hash());
  EXPECT_EQ(a.tick(), b.tick());

  Session c({"sandbox", 43, 1000.0}, fixed_wall);
  run_script(c);
  EXPECT_NE(a.state_hash(), c.state_hash());
}

TEST(Session, ReplayOfTheLogReproducesTheStateAndTheDerivedEvents) {
  Session live({"sandbox", 9, 1000.0}, fixed_wall);
  live.record(event_type::observation, R"({"text":"good grip"})");
  const auto log = run_script(live);

  std::string error;
  auto replayed = Session::replay({"sandbox", 9, 1000.0}, log, &error);
  ASSERT_TRUE(replayed.has_value()) << error;
  EXPECT_EQ(replayed->state_hash(), live.state_hash());
  const auto relog = replayed->drain_events();
  EXPECT_EQ(types_of(relog, event_type::grab, event_type::release),
            types_of(log, event_type::grab, event_type::release));
  ASSERT_EQ(relog.size(), log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(relog[i].type, log[i].type);
    EXPECT_EQ(relog[i].tick, log[i].tick);
    EXPECT_EQ(relog[i].payload, log[i].payload);
  }
}

TEST(Session, ReplayRejectsAMalformedLogWithTheEventItStoppedAt) {
  Session live({"sandbox", 9, 1000.0}, fixed_wall);
  auto log = run_script(live);
  for (auto& e : log) {
    if (e.type == event_type::input) {
      e.payload = R"({"participant":1,"client_seq":"x"})";
      break;
    }
  }
  std::string error;
  EXPECT_FALSE(Session::replay({"sandbox", 9, 1000.0}, log, &error).has_value());
  EXPECT_NE(error.find("malformed input"), std::string::npos) << error;
}

TEST(Session, InputsOfAnAbsentParticipantAreIgnored) {
  Session s({"sandbox", 1, 1000.0}, fixed_wall);
  s.submit_input(3, hand_at({0, 1, 0}, true), 1);
  s.step();
  const int p = s.add_participant("u", "bob", "trainee");
  s.remove_participant(p);
  s.submit_input(p, hand_at({0, 1, 0}, true), 2);
  s.step();
  for (const auto& e : s.drain_events()) EXPECT_NE(e.type, event_type::input);
}

TEST(Session, LeavingReleasesWhatTheParticipantHeld) {
  Session s({"sandbox", 1, 1000.0}, fixed_wall);
  const int p = s.add_participant("u", "bob", "trainee");
  const Eigen::Vector3d at = s.world_state().bodies[1].pose.position;
  s.submit_input(p, hand_at(at, true), 1);
  s.step();
  ASSERT_EQ(s.world_state().bodies[1].held_by, p);
  s.remove_participant(p);
  EXPECT_EQ(s.world_state().bodies[1].held_by, kNobody);
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
