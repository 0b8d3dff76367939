#pragma once
// What the server does with one frame a participant sent (docs/protocol.md):
// decoded, checked against the member's session role and applied to the live
// session. The WebSocket connection and the fuzz target both go through here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/api.h"

namespace medvision {

struct ClientFrameOutcome {
  // A REPLY to send: {"ref","ok","code"?,"error"?}.
  std::optional<std::string> reply_json;
  // Close the connection with this code and reason.
  std::optional<std::pair<std::uint16_t, std::string>> close;
};

struct ClientFrameContext {
  ApiContext& api;
  LiveSession& live;
  const UserRecord& user;
  int participant = 0;
  std::string remote;
  bool told_observer = false;  // an observer's input is answered once, not per frame
};

ClientFrameOutcome handle_client_frame(ClientFrameContext& c, std::string_view bytes);

// The JSON text of a REPLY frame.
std::string reply_json(std::uint32_t ref, const Status& status);

}  // namespace medvision
