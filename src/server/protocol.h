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

enum class MessageType : std::uint8_t { input = 0x01, keyframe = 0x10, snapshot = 0x11 };

struct Header {
  std::uint8_t version = kVersion;
  MessageType type = MessageType::input;
  std::uint16_t flags = 0;
  std::uint32_t tick = 0;
  std::uint32_t seq = 0;
};

struct ClientInput {
  Header header;
  InputFrame input;
};

// A body's pose as sent: single precision, the unit of change detection.
struct BodyPose {
  std::uint32_t id = 0;
  float position[3] = {0, 0, 0};
  float orientation[4] = {0, 0, 0, 1};
  bool operator==(const BodyPose&) const = default;
};

// Decodes a frame sent by a client. Errors say what was wrong, for the close reason.
Result<ClientInput> decode_client_frame(std::string_view frame);

std::string encode_input(const Header& header, const InputFrame& input);
std::string encode_keyframe(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            std::uint32_t participant, const WorldModel& model,
                            const WorldState& state);
std::string encode_snapshot(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            const std::vector<BodyPose>& changed);

BodyPose body_pose(const WorldModel& model, const WorldState& state, std::size_t index);

}  // namespace medvision::wire
