// Fuzz target: the WebSocket frame decoder. Any bytes must give a frame or an
// error, never a crash; a decoded frame must survive re-encoding unchanged.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace medvision;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto decoded = wire::decode_client_frame(bytes);
  if (!decoded.ok()) return 0;
  const std::string again = wire::encode_input(decoded->header, decoded->input);
  const auto redecoded = wire::decode_client_frame(again);
  if (!redecoded.ok() || redecoded->header.seq != decoded->header.seq ||
      redecoded->input.hands[1].buttons != decoded->input.hands[1].buttons) {
    std::abort();
  }
  return 0;
}
