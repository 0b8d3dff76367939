#include "server/protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
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
  const std::string frame =
      wire::encode_input({1, wire::MessageType::input, 0, 77, 5}, sample_input());
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
  EXPECT_TRUE(
      decoded->input.hands[1].pose.orientation.isApprox(sample_input().hands[1].pose.orientation));
}

TEST(Protocol, MalformedClientFramesAreRejectedWithAReason) {
  const std::string good = wire::encode_input({}, sample_input());
  EXPECT_EQ(wire::decode_client_frame(good.substr(0, 5)).error().message,
            "frame of 5 bytes is shorter than the 12-byte header");
  std::string v2 = good;
  v2[0] = 2;
  EXPECT_EQ(wire::decode_client_frame(v2).error().message,
            "protocol version 2 is not supported (this server speaks version 1)");
  EXPECT_EQ(wire::decode_client_frame(good + "x").error().message,
            "input body must be 92 bytes, got 93");
  std::string inf = good;
  const float infinity = INFINITY;
  std::memcpy(&inf[12 + 28], &infinity, 4);
  EXPECT_EQ(wire::decode_client_frame(inf).error().message, "hand pose has a non-finite number");
}

TEST(Protocol, ActionAndControlFramesCarryJsonBodiesWithinTheirLimits) {
  const std::string body = R"({"name":"shock","params":{"energy_J":200}})";
  const std::string frame = wire::encode_json_frame(wire::MessageType::action, 50, 3, body);
  ASSERT_EQ(frame.size(), 12u + body.size());
  EXPECT_EQ(frame[1], 0x02);
  const auto decoded = wire::decode_client_frame(frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->header.type, wire::MessageType::action);
  EXPECT_EQ(decoded->header.seq, 3u);
  EXPECT_EQ(decoded->body, body);
  const auto action = wire::parse_action_request(decoded->body);
  ASSERT_TRUE(action.ok());
  EXPECT_EQ(action->name, "shock");
  EXPECT_EQ(nlohmann::json::parse(action->params_json), (nlohmann::json{{"energy_J", 200}}));
  EXPECT_EQ(wire::parse_action_request(R"({"name":"pulse_check"})")->params_json, "{}");

  // Size limits are the decoder's (closing the connection); content is the parser's (a REPLY).
  EXPECT_FALSE(
      wire::decode_client_frame(wire::encode_json_frame(wire::MessageType::action, 1, 1, "{"))
          .ok());
  const std::string big(4097, ' ');
  EXPECT_NE(
      wire::decode_client_frame(wire::encode_json_frame(wire::MessageType::control, 1, 1, big))
          .error()
          .message.find("4096"),
      std::string::npos);
  EXPECT_TRUE(wire::decode_client_frame(
                  wire::encode_json_frame(wire::MessageType::control, 1, 1, std::string(4096, ' ')))
                  .ok());
  EXPECT_FALSE(
      wire::decode_client_frame(wire::encode_json_frame(wire::MessageType::events, 1, 1, "[]"))
          .ok())
      << "EVENTS is the server's message";

  EXPECT_NE(wire::parse_action_request("[1]").error().message.find("object"), std::string::npos);
  EXPECT_NE(wire::parse_action_request(R"({"name":"Shock!"})").error().message.find("a-z"),
            std::string::npos);
  EXPECT_NE(wire::parse_action_request(R"({"name":"shock","params":[200]})")
                .error()
                .message.find("params"),
            std::string::npos);
  EXPECT_NE(
      wire::parse_action_request(R"({"name":"shock","energy":200})").error().message.find("energy"),
      std::string::npos);
  EXPECT_NE(wire::parse_action_request("{\"name\":\"\xff\"}").error().message.find("UTF-8"),
            std::string::npos);

  EXPECT_EQ(wire::parse_control_request(R"({"control":"pause"})")->control, "pause");
  EXPECT_EQ(wire::parse_control_request(R"({"control":"cue","text":"rosc"})")->text, "rosc");
  EXPECT_FALSE(wire::parse_control_request(R"({"control":"cue"})").ok()) << "a cue needs its text";
  EXPECT_FALSE(wire::parse_control_request(R"({"control":"reboot"})").ok());
  EXPECT_FALSE(wire::parse_control_request(R"({"control":"observation","text":7})").ok());
  const std::string long_text =
      nlohmann::json{{"control", "observation"}, {"text", std::string(2001, 'a')}}.dump();
  EXPECT_FALSE(wire::parse_control_request(long_text).ok());
}

