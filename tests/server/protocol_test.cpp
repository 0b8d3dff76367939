#include "server/protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "modules/sandbox/sandbox_world.h"
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

// Every optional stream set: tracked joints on the left hand, the
// microphone's level, the client's clock.
InputFrame sample_streams() {
  InputFrame in = sample_input();
  in.joints[0].resize(kHandJoints);
  for (int j = 0; j < kHandJoints; ++j) {
    auto& joint = in.joints[0][static_cast<std::size_t>(j)];
    joint.pose.position = {-0.25 + 0.0078125 * j, 1.0 + 0.00390625 * j, -0.5};
    joint.radius_m = 0.0078125f;
  }
  in.audio_level = 0.25f;
  in.client_time_ms = 123456.789;
  return in;
}

TEST(Protocol, StreamsFramesHaveTheDocumentedLayoutAndRoundTrip) {
  const InputFrame in = sample_streams();
  const std::string frame = wire::encode_streams({2, wire::MessageType::streams, 0, 77, 6}, in);
  // Header, preamble, head (4 + 28), hands (4 + 64), joints (4 + 4 + 25 x 32),
  // audio (4 + 4), client time (4 + 8): docs/protocol.md, 0x04 STREAMS.
  ASSERT_EQ(frame.size(), 12u + 4 + 32 + 68 + 808 + 8 + 12);
  EXPECT_EQ(frame[1], 0x04);
  EXPECT_EQ(frame[12], 1) << "streams version";
  EXPECT_EQ(frame[13], 5) << "record count";
  EXPECT_EQ(frame[16], 1) << "the head record first";
  EXPECT_EQ(static_cast<unsigned char>(frame[18]), 28);
  const auto decoded = wire::decode_client_frame(frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->header.type, wire::MessageType::streams);
  EXPECT_EQ(decoded->input.head.position, in.head.position);
  EXPECT_EQ(decoded->input.hands[1].buttons, in.hands[1].buttons);
  ASSERT_EQ(decoded->input.joints[0].size(), 25u);
  EXPECT_TRUE(decoded->input.joints[1].empty());
  EXPECT_EQ(decoded->input.joints[0][24].pose.position, in.joints[0][24].pose.position);
  EXPECT_EQ(decoded->input.joints[0][3].radius_m, 0.0078125f);
  EXPECT_EQ(decoded->input.audio_level, 0.25f);
  EXPECT_EQ(decoded->input.client_time_ms, 123456.789) << "f64, exact";

  // Head and hands alone: the same pose as INPUT carries.
  const auto plain = wire::decode_client_frame(
      wire::encode_streams({2, wire::MessageType::streams, 0, 1, 1}, sample_input()));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->input.joints[0].empty());
  EXPECT_FALSE(plain->input.audio_level || plain->input.client_time_ms);
}

TEST(Protocol, MalformedStreamsFramesAreRefusedWithTheReason) {
  const std::string good =
      wire::encode_streams({2, wire::MessageType::streams, 0, 1, 1}, sample_streams());
  const auto refused = [](std::string frame, const std::string& why) {
    const auto r = wire::decode_client_frame(frame);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  };
  std::string v = good;
  v[12] = 9;
  refused(v, "streams version 9 is not supported");
  std::string none = good;
  none[13] = 0;
  refused(none, "1 to 8 records");
  refused(good.substr(0, good.size() - 3), "record says 8 bytes, 5 are left");
  refused(good + "x", "1 bytes follow the last record");
  // Only the head: hands are required.
  std::string head_only = good.substr(0, 12 + 4 + 32);
  head_only[13] = 1;
  refused(head_only, "head and hands are required");
  // The head record twice.
  std::string twice = good.substr(0, 12 + 4 + 32) + good.substr(16, 32) + good.substr(48, 68);
  twice[13] = 3;
  refused(twice, "the head record comes twice");
  // A joint radius of 1 m.
  std::string radius = good;
  const float one = 1.0f;
  std::memcpy(&radius[12 + 4 + 32 + 68 + 8 + 28], &one, 4);
  refused(radius, "radius must be 0 to 0.1 m");
  std::string loud = good;
  const float two = 2.0f;
  std::memcpy(&loud[12 + 4 + 32 + 68 + 808 + 4], &two, 4);
  refused(loud, "audio_envelope level must be 0 to 1");
  std::string nan_time = good;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::memcpy(&nan_time[nan_time.size() - 8], &nan, 8);
  refused(nan_time, "client_time is not a finite number");

  // A stream of a later version is skipped, not refused.
  std::string later = good.substr(0, 12 + 4 + 32 + 68) + std::string("\x2a\0\x03\0abc", 7);
  later[13] = 3;
  const auto skipped = wire::decode_client_frame(later);
  ASSERT_TRUE(skipped.ok()) << skipped.error().message;
  EXPECT_EQ(skipped->input.hands[1].buttons, sample_input().hands[1].buttons);
}

