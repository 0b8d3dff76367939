// The sandbox in a session: grabbing, carrying, dropping, leaving, replay
// and snapshots, through the Session as live sessions and traces drive it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "modules/registry.h"
#include "modules/sandbox/sandbox_module.h"
#include "session/session.h"
#include "session/trace.h"

namespace medvision {
namespace {

using modules::SandboxModule;
namespace sandbox_event = modules::sandbox_event;

std::int64_t fixed_wall() { return 1'700'000'000'000'000; }

Session sandbox(std::uint64_t seed) {
  return Session({"sandbox", seed, 1000.0}, fixed_wall,
                 std::make_unique<SandboxModule>(seed, 1000.0));
}

// The registry's factory, as the server and `medvision run` make modules.
const ModuleFactory kFactory = modules::module_factory(MEDVISION_SOURCE_DIR "/content", 1000.0);

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

TEST(SandboxSession, LogStartsWithSessionStartedAndNumbersEventsWithoutGaps) {
  Session s = sandbox(5);
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

TEST(SandboxSession, AGrippingHandCarriesABodyAndReleaseDropsItOnTheTable) {
  Session s = sandbox(5);
  const Eigen::Vector3d start = s.world_state().bodies[0].pose.position;
  const auto log = run_script(s);
  const auto grabs = types_of(log, sandbox_event::grab, sandbox_event::release);
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

TEST(SandboxSession, SameSeedAndInputsGiveTheSameStateHash) {
  Session a = sandbox(42);
  Session b = sandbox(42);
  run_script(a);
  run_script(b);
  EXPECT_EQ(a.state_hash(), b.state_hash());
  EXPECT_EQ(a.tick(), b.tick());

  Session c = sandbox(43);
  run_script(c);
  EXPECT_NE(a.state_hash(), c.state_hash());
}

TEST(SandboxSession, ReplayOfTheLogReproducesTheStateAndTheDerivedEvents) {
  Session live = sandbox(9);
  live.record(event_type::observation, R"({"text":"good grip"})");
  const auto log = run_script(live);

  std::string error;
  auto replayed = Session::replay({"sandbox", 9, 1000.0}, log, &error, kFactory);
  ASSERT_TRUE(replayed.has_value()) << error;
  EXPECT_EQ(replayed->state_hash(), live.state_hash());
  const auto relog = replayed->drain_events();
  EXPECT_EQ(types_of(relog, sandbox_event::grab, sandbox_event::release),
            types_of(log, sandbox_event::grab, sandbox_event::release));
  ASSERT_EQ(relog.size(), log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(relog[i].type, log[i].type);
    EXPECT_EQ(relog[i].tick, log[i].tick);
    EXPECT_EQ(relog[i].payload, log[i].payload);
  }
}

TEST(SandboxSession, ReplayRejectsAMalformedLogWithTheEventItStoppedAt) {
  Session live = sandbox(9);
  auto log = run_script(live);
  for (auto& e : log) {
    if (e.type == event_type::input) {
      e.payload = R"({"participant":1,"client_seq":"x"})";
      break;
    }
  }
  std::string error;
  EXPECT_FALSE(Session::replay({"sandbox", 9, 1000.0}, log, &error, kFactory).has_value());
  EXPECT_NE(error.find("malformed input"), std::string::npos) << error;
}

TEST(SandboxSession, LeavingReleasesWhatTheParticipantHeld) {
  Session s = sandbox(1);
  const int p = s.add_participant("u", "bob", "trainee");
  const Eigen::Vector3d at = s.world_state().bodies[1].pose.position;
  s.submit_input(p, hand_at(at, true), 1);
  s.step();
  ASSERT_EQ(s.world_state().bodies[1].held_by, p);
  s.remove_participant(p);
  EXPECT_EQ(s.world_state().bodies[1].held_by, kNobody);
}

std::string hand(const Eigen::Vector3d& p, bool grip) {
  std::ostringstream out;
  out.precision(17);
  out << "[" << p.x() << "," << p.y() << "," << p.z() << ",0,0,0,1," << (grip ? kButtonGrip : 0u)
      << "]";
  return out.str();
}

TEST(SandboxSession, TraceInputLinesCarryABodyLikeLiveInputsDo) {
  // Reach the first body, grip, lift 20 cm, carry 30 cm along x, let go.
  Session probe = sandbox(5);
  const Eigen::Vector3d start = probe.world_state().bodies[0].pose.position;
  std::string text = "{\"t\": 0, \"join\": \"ana\"}\n";
  for (int i = 0; i <= 60; ++i) {
    const double t = 0.1 + i / 90.0;
    const double s = std::min(1.0, std::max(0, i - 1) / 40.0);
    const Eigen::Vector3d p = start + Eigen::Vector3d(0.3 * s, 0.2 * std::min(1.0, 3 * s), 0);
    text += "{\"t\": " + std::to_string(t) +
            ", \"input\": \"ana\", \"right\": " + hand(p, i >= 1 && i < 50) + "}\n";
  }
  const auto trace = parse_trace(text, "carry.jsonl");
  ASSERT_TRUE(trace.ok()) << trace.error().message;

  Session s = sandbox(5);
  PlayOptions options;
  options.grace_s = 1.0;
  const auto log = play_trace(s, *trace, options);
  ASSERT_TRUE(log.ok()) << log.error().message;
  int grabs = 0, releases = 0, inputs = 0;
  for (const auto& e : *log) {
    grabs += e.type == "grab";
    releases += e.type == "release";
    inputs += e.type == "input";
  }
  EXPECT_EQ(grabs, 1);
  EXPECT_EQ(releases, 1);
  EXPECT_EQ(inputs, 61);
  const auto& body = s.world_state().bodies[0];
  EXPECT_NEAR(body.pose.position.x() - start.x(), 0.3, 1e-3);
  EXPECT_NEAR(body.pose.position.y(), start.y(), 1e-6) << "dropped back onto the table";
  // The client seq numbers each participant's samples 1, 2, 3 ...
  EXPECT_EQ(s.participant(1)->last_client_seq, 61u);
}

TEST(SandboxSession, EveryonesHandsReachTheBodies) {
  Session s = sandbox(2);
  const int a = s.add_participant("u1", "ana", "trainee");
  const int b = s.add_participant("u2", "ben", "trainee");
  const Eigen::Vector3d first = s.world_state().bodies[0].pose.position;
  const Eigen::Vector3d second = s.world_state().bodies[3].pose.position;
  s.submit_input(a, hand_at(first, true), 1);
  s.submit_input(b, hand_at(second, true), 1);
  s.step();
  EXPECT_EQ(s.world_state().bodies[0].held_by, a);
  EXPECT_EQ(s.world_state().bodies[3].held_by, b);
}

TEST(SandboxSession, AnActionIsRefusedWithAReasonAndChangesNothing) {
  Session s = sandbox(2);
  const int a = s.add_participant("u1", "ana", "trainee");
  s.act(a, "shock", "{}");
  s.step();
  bool refused = false;
  for (const auto& e : s.drain_events()) {
    if (e.type == event_type::action_refused) {
      refused = true;
      EXPECT_NE(e.payload.find("the sandbox has no actions"), std::string::npos) << e.payload;
    }
  }
  EXPECT_TRUE(refused);
  Session same = sandbox(2);
  same.add_participant("u1", "ana", "trainee");
  same.step();
  EXPECT_EQ(s.state_hash(), same.state_hash());
}

// Shared sessions seek and reconnect from snapshots: a module restored from
// a snapshot taken mid-carry and fed the same inputs writes the same events
// and reaches the same state as the module that went through.
TEST(SandboxModule, ReplayFromASnapshotEqualsReplayFromTheStart) {
  struct Written {
    std::vector<std::pair<std::string, std::string>> events;
    std::uint64_t hash = 0;
  };
  SandboxModule through(4, 1000.0);
  const Eigen::Vector3d start = through.scene()->state.bodies[2].pose.position;
  // Frame k: the right hand at the body, gripping from frame 1 to 70, moving
  // 25 cm along x; inputs every 11 ticks (90 Hz).
  const auto input_at = [&](int frame) {
    const double t = std::min(1.0, std::max(0, frame - 1) / 60.0);
    return hand_at(start + Eigen::Vector3d(0.25 * t, 0.15 * std::min(1.0, 3 * t), 0),
                   frame >= 1 && frame < 70);
  };
  const auto run = [&](SandboxModule& m, int from_frame, int to_frame, Written& out) {
    const EventSink sink = [&](std::string_view type, std::string payload) {
      out.events.emplace_back(std::string(type), std::move(payload));
    };
    for (int frame = from_frame; frame < to_frame; ++frame) {
      m.input(1, input_at(frame), sink);
      for (int k = 0; k < 11; ++k) m.step(static_cast<Tick>(frame * 11 + k), sink);
    }
    out.hash = m.state_hash();
  };
  Written before, after_through, after_restored;
  run(through, 0, 30, before);  // mid-carry: the body is held
  ASSERT_EQ(through.scene()->state.bodies[2].held_by, 1);
  const auto snapshot = through.snapshot();
  ASSERT_NE(snapshot, nullptr);
  run(through, 30, 150, after_through);

  SandboxModule restored(4, 1000.0);
  ASSERT_TRUE(restored.restore(*snapshot).ok());
  EXPECT_EQ(restored.scene()->state.bodies[2].held_by, 1);
  run(restored, 30, 150, after_restored);
  EXPECT_EQ(after_restored.events, after_through.events);
  EXPECT_EQ(after_restored.hash, after_through.hash);
  ASSERT_FALSE(after_through.events.empty()) << "the release happens after the snapshot";
  EXPECT_EQ(after_through.events.front().first, sandbox_event::release);

  SandboxModule other_seed(5, 1000.0);
  EXPECT_FALSE(other_seed.restore(*snapshot).ok()) << "a snapshot of another sandbox";
}

}  // namespace
}  // namespace medvision