TEST(Protocol, EventsAndRepliesCarryTheirJsonAfterTheFixedFields) {
  const std::string events = wire::encode_events(900, 12, 34, "[]");
  ASSERT_EQ(events.size(), 12u + 4u + 2u);
  EXPECT_EQ(events[1], 0x12);
  EXPECT_EQ(static_cast<unsigned char>(events[12]), 34);  // ack
  EXPECT_EQ(events.substr(16), "[]");
  const auto read = wire::decode_server_json_frame(events);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->ack, 34u);
  EXPECT_EQ(read->json, "[]");
  const std::string reply = wire::encode_reply(900, 13, R"({"ref":2,"ok":true})");
  EXPECT_EQ(reply[1], 0x13);
  EXPECT_EQ(reply.substr(12), R"({"ref":2,"ok":true})");
}

TEST(Protocol, ASnapshotListsOnlyTheBodiesItIsGiven) {
  const wire::BodyPose b{7, {1, 2, 3}, {0, 0, 0, 1}};
  const std::string frame = wire::encode_snapshot(100, 2, 9, {b});
  ASSERT_EQ(frame.size(), 12u + 8u + 32u);
  EXPECT_EQ(frame[1], 0x11);
  EXPECT_EQ(static_cast<unsigned char>(frame[12]), 9);  // ack
  EXPECT_EQ(static_cast<unsigned char>(frame[16]), 1);  // count
  EXPECT_EQ(static_cast<unsigned char>(frame[20]), 7);  // body id
}

// The TypeScript codec (web/src/protocol) is tested against these same
// frames: NAME.bin is what this encoder sends, NAME.json the values it was
// given (format: web/src/protocol/FIXTURES.md), written from the model here,
// not by decoding the bytes. MEDVISION_UPDATE_FIXTURES=1 rewrites both after
// a deliberate protocol change.
double f32(double v) { return static_cast<double>(static_cast<float>(v)); }

nlohmann::json vec(const Eigen::Vector3d& v) { return {f32(v.x()), f32(v.y()), f32(v.z())}; }
nlohmann::json quat(const Eigen::Quaterniond& q) {
  return {f32(q.x()), f32(q.y()), f32(q.z()), f32(q.w())};
}
nlohmann::json pose_json(const Pose& p) {
  return {{"position", vec(p.position)}, {"orientation", quat(p.orientation)}};
}

struct Fixture {
  std::string bytes;
  nlohmann::json expected;
};

