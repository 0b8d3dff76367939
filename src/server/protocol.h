#pragma once
// The binary wire protocol v1 (docs/protocol.md): the one place in C++ that
// knows its byte layout. web/src/protocol is its TypeScript twin; the
// fixtures in web/src/protocol/fixtures keep the two in step.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "session/session.h"

namespace medvision::wire {

inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kHeaderBytes = 12;
inline constexpr std::size_t kInputBodyBytes = 92;
inline constexpr std::size_t kKeyframeBodyRecordBytes = 52;
inline constexpr std::size_t kSnapshotRecordBytes = 32;
// ACTION and CONTROL bodies: UTF-8 JSON of 2 to 4096 bytes.
inline constexpr std::size_t kMinJsonBodyBytes = 2;
inline constexpr std::size_t kMaxJsonBodyBytes = 4096;

enum class MessageType : std::uint8_t {
  input = 0x01,
  action = 0x02,
  control = 0x03,
  keyframe = 0x10,
  snapshot = 0x11,
  events = 0x12,
  reply = 0x13,
};

struct Header {
  std::uint8_t version = kVersion;
  MessageType type = MessageType::input;
  std::uint16_t flags = 0;
  std::uint32_t tick = 0;
  std::uint32_t seq = 0;
};

// A frame sent by a client: INPUT fills `input`, ACTION and CONTROL `body`
// (their JSON text, checked for size here and parsed by the receiver).
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

// Decodes a frame sent by a client. Errors say what was wrong, for the close reason.
Result<ClientFrame> decode_client_frame(std::string_view frame);

std::string encode_input(const Header& header, const InputFrame& input);
// ACTION or CONTROL from a client (used by tests and tools; browsers have web/src/protocol).
std::string encode_json_frame(MessageType type, std::uint32_t tick, std::uint32_t seq,
                              std::string_view json);
std::string encode_keyframe(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            std::uint32_t participant, const WorldModel& model,
                            const WorldState& state);
std::string encode_snapshot(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            const std::vector<BodyPose>& changed);
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

BodyPose body_pose(const WorldModel& model, const WorldState& state, std::size_t index);

}  // namespace medvision::wire
