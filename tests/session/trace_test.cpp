// Traces with controller samples drive a session as WebSocket inputs would
// (the sandbox's tests carry a body with one: tests/modules/sandbox).

#include "session/trace.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace medvision {
namespace {

std::int64_t no_wall() { return 0; }

TEST(Trace, MalformedInputLinesAreRefusedWithTheirLineNumber) {
  const std::string join = "{\"t\":0,\"join\":\"ana\"}\n";
  Session s({"", 5, 1000.0}, no_wall);
  const auto short_pose =
      parse_trace(join + "{\"t\":1,\"input\":\"ana\",\"left\":[0,1,0]}\n", "x.jsonl");
  ASSERT_TRUE(short_pose.ok());
  EXPECT_EQ(play_trace(s, *short_pose).error().message,
            "x.jsonl line 2: `left` must be [x, y, z, qx, qy, qz, qw, buttons]");
  Session s2({"", 5, 1000.0}, no_wall);
  const auto stranger =
      parse_trace(join + "{\"t\":1,\"input\":\"bo\",\"head\":[0,1.6,0,0,0,0,1]}\n", "x.jsonl");
  EXPECT_EQ(play_trace(s2, *stranger).error().message,
            "x.jsonl line 2: `input` must name someone who joined earlier");
  Session s3({"", 5, 1000.0}, no_wall);
  const auto text = parse_trace(
      join + "{\"t\":1,\"input\":\"ana\",\"right\":[0,1,0,0,0,0,1,\"grip\"]}\n", "x.jsonl");
  EXPECT_EQ(play_trace(s3, *text).error().message,
            "x.jsonl line 2: `right` holds a value that is not a finite number");
}

}  // namespace
}  // namespace medvision
