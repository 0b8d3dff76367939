// Fuzz target: the WebSocket frame decoders (client frames as the server
// reads them; KEYFRAME, SNAPSHOT and MESH as clients read them) and the JSON
// bodies of ACTION and CONTROL, and STREAMS. Any bytes must give a frame or an error,
// never a crash; a decoded frame must survive re-encoding unchanged.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace medvision;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (const auto scene = wire::decode_server_scene_frame(bytes); scene.ok()) {
    if (wire::encode_server_scene_frame(*scene) != bytes) std::abort();
    for (const auto& m : scene->meshes) {
      for (std::uint32_t t : m.triangles)
        if (t >= m.quantised.size() / 3) std::abort();
    }
  }
  const auto decoded = wire::decode_client_frame(bytes);
  if (!decoded.ok()) return 0;
  if (decoded->header.type == wire::MessageType::streams) {
    // Records may come in any order and unknown ones are skipped, so compare
    // what was read, not the bytes.
    const auto redecoded =
        wire::decode_client_frame(wire::encode_streams(decoded->header, decoded->input));
    if (!redecoded.ok()) std::abort();
    const InputFrame& a = decoded->input;
    const InputFrame& b = redecoded->input;
    if (a.hands[0].buttons != b.hands[0].buttons || a.hands[1].buttons != b.hands[1].buttons ||
        a.joints[0].size() != b.joints[0].size() || a.joints[1].size() != b.joints[1].size() ||
        a.audio_level != b.audio_level || a.client_time_ms != b.client_time_ms ||
        a.head.position != b.head.position) {
      std::abort();
    }
    return 0;
  }
  if (decoded->header.type != wire::MessageType::input) {
    const std::string again = wire::encode_json_frame(decoded->header.type, decoded->header.tick,
                                                      decoded->header.seq, decoded->body);
    if (again != bytes) std::abort();
    if (decoded->header.type == wire::MessageType::action) {
      const auto action = wire::parse_action_request(decoded->body);
      if (action.ok() && (action->name.empty() || action->params_json.front() != '{')) std::abort();
    } else {
      const auto control = wire::parse_control_request(decoded->body);
      if (control.ok() && control->text.size() > wire::kMaxControlTextChars) std::abort();
    }
    return 0;
  }
  const std::string again = wire::encode_input(decoded->header, decoded->input);
  const auto redecoded = wire::decode_client_frame(again);
  if (!redecoded.ok() || redecoded->header.seq != decoded->header.seq ||
      redecoded->input.hands[1].buttons != decoded->input.hands[1].buttons) {
    std::abort();
  }
  return 0;
}
