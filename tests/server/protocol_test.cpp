#include "server/protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/auth.h"

namespace medvision {
namespace {

InputFrame sample_input() {
  InputFrame in;
  in.head.position = {0.0, 1.625, 0.5};
  in.hands[0].pose.position = {-0.25, 1.0, -0.5};
  in.hands[1].pose.position = {0.125, 0.875, -0.625};
  in.hands[1].pose.orientation = Eigen::Quaterniond(0.5, 0.5, 0.5, 0.5);
  in.hands[1].buttons = kButtonGrip | kButtonTrigger;
  return in;
}

TEST(Protocol, InputFramesHaveTheDocumentedLayoutAndRoundTrip) {
  const std::string frame = wire::encode_input({1, wire::MessageType::input, 0, 77, 5}, sample_input());
  ASSERT_EQ(frame.size(), 104u);
  EXPECT_EQ(frame[0], 1);
  EXPECT_EQ(frame[1], 0x01);
  EXPECT_EQ(static_cast<unsigned char>(frame[4]), 77);  // tick, little-endian
  EXPECT_EQ(static_cast<unsigned char>(frame[8]), 5);   // seq
  float head_y;
  std::memcpy(&head_y, &frame[12 + 4], 4);
  EXPECT_EQ(head_y, 1.625f);
  EXPECT_EQ(static_cast<unsigned char>(frame[12 + 88]), 3);  // right hand buttons at body offset 88

  const auto decoded = wire::decode_client_frame(frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->header.seq, 5u);
  EXPECT_EQ(decoded->input.hands[1].pose.position, sample_input().hands[1].pose.position);
  EXPECT_EQ(decoded->input.hands[1].buttons, 3u);
  EXPECT_TRUE(decoded->input.hands[1].pose.orientation.isApprox(sample_input().hands[1].pose.orientation));
}

TEST(Protocol, MalformedClientFramesAreRejectedWithAReason) {
  const std::string good = wire::encode_input({}, sample_input());
  EXPECT_EQ(wire::decode_client_frame(good.substr(0, 5)).error().message,
            "frame of 5 bytes is shorter than the 12-byte header");
  std::string v2 = good;
  v2[0] = 2;
  EXPECT_EQ(wire::decode_client_frame(v2).error().message,
            "protocol version 2 is not supported (this server speaks version 1)");
  EXPECT_EQ(wire::decode_client_frame(good + "x").error().message, "input body must be 92 bytes, got 93");
  std::string inf = good;
  const float infinity = INFINITY;
  std::memcpy(&inf[12 + 28], &infinity, 4);
  EXPECT_EQ(wire::decode_client_frame(inf).error().message, "hand pose has a non-finite number");
}

TEST(Protocol, ASnapshotListsOnlyTheBodiesItIsGiven) {
  const wire::BodyPose b{7, {1, 2, 3}, {0, 0, 0, 1}};
  const std::string frame = wire::encode_snapshot(100, 2, 9, {b});
  ASSERT_EQ(frame.size(), 12u + 8u + 32u);
  EXPECT_EQ(frame[1], 0x11);
  EXPECT_EQ(static_cast<unsigned char>(frame[12]), 9);   // ack
  EXPECT_EQ(static_cast<unsigned char>(frame[16]), 1);   // count
  EXPECT_EQ(static_cast<unsigned char>(frame[20]), 7);   // body id
}

// The TypeScript codec (web/src/protocol) decodes these same bytes in its tests.
// MEDVISION_UPDATE_FIXTURES=1 rewrites them after a deliberate protocol change.
TEST(Protocol, EncoderMatchesTheSharedFixtures) {
  const std::filesystem::path dir = std::filesystem::path(MEDVISION_SOURCE_DIR) / "web/src/protocol/fixtures";
  const auto model = make_sandbox_model(11);
  const auto state = make_initial_state(model, 11);
  std::vector<wire::BodyPose> changed = {wire::body_pose(model, state, 0), wire::body_pose(model, state, 2)};
  const std::map<std::string, std::string> frames = {
      {"keyframe", wire::encode_keyframe(1234, 1, 0, 1, model, state)},
      {"snapshot", wire::encode_snapshot(1245, 2, 17, changed)},
      {"input", wire::encode_input({1, wire::MessageType::input, 0, 1200, 17}, sample_input())},
  };
  if (std::getenv("MEDVISION_UPDATE_FIXTURES") != nullptr) {
    std::filesystem::create_directories(dir);
    for (const auto& [name, bytes] : frames) std::ofstream(dir / (name + ".bin"), std::ios::binary) << bytes;
  }
  for (const auto& [name, bytes] : frames) {
    std::ifstream in(dir / (name + ".bin"), std::ios::binary);
    ASSERT_TRUE(in) << "missing fixture " << (dir / (name + ".bin"));
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), bytes) << name << ".bin differs from the encoder's output";
  }
}

TEST(LoginThrottle, LocksOutAfterFreeFailuresAndDoublesTheLockout) {
  LoginThrottle t({3, std::chrono::seconds(900), std::chrono::seconds(10), std::chrono::seconds(60)});
  const auto t0 = LoginThrottle::Clock::now();
  for (int i = 0; i < 3; ++i) t.record_failure("user:x", t0);
  EXPECT_EQ(t.retry_after("user:x", t0), 0);
  t.record_failure("user:x", t0);
  EXPECT_EQ(t.retry_after("user:x", t0), 10);
  t.record_failure("user:x", t0);
  EXPECT_EQ(t.retry_after("user:x", t0), 20);
  for (int i = 0; i < 5; ++i) t.record_failure("user:x", t0);
  EXPECT_EQ(t.retry_after("user:x", t0), 60);  // capped
  EXPECT_EQ(t.retry_after("user:x", t0 + std::chrono::seconds(61)), 0);
  EXPECT_EQ(t.retry_after("user:y", t0), 0);
  t.record_success("user:x");
  EXPECT_EQ(t.retry_after("user:x", t0), 0);
}

TEST(Passwords, AreHashedWithArgon2idAndVerified) {
  const auto hash = hash_password("correct horse battery");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(*hash, "correct horse battery "));
  EXPECT_NE(*hash_password("correct horse battery"), *hash);  // salted
  EXPECT_FALSE(check_password_policy("short").ok());
}

}  // namespace
}  // namespace medvision