TEST(Protocol, InputEventsKeepTheOptionalStreamsExactly) {
  const InputFrame in = sample_streams();
  int n = 0;
  std::uint32_t seq = 0;
  InputFrame out;
  ASSERT_TRUE(input_from_json(input_to_json(3, in, 9), &n, &out, &seq));
  ASSERT_EQ(out.joints[0].size(), 25u);
  EXPECT_EQ(out.joints[0][7].pose.position, in.joints[0][7].pose.position);
  EXPECT_EQ(out.joints[0][7].radius_m, in.joints[0][7].radius_m);
  EXPECT_EQ(out.audio_level, in.audio_level);
  EXPECT_EQ(out.client_time_ms, in.client_time_ms);
  // Without them the event is what it always was (shipped logs replay unchanged).
  EXPECT_EQ(input_to_json(3, sample_input(), 9).find("joints"), std::string::npos);
}

TEST(Protocol, InputFramesHaveTheDocumentedLayoutAndRoundTrip) {
  const std::string frame =
      wire::encode_input({1, wire::MessageType::input, 0, 77, 5}, sample_input());
  ASSERT_EQ(frame.size(), 104u);
  EXPECT_EQ(frame[0], 2);  // protocol version
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
  std::string v1 = good;
  v1[0] = 1;
  EXPECT_EQ(wire::decode_client_frame(v1).error().message,
            "protocol version 1 is not supported (this server speaks version 2)");
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
  // Then no mesh deltas (a zero count) and the 12 bytes of hand forces.
  ASSERT_EQ(frame.size(), 12u + 8u + 32u + 4u + 12u);
  EXPECT_EQ(frame[1], 0x11);
  EXPECT_EQ(static_cast<unsigned char>(frame[12]), 9);  // ack
  EXPECT_EQ(static_cast<unsigned char>(frame[16]), 1);  // count
  EXPECT_EQ(static_cast<unsigned char>(frame[20]), 7);  // body id
}

// A 3 x 3 grid of vertices in the unit square at height 0.5 (eight
// triangles), inside the bounds [0, 1]^3.
SceneMesh grid_mesh() {
  SceneMesh m;
  m.id = 40;
  m.name = "gauze";
  m.colour = {0.9f, 0.9f, 0.85f, 1.0f};
  m.topology_version = 3;
  m.bounds_min = {0, 0, 0};
  m.bounds_max = {1, 1, 1};
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < 3; ++i) {
      m.positions.insert(m.positions.end(),
                         {0.5f * static_cast<float>(i), 0.5f, 0.5f * static_cast<float>(j)});
    }
  }
  for (std::uint32_t j = 0; j < 2; ++j) {
    for (std::uint32_t i = 0; i < 2; ++i) {
      const std::uint32_t a = 3 * j + i;
      m.triangles.insert(m.triangles.end(), {a, a + 3, a + 1, a + 1, a + 3, a + 4});
    }
  }
  return m;
}

TEST(Protocol, QuantisationRoundsToTheNearestOf65535StepsInsideTheBounds) {
  // q = round((v - lo) / (hi - lo) * 65535), clamped (docs/protocol.md).
  EXPECT_EQ(wire::quantise(0.0f, 0, 1), 0);
  EXPECT_EQ(wire::quantise(1.0f, 0, 1), 65535);
  EXPECT_EQ(wire::quantise(0.5f, 0, 1), 32768);   // 32767.5 rounds up
  EXPECT_EQ(wire::quantise(0.25f, 0, 1), 16384);  // 16383.75
  EXPECT_EQ(wire::quantise(0.75f, 0, 1), 49151);  // 49151.25
  EXPECT_EQ(wire::quantise(-3.0f, 0, 1), 0);      // outside: clamped
  EXPECT_EQ(wire::quantise(7.0f, 0, 1), 65535);
  EXPECT_EQ(wire::quantise(0.3f, 0.3f, 0.3f), 0);  // an empty range
  EXPECT_EQ(wire::quantise(-0.1f, -0.2f, 0.0f), 32768);
  // Back within half a quantum, over a range of 0.5 m (a quantum of 7.6 um).
  const float lo = -0.25f, hi = 0.25f, quantum = (hi - lo) / 65535.0f;
  for (int i = 0; i <= 1000; ++i) {
    const float v = lo + (hi - lo) * static_cast<float>(i) / 1000.0f;
    EXPECT_NEAR(wire::dequantise(wire::quantise(v, lo, hi), lo, hi), v, 0.5f * quantum + 1e-7f);
  }
}

