// Traces with controller samples drive a session as WebSocket inputs would.

#include "session/trace.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace medvision {
namespace {

std::int64_t no_wall() { return 0; }

std::string hand(const Eigen::Vector3d& p, bool grip) {
  std::ostringstream out;
  out.precision(17);
  out << "[" << p.x() << "," << p.y() << "," << p.z() << ",0,0,0,1," << (grip ? kButtonGrip : 0u)
      << "]";
  return out.str();
}

TEST(Trace, InputLinesCarryABodyLikeLiveInputsDo) {
  // Reach the first body, grip, lift 20 cm, carry 30 cm along x, let go.
  Session probe({"sandbox", 5, 1000.0}, no_wall);
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

  Session s({"sandbox", 5, 1000.0}, no_wall);
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

TEST(Trace, MalformedInputLinesAreRefusedWithTheirLineNumber) {
  const std::string join = "{\"t\":0,\"join\":\"ana\"}\n";
  Session s({"sandbox", 5, 1000.0}, no_wall);
  const auto short_pose =
      parse_trace(join + "{\"t\":1,\"input\":\"ana\",\"left\":[0,1,0]}\n", "x.jsonl");
  ASSERT_TRUE(short_pose.ok());
  EXPECT_EQ(play_trace(s, *short_pose).error().message,
            "x.jsonl line 2: `left` must be [x, y, z, qx, qy, qz, qw, buttons]");
  Session s2({"sandbox", 5, 1000.0}, no_wall);
  const auto stranger =
      parse_trace(join + "{\"t\":1,\"input\":\"bo\",\"head\":[0,1.6,0,0,0,0,1]}\n", "x.jsonl");
  EXPECT_EQ(play_trace(s2, *stranger).error().message,
            "x.jsonl line 2: `input` must name someone who joined earlier");
  Session s3({"sandbox", 5, 1000.0}, no_wall);
  const auto text = parse_trace(
      join + "{\"t\":1,\"input\":\"ana\",\"right\":[0,1,0,0,0,0,1,\"grip\"]}\n", "x.jsonl");
  EXPECT_EQ(play_trace(s3, *text).error().message,
            "x.jsonl line 2: `right` holds a value that is not a finite number");
}

}  // namespace
}  // namespace medvision
