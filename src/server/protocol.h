#pragma once
// The binary wire protocol v2 (docs/protocol.md): the one place in C++ that
// knows its byte layout. web/src/protocol is its TypeScript twin; the
// fixtures in web/src/protocol/fixtures keep the two in step.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "session/session.h"

namespace medvision::wire {

// Version 2 added deformable meshes, cameras and contact forces (docs/protocol.md, history).
inline constexpr std::uint8_t kVersion = 2;
inline constexpr std::size_t kHeaderBytes = 12;
inline constexpr std::size_t kInputBodyBytes = 92;
// STREAMS (the versioned input message): its own version, the records it may hold.
inline constexpr std::uint8_t kStreamsVersion = 1;
inline constexpr std::size_t kMaxStreamRecords = 8;
inline constexpr std::size_t kKeyframeBodyRecordBytes = 52;
inline constexpr std::size_t kSnapshotRecordBytes = 32;
inline constexpr std::size_t kMeshFixedBytes = 60;    // a mesh topology record before its name
inline constexpr std::size_t kCameraFixedBytes = 40;  // a camera record before its name
inline constexpr std::size_t kVertexDeltaBytes = 10;  // u32 index, u16 x3
inline constexpr std::size_t kMaxNameBytes = 255;     // mesh and camera names, UTF-8
inline constexpr std::uint32_t kMaxMeshVertices = 1u << 20;
inline constexpr std::uint32_t kMaxMeshTriangles = 1u << 21;
// Positions are quantised to 16 bits per axis inside a mesh's bounds.
inline constexpr std::uint32_t kQuantumSteps = 65535;
// ACTION and CONTROL bodies: UTF-8 JSON of 2 to 4096 bytes.
inline constexpr std::size_t kMinJsonBodyBytes = 2;
inline constexpr std::size_t kMaxJsonBodyBytes = 4096;

enum class MessageType : std::uint8_t {
  input = 0x01,
  action = 0x02,
  control = 0x03,
  streams = 0x04,
  keyframe = 0x10,
  snapshot = 0x11,
  events = 0x12,
  reply = 0x13,
  mesh = 0x14,
};

struct Header {
  std::uint8_t version = kVersion;
  MessageType type = MessageType::input;
  std::uint16_t flags = 0;
  std::uint32_t tick = 0;
  std::uint32_t seq = 0;
};

// The streams a STREAMS record carries (docs/protocol.md, 0x04).
enum class StreamId : std::uint8_t {
  head = 1,
  hands = 2,
  hand_joints = 3,
  audio_envelope = 4,
  client_time = 5,
};

// A frame sent by a client: INPUT and STREAMS fill `input` (STREAMS
// always carries head and hands, and may add the optional streams), ACTION
// and CONTROL `body` (their JSON text, checked for size here and parsed by
// the receiver).
struct ClientFrame {
  Header header;
  InputFrame input;
  std::string body;
};

// A body's pose as sent: single precision, the unit of change detection.
struct BodyPose {
  std::uint32_t id = 0;
  float position[3] = {0, 0, 0};
  float orientation[4] = {0, 0, 0, 1};
  bool operator==(const BodyPose&) const = default;
};

// A deformable mesh as sent: its topology and its positions quantised in
// its bounds (KEYFRAME and MESH records).
struct MeshTopology {
  std::uint32_t id = 0;
  std::uint32_t topology_version = 0;
  std::array<float, 4> colour = {1, 1, 1, 1};  // linear RGBA
  std::array<float, 3> bounds_min = {0, 0, 0};
  std::array<float, 3> bounds_max = {0, 0, 0};
  std::string name;
  std::vector<std::uint16_t> quantised;  // x, y, z per vertex
  std::vector<std::uint32_t> triangles;  // three vertex indices each
  bool operator==(const MeshTopology&) const = default;
};

// The vertices of one mesh that moved since the client's last state (SNAPSHOT).
struct MeshDelta {
  std::uint32_t id = 0;
  std::uint32_t topology_version = 0;
  std::vector<std::uint32_t> vertices;   // strictly increasing vertex indices
  std::vector<std::uint16_t> quantised;  // x, y, z per listed vertex
  bool operator==(const MeshDelta&) const = default;
};

struct CameraView {
  std::uint32_t id = 0;
  std::string name;
  float position[3] = {0, 0, 0};
  float orientation[4] = {0, 0, 0, 1};  // looks along local -Z, +Y up
  float vertical_fov_rad = 1.0f;
  bool operator==(const CameraView&) const = default;
};

// Contact force on the receiving participant's instruments; `present` is
// false for a participant who holds none.
struct HandForcesOnWire {
  bool present = false;
  float left_N = 0;
  float right_N = 0;
  bool operator==(const HandForcesOnWire&) const = default;
};

// A coordinate quantised to 0..65535 across [lo, hi] (rounded to nearest,
// clamped), and back. An empty range (hi <= lo) quantises everything to 0.
std::uint16_t quantise(float value, float lo, float hi);
float dequantise(std::uint16_t q, float lo, float hi);

// A module's mesh as the wire carries it (its positions quantised).
MeshTopology mesh_topology(const SceneMesh& mesh);
// Quantises a mesh's current positions into `out` (resized, capacity kept).
void quantise_positions(const SceneMesh& mesh, std::vector<std::uint16_t>& out);
CameraView camera_view(const SceneCamera& camera);

// Decodes a frame sent by a client. Errors say what was wrong, for the close reason.
Result<ClientFrame> decode_client_frame(std::string_view frame);

std::string encode_input(const Header& header, const InputFrame& input);
// STREAMS: head and hands, and every optional stream `input` holds.
std::string encode_streams(const Header& header, const InputFrame& input);
// ACTION or CONTROL from a client (used by tests and tools; browsers have web/src/protocol).
std::string encode_json_frame(MessageType type, std::uint32_t tick, std::uint32_t seq,
                              std::string_view json);
std::string encode_keyframe(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            std::uint32_t participant, const WorldModel& model,
                            const WorldState& state, std::span<const MeshTopology> meshes = {},
                            std::span<const CameraView> cameras = {});
std::string encode_snapshot(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            const std::vector<BodyPose>& changed,
                            std::span<const MeshDelta> meshes = {},
                            const HandForcesOnWire& forces = {});
// MESH: one mesh's new topology (after a cut).
std::string encode_mesh(std::uint32_t tick, std::uint32_t seq, const MeshTopology& mesh);
// EVENTS: `events_json` is a JSON array of {seq, tick, type, payload}.
std::string encode_events(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                          std::string_view events_json);
// REPLY: `reply_json` is {ref, ok, code?, error?}.
std::string encode_reply(std::uint32_t tick, std::uint32_t seq, std::string_view reply_json);

// The JSON bodies of ACTION and CONTROL (also the REST control route's body).
struct ActionRequest {
  std::string name;
  std::string params_json = "{}";  // a JSON object
};
Result<ActionRequest> parse_action_request(std::string_view json);

struct ControlRequest {
  std::string control;  // pause, resume, cue, observation
  std::string text;     // the cue or the observation; empty for pause and resume
};
inline constexpr std::size_t kMaxControlTextChars = 2000;
Result<ControlRequest> parse_control_request(std::string_view json);

// A server frame as a test client reads it: header, then for EVENTS the ack
// and JSON text, for REPLY the JSON text (KEYFRAME and SNAPSHOT: body empty).
struct ServerJsonFrame {
  Header header;
  std::uint32_t ack = 0;
  std::string json;
};
Result<ServerJsonFrame> decode_server_json_frame(std::string_view frame);

// A KEYFRAME, SNAPSHOT or MESH frame decoded whole, checked as the browser
// client checks it (web/src/protocol): for tools, tests and the fuzz target.
struct KeyframeBody {
  BodyPose pose;
  std::uint8_t shape = 0;  // Shape
  std::array<float, 3> size = {0, 0, 0};
  std::uint32_t rgba = 0;
  bool operator==(const KeyframeBody&) const = default;
};
struct ServerSceneFrame {
  Header header;
  std::uint32_t ack = 0;
  std::uint32_t participant = 0;
  std::vector<KeyframeBody> bodies;  // KEYFRAME
  std::vector<BodyPose> moved;       // SNAPSHOT
  std::vector<MeshTopology> meshes;  // KEYFRAME; MESH: exactly one
  std::vector<CameraView> cameras;   // KEYFRAME
  std::vector<MeshDelta> deltas;     // SNAPSHOT
  HandForcesOnWire forces;           // SNAPSHOT
};
Result<ServerSceneFrame> decode_server_scene_frame(std::string_view frame);
// Encodes a decoded frame again (the fuzz target's round trip).
std::string encode_server_scene_frame(const ServerSceneFrame& frame);

BodyPose body_pose(const WorldModel& model, const WorldState& state, std::size_t index);

}  // namespace medvision::wire