TEST(Protocol, AKeyframeCarriesMeshTopologiesAndCamerasAfterItsBodies) {
  const SceneMesh mesh = grid_mesh();
  const wire::MeshTopology topology = wire::mesh_topology(mesh);
  // Vertex 4 is the centre (0.5, 0.5, 0.5); vertex 8 the corner (1, 0.5, 1).
  EXPECT_EQ(topology.quantised[3 * 4], 32768);
  EXPECT_EQ(topology.quantised[3 * 8], 65535);
  EXPECT_EQ(topology.quantised[3 * 8 + 1], 32768);
  SceneCamera scope;
  scope.id = 1;
  scope.name = "laparoscope";
  scope.pose.position = {0, 1.02, 0.16};
  scope.vertical_fov_rad = 1.1f;
  const WorldModel model;
  const WorldState state;
  const std::vector<wire::MeshTopology> meshes = {topology};
  const std::vector<wire::CameraView> cameras = {wire::camera_view(scope)};
  const std::string frame = wire::encode_keyframe(10, 1, 0, 2, model, state, meshes, cameras);
  // Header, ack/participant/count, no bodies, mesh count, one mesh (60 fixed
  // bytes, 5 of name, 9 x 6 of positions, 8 x 12 of indices), camera count,
  // one camera (40 fixed bytes and 11 of name).
  ASSERT_EQ(frame.size(), 12u + 12u + 4u + (60u + 5u + 54u + 96u) + 4u + (40u + 11u));
  std::uint32_t count;
  std::memcpy(&count, &frame[24], 4);
  EXPECT_EQ(count, 1u);
  std::uint32_t vertices, triangles;
  std::memcpy(&vertices, &frame[28 + 48], 4);
  std::memcpy(&triangles, &frame[28 + 52], 4);
  EXPECT_EQ(vertices, 9u);
  EXPECT_EQ(triangles, 8u);
  EXPECT_EQ(frame.substr(28 + 60, 5), "gauze");

  const auto decoded = wire::decode_server_scene_frame(frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->participant, 2u);
  ASSERT_EQ(decoded->meshes.size(), 1u);
  EXPECT_EQ(decoded->meshes[0], topology);
  ASSERT_EQ(decoded->cameras.size(), 1u);
  EXPECT_EQ(decoded->cameras[0].name, "laparoscope");
  EXPECT_FLOAT_EQ(decoded->cameras[0].position[1], 1.02f);
  EXPECT_FLOAT_EQ(decoded->cameras[0].vertical_fov_rad, 1.1f);
  EXPECT_EQ(wire::encode_server_scene_frame(*decoded), frame);
}

TEST(Protocol, ASnapshotCarriesMovedVerticesAndTheParticipantsHandForces) {
  wire::MeshDelta delta{40, 3, {1, 4, 8}, {1, 2, 3, 4, 5, 6, 65535, 0, 7}};
  const std::vector<wire::MeshDelta> deltas = {delta};
  const std::string frame =
      wire::encode_snapshot(20, 2, 5, {}, deltas, wire::HandForcesOnWire{true, 0.25f, 3.5f});
  // ack, no bodies, mesh count, (id, version, count, 3 x 10), flags and two forces.
  ASSERT_EQ(frame.size(), 12u + 8u + 4u + (12u + 30u) + 12u);
  std::uint32_t index;
  std::uint16_t x;
  std::memcpy(&index, &frame[24 + 12 + 10], 4);  // the second vertex
  std::memcpy(&x, &frame[24 + 12 + 14], 2);
  EXPECT_EQ(index, 4u);
  EXPECT_EQ(x, 4);
  float right;
  std::memcpy(&right, &frame[frame.size() - 4], 4);
  EXPECT_EQ(right, 3.5f);
  const auto decoded = wire::decode_server_scene_frame(frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->deltas.size(), 1u);
  EXPECT_EQ(decoded->deltas[0], delta);
  EXPECT_EQ(decoded->forces, (wire::HandForcesOnWire{true, 0.25f, 3.5f}));
  EXPECT_EQ(wire::encode_server_scene_frame(*decoded), frame);

  // No instruments held: flag 0 and zero forces.
  const auto idle = wire::decode_server_scene_frame(wire::encode_snapshot(21, 3, 5, {}));
  ASSERT_TRUE(idle.ok()) << idle.error().message;
  EXPECT_FALSE(idle->forces.present);
  EXPECT_TRUE(idle->deltas.empty());

  const std::string mesh = wire::encode_mesh(22, 4, wire::mesh_topology(grid_mesh()));
  EXPECT_EQ(mesh[1], 0x14);
  const auto topology = wire::decode_server_scene_frame(mesh);
  ASSERT_TRUE(topology.ok()) << topology.error().message;
  ASSERT_EQ(topology->meshes.size(), 1u);
  EXPECT_EQ(topology->meshes[0].triangles.size(), 24u);
}