std::map<std::string, Fixture> fixtures() {
  using nlohmann::json;
  const auto model = make_sandbox_model(11);
  const auto state = make_initial_state(model, 11);
  json bodies = json::array();
  for (std::size_t i = 0; i < model.bodies.size(); ++i) {
    const BodyModel& b = model.bodies[i];
    json body = {{"id", b.id},
                 {"color", b.rgba},
                 {"position", vec(state.bodies[i].pose.position)},
                 {"orientation", quat(state.bodies[i].pose.orientation)}};
    if (b.shape == Shape::sphere) {
      body["shape"] = "sphere";
      body["radius"] = f32(b.half_extents.x());
    } else {
      body["shape"] = "box";
      body["half_extents"] = vec(b.half_extents);
    }
    bodies.push_back(body);
  }
  std::map<std::string, Fixture> out;
  out["keyframe"] = {wire::encode_keyframe(1234, 1, 0, 1, model, state),
                     {{"type", "keyframe"},
                      {"tick", 1234},
                      {"seq", 1},
                      {"ack", 0},
                      {"participant", 1},
                      {"bodies", bodies}}};

  // The shapes a module's scene uses: an instrument shaft, a peg, an FLS object.
  WorldModel shapes_model;
  WorldState shapes_state;
  const std::vector<std::tuple<Shape, Eigen::Vector3d, json>> shapes = {
      {Shape::capsule,
       {0.0025, 0.18, 0},
       {{"shape", "capsule"}, {"radius", f32(0.0025)}, {"half_length", f32(0.18)}}},
      {Shape::cylinder,
       {0.002, 0.0125, 0},
       {{"shape", "cylinder"}, {"radius", f32(0.002)}, {"half_height", f32(0.0125)}}},
      {Shape::prism,
       {0.009, 0.004, 0},
       {{"shape", "prism"}, {"half_side", f32(0.009)}, {"half_height", f32(0.004)}}}};
  json shaped = json::array();
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const auto& [shape, size, described] = shapes[i];
    shapes_model.bodies.push_back(
        BodyModel{static_cast<std::uint32_t>(100 + i), shape, size, 0x8899aaffu});
    BodyState b;
    b.pose.position = Eigen::Vector3d(0.01 * static_cast<double>(i), 0.05, -0.1);
    b.pose.orientation = Eigen::Quaterniond(
        Eigen::AngleAxisd(0.3 * static_cast<double>(i), Eigen::Vector3d::UnitY()));
    shapes_state.bodies.push_back(b);
    json body = described;
    body["id"] = 100 + i;
    body["color"] = 0x8899aaffu;
    body["position"] = vec(b.pose.position);
    body["orientation"] = quat(b.pose.orientation);
    shaped.push_back(body);
  }
  out["keyframe_shapes"] = {wire::encode_keyframe(2000, 5, 3, 2, shapes_model, shapes_state),
                            {{"type", "keyframe"},
                             {"tick", 2000},
                             {"seq", 5},
                             {"ack", 3},
                             {"participant", 2},
                             {"bodies", shaped}}};

  json updates = json::array();
  std::vector<wire::BodyPose> changed;
  for (std::size_t i : {0u, 2u}) {
    changed.push_back(wire::body_pose(model, state, i));
    updates.push_back({{"id", model.bodies[i].id},
                       {"position", vec(state.bodies[i].pose.position)},
                       {"orientation", quat(state.bodies[i].pose.orientation)}});
  }
  out["snapshot"] = {
      wire::encode_snapshot(1245, 2, 17, changed),
      {{"type", "snapshot"}, {"tick", 1245}, {"seq", 2}, {"ack", 17}, {"updates", updates}}};
  out["snapshot_empty"] = {
      wire::encode_snapshot(1256, 3, 17, {}),
      {{"type", "snapshot"}, {"tick", 1256}, {"seq", 3}, {"ack", 17}, {"updates", json::array()}}};

  const InputFrame in = sample_input();
  json left = pose_json(in.hands[0].pose), right = pose_json(in.hands[1].pose);
  left["buttons"] = in.hands[0].buttons;
  right["buttons"] = in.hands[1].buttons;
  out["input"] = {wire::encode_input({1, wire::MessageType::input, 0, 1200, 17}, in),
                  {{"type", "input"},
                   {"tick", 1200},
                   {"seq", 17},
                   {"head", pose_json(in.head)},
                   {"left", left},
                   {"right", right}}};

  // Events and replies carry JSON after their fixed fields; the client's
  // ACTION and CONTROL frames carry it right after the header.
  const json events = json::array(
      {json{{"seq", 3},
            {"tick", 11990},
            {"type", "prompt_shown"},
            {"payload", {{"text", "Shock now"}, {"role", "team_leader"}}}},
       json{
           {"seq", 4},
           {"tick", 12000},
           {"type", "vitals"},
           {"payload", {{"heart_rate_per_min", 0}, {"rhythm", "vf_coarse"}, {"spo2_pct", 71.5}}}}});
  out["events"] = {
      wire::encode_events(12000, 40, 7, events.dump()),
      {{"type", "events"}, {"tick", 12000}, {"seq", 40}, {"ack", 7}, {"events", events}}};
  const json refused = {
      {"ref", 5}, {"ok", false}, {"code", "forbidden"}, {"error", "you do not teach this session"}};
  out["reply_refused"] = {wire::encode_reply(12000, 41, refused.dump()),
                          {{"type", "reply"},
                           {"tick", 12000},
                           {"seq", 41},
                           {"ref", 5},
                           {"ok", false},
                           {"code", "forbidden"},
                           {"error", "you do not teach this session"}}};
  out["reply_ok"] = {wire::encode_reply(12001, 42, json{{"ref", 6}, {"ok", true}}.dump()),
                     {{"type", "reply"}, {"tick", 12001}, {"seq", 42}, {"ref", 6}, {"ok", true}}};
  const json drug = {{"drug", "epinephrine"}, {"dose_mg", 1}};
  out["action"] = {
      wire::encode_json_frame(wire::MessageType::action, 120, 6,
                              json{{"name", "give_drug"}, {"params", drug}}.dump()),
      {{"type", "action"}, {"tick", 120}, {"seq", 6}, {"name", "give_drug"}, {"params", drug}}};
  out["control"] = {
      wire::encode_json_frame(wire::MessageType::control, 120, 7,
                              json{{"control", "cue"}, {"text", "patient_vomits"}}.dump()),
      {{"type", "control"},
       {"tick", 120},
       {"seq", 7},
       {"control", "cue"},
       {"text", "patient_vomits"}}};

  // Frames a client must reject.
  std::string events_not_array = wire::encode_events(12000, 43, 7, R"({"seq":1})");
  out["reject_events_not_array"] = {events_not_array, {{"error", "array"}}};
  std::string events_bad_json = wire::encode_events(12000, 44, 7, "[{\"seq\":");
  out["reject_events_bad_json"] = {events_bad_json, {{"error", "json"}}};
  std::string truncated = out["keyframe"].bytes.substr(0, out["keyframe"].bytes.size() - 10);
  out["reject_truncated_keyframe"] = {truncated, {{"error", "overruns"}}};
  std::string nan_snapshot = out["snapshot"].bytes;
  const float nan = std::nanf("");
  std::memcpy(&nan_snapshot[20 + 4], &nan, 4);
  out["reject_non_finite_snapshot"] = {nan_snapshot, {{"error", "non-finite"}}};
  std::string v9 = out["snapshot"].bytes;
  v9[0] = 9;
  out["reject_version_9"] = {v9, {{"error", "version"}}};
  return out;
}

