#pragma once
// A participant's controller input: head and hands with their buttons, as the
// WebSocket INPUT frame carries it, and the optional streams of the versioned
// STREAMS message (docs/protocol.md): tracked hand joints, the microphone's
// level, the client's clock. A module reads the streams it declares
// (ModuleDescriptor::inputs); the others never reach the session.

#include <cstdint>
#include <optional>
#include <vector>

#include "session/world.h"

namespace medvision {

inline constexpr std::uint32_t kButtonTrigger = 1u << 0;
inline constexpr std::uint32_t kButtonGrip = 1u << 1;

struct HandInput {
  Pose pose;
  std::uint32_t buttons = 0;
};

// One joint of a tracked hand (WebXR XRHand, in its joint order: wrist,
// thumb metacarpal ... pinky tip): its pose and the radius of the finger there.
struct HandJoint {
  Pose pose;
  float radius_m = 0;
};
inline constexpr int kHandJoints = 25;

// The names of the streams modules declare (ModuleDescriptor::inputs).
namespace input_stream {
inline constexpr const char* head = "head";
inline constexpr const char* hands = "hands";
inline constexpr const char* hand_joints = "hand_joints";
inline constexpr const char* audio_envelope = "audio_envelope";
inline constexpr const char* client_time = "client_time";
}  // namespace input_stream

struct InputFrame {
  Pose head;
  HandInput hands[2];  // 0 left, 1 right
  // Optional streams: empty or unset when not sent (or not declared).
  std::vector<HandJoint> joints[2];      // kHandJoints each when tracked
  std::optional<float> audio_level;      // RMS of the microphone over the frame, 0..1
  std::optional<double> client_time_ms;  // the client's monotonic clock (performance.now())
};

}  // namespace medvision
