#pragma once
// A participant's controller input: head and hands with their buttons, as the
// WebSocket INPUT frame carries it (docs/protocol.md).

#include <cstdint>

#include "session/world.h"

namespace medvision {

inline constexpr std::uint32_t kButtonTrigger = 1u << 0;
inline constexpr std::uint32_t kButtonGrip = 1u << 1;

struct HandInput {
  Pose pose;
  std::uint32_t buttons = 0;
};

struct InputFrame {
  Pose head;
  HandInput hands[2];  // 0 left, 1 right
};

}  // namespace medvision