TEST(Protocol, EncoderMatchesTheSharedFixtures) {
  const std::filesystem::path dir =
      std::filesystem::path(MEDVISION_SOURCE_DIR) / "web/src/protocol/fixtures";
  const auto all = fixtures();
  if (std::getenv("MEDVISION_UPDATE_FIXTURES") != nullptr) {
    std::filesystem::create_directories(dir);
    for (const auto& [name, f] : all) {
      std::ofstream(dir / (name + ".bin"), std::ios::binary) << f.bytes;
      std::ofstream(dir / (name + ".json")) << f.expected.dump(2) << "\n";
    }
  }
  for (const auto& [name, f] : all) {
    std::ifstream bin(dir / (name + ".bin"), std::ios::binary);
    std::ifstream json_file(dir / (name + ".json"));
    ASSERT_TRUE(bin && json_file) << "missing fixture " << (dir / name);
    std::stringstream bytes;
    bytes << bin.rdbuf();
    EXPECT_EQ(bytes.str(), f.bytes) << name << ".bin differs from the encoder's output";
    EXPECT_EQ(nlohmann::json::parse(json_file), f.expected)
        << name << ".json differs from the values encoded";
  }
}

TEST(LoginThrottle, LocksOutAfterFreeFailuresAndDoublesTheLockout) {
  LoginThrottle t(
      {3, std::chrono::seconds(900), std::chrono::seconds(10), std::chrono::seconds(60)});
  const auto t0 = LoginThrottle::Clock::now();
  for (int i = 0; i < 2; ++i) t.record_failure("user:x", t0);
  EXPECT_EQ(t.retry_after("user:x", t0), 0);
  t.record_failure("user:x", t0);  // the third failure starts the lockout
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