std::string with_u32(std::string frame, std::size_t at, std::uint32_t v) {
  std::memcpy(&frame[at], &v, 4);
  return frame;
}

std::string error_of(const std::string& frame) {
  const auto r = wire::decode_server_scene_frame(frame);
  return r.ok() ? "(accepted)" : r.error().message;
}

TEST(Protocol, MalformedMeshFramesAreRejectedWithAReason) {
  const std::string mesh = wire::encode_mesh(22, 4, wire::mesh_topology(grid_mesh()));
  const std::size_t body = 12, tri = body + 60 + 5 + 54;
  EXPECT_NE(error_of(with_u32(mesh, tri, 9)).find("triangle index 9 is not below its 9 vertices"),
            std::string::npos);
  EXPECT_NE(error_of(mesh.substr(0, mesh.size() - 1)).find("overrun"), std::string::npos);
  EXPECT_NE(error_of(mesh + "x").find("left over"), std::string::npos);
  EXPECT_NE(error_of(with_u32(mesh, body + 48, 0xffffffffu)).find("vertices is more than"),
            std::string::npos);
  EXPECT_NE(error_of(with_u32(mesh, body + 56, 4000)).find("name of 4000 bytes"),
            std::string::npos);
  std::string inverted = mesh;
  const float below = -1.0f;
  std::memcpy(&inverted[body + 36], &below, 4);  // bounds_max.x below bounds_min.x
  EXPECT_NE(error_of(inverted).find("bounds max is below min"), std::string::npos);
  std::string bad_name = mesh;
  bad_name[body + 60] = '\xff';
  EXPECT_NE(error_of(bad_name).find("UTF-8"), std::string::npos);
  std::string old = mesh;
  old[0] = 1;
  EXPECT_EQ(error_of(old), "protocol version 1 is not supported (expected 2)");

  const wire::MeshDelta delta{40, 3, {4, 4}, {1, 2, 3, 4, 5, 6}};
  const std::vector<wire::MeshDelta> deltas = {delta};
  EXPECT_NE(error_of(wire::encode_snapshot(1, 1, 0, {}, deltas)).find("strictly increasing"),
            std::string::npos);
  const std::string snapshot = wire::encode_snapshot(1, 1, 0, {});
  EXPECT_NE(error_of(with_u32(snapshot, snapshot.size() - 12, 2)).find("flags must be 0 or 1"),
            std::string::npos);
  EXPECT_NE(error_of(snapshot.substr(0, snapshot.size() - 12)).find("no hand forces"),
            std::string::npos);
  EXPECT_NE(error_of(with_u32(snapshot, 16, 1000000)).find("overruns"), std::string::npos);
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

  const InputFrame streamed = sample_streams();
  json joints = json::array();
  for (const HandJoint& j : streamed.joints[0]) {
    json joint = pose_json(j.pose);
    joint["radius"] = f32(j.radius_m);
    joints.push_back(joint);
  }
  out["streams"] = {wire::encode_streams({2, wire::MessageType::streams, 0, 1300, 18}, streamed),
                    {{"type", "streams"},
                     {"tick", 1300},
                     {"seq", 18},
                     {"head", pose_json(streamed.head)},
                     {"left", left},
                     {"right", right},
                     {"left_joints", joints},
                     {"audio_level", f32(*streamed.audio_level)},
                     {"client_time_ms", *streamed.client_time_ms}}};

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
  std::string v1 = out["snapshot"].bytes;
  v1[0] = 1;
  out["reject_version_1"] = {v1, {{"error", "version 1"}}};

  // Deformable meshes, the laparoscope camera and contact forces (version 2).
  wire::MeshTopology gauze;
  gauze.id = 40;
  gauze.topology_version = 3;
  gauze.name = "gauze";
  gauze.colour = {0.9f, 0.875f, 0.8f, 1.0f};
  gauze.bounds_min = {-0.05f, 0.8f, -0.06f};
  gauze.bounds_max = {0.05f, 0.82f, 0.04f};
  gauze.quantised = {0, 0, 0, 65535, 0, 0, 0, 32768, 65535, 65535, 65535, 65535};
  gauze.triangles = {0, 2, 1, 1, 2, 3};
  const json gauze_json = {{"id", 40},
                           {"topology_version", 3},
                           {"name", "gauze"},
                           {"colour", {f32(0.9), f32(0.875), f32(0.8), 1.0}},
                           {"bounds_min", {f32(-0.05), f32(0.8), f32(-0.06)}},
                           {"bounds_max", {f32(0.05), f32(0.82), f32(0.04)}},
                           {"quantised", gauze.quantised},
                           {"triangles", gauze.triangles}};
  wire::CameraView scope;
  scope.id = 1;
  scope.name = "laparoscope";
  scope.position[1] = 1.02f;
  scope.position[2] = 0.16f;
  const Eigen::Quaterniond down(Eigen::AngleAxisd(-0.9, Eigen::Vector3d::UnitX()));
  scope.orientation[0] = static_cast<float>(down.x());
  scope.orientation[3] = static_cast<float>(down.w());
  scope.vertical_fov_rad = 1.1f;
  const json scope_json = {{"id", 1},
                           {"name", "laparoscope"},
                           {"position", {0.0, f32(1.02), f32(0.16)}},
                           {"orientation", {f32(down.x()), 0.0, 0.0, f32(down.w())}},
                           {"vertical_fov", f32(1.1)}};
  const std::vector<wire::MeshTopology> gauzes = {gauze};
  const std::vector<wire::CameraView> scopes = {scope};
  out["keyframe_mesh_camera"] = {
      wire::encode_keyframe(3000, 1, 0, 1, shapes_model, shapes_state, gauzes, scopes),
      {{"type", "keyframe"},
       {"tick", 3000},
       {"seq", 1},
       {"ack", 0},
       {"participant", 1},
       {"bodies", shaped},
       {"meshes", json::array({gauze_json})},
       {"cameras", json::array({scope_json})}}};
  wire::MeshTopology cut = gauze;
  cut.topology_version = 4;
  cut.triangles = {0, 2, 1};
  json cut_json = gauze_json;
  cut_json["topology_version"] = 4;
  cut_json["triangles"] = cut.triangles;
  out["mesh_cut"] = {wire::encode_mesh(3010, 2, cut),
                     {{"type", "mesh"}, {"tick", 3010}, {"seq", 2}, {"mesh", cut_json}}};
  const wire::MeshDelta moved{40, 4, {1, 3}, {65000, 10, 0, 1, 2, 3}};
  const std::vector<wire::MeshDelta> moves = {moved};
  out["snapshot_mesh_forces"] = {
      wire::encode_snapshot(3011, 3, 2, changed, moves, {true, 0.5f, 12.25f}),
      {{"type", "snapshot"},
       {"tick", 3011},
       {"seq", 3},
       {"ack", 2},
       {"updates", updates},
       {"meshes", json::array({json{{"id", 40},
                                    {"topology_version", 4},
                                    {"vertices", moved.vertices},
                                    {"quantised", moved.quantised}}})},
       {"forces", {{"left_N", 0.5}, {"right_N", 12.25}}}}};
  std::string bad_index = out["mesh_cut"].bytes;
  const std::uint32_t past_end = 4;
  std::memcpy(&bad_index[bad_index.size() - 4], &past_end, 4);
  out["reject_mesh_index_past_vertices"] = {bad_index, {{"error", "triangle index 4"}}};
  const wire::MeshDelta unsorted{40, 4, {3, 1}, {1, 2, 3, 4, 5, 6}};
  const std::vector<wire::MeshDelta> unsorted_moves = {unsorted};
  out["reject_snapshot_unsorted_vertices"] = {wire::encode_snapshot(3012, 4, 2, {}, unsorted_moves),
                                              {{"error", "strictly increasing"}}};
  std::string bad_flags = out["snapshot_empty"].bytes;
  bad_flags[bad_flags.size() - 12] = 2;
  out["reject_snapshot_force_flags"] = {bad_flags, {{"error", "flags"}}};
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
