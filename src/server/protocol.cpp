// The wire protocol's client frames (INPUT, ACTION, CONTROL), the server's
// REPLY and JSON frames, and the JSON requests inside ACTION and CONTROL.

#include "server/protocol.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "server/wire_io.h"

namespace medvision::wire {

using detail::malformed;
using detail::read_pose;
using detail::Reader;
using detail::Writer;

namespace {

constexpr std::size_t kHandRecordBytes = 32;   // pose, u32 buttons
constexpr std::size_t kJointRecordBytes = 32;  // pose, f32 radius
constexpr std::size_t kJointsBytes =
    4 + kHandJoints * kJointRecordBytes;  // u8 hand, u8 count, u16 0

std::string stream_name(std::uint8_t id) {
  switch (static_cast<StreamId>(id)) {
    case StreamId::head:
      return "head";
    case StreamId::hands:
      return "hands";
    case StreamId::hand_joints:
      return "hand_joints";
    case StreamId::audio_envelope:
      return "audio_envelope";
    case StreamId::client_time:
      return "client_time";
  }
  return "stream " + std::to_string(id);
}

Status expect_length(std::uint8_t id, std::size_t length, std::size_t wanted) {
  if (length == wanted) return {};
  return malformed("streams: the " + stream_name(id) + " record must be " + std::to_string(wanted) +
                   " bytes, got " + std::to_string(length));
}

// The STREAMS body (docs/protocol.md, 0x04): u8 version, u8 record count,
// u16 zero, then records of u8 stream id, u8 zero, u16 length, `length` bytes.
Status decode_streams(Reader& r, InputFrame* input) {
  if (r.remaining() < 4) return malformed("streams body shorter than its 4-byte preamble");
  const std::uint8_t version = r.u8();
  const std::uint8_t count = r.u8();
  const std::uint16_t zero = r.u16();
  if (version != kStreamsVersion) {
    return malformed("streams version " + std::to_string(version) +
                     " is not supported (this server reads version " +
                     std::to_string(kStreamsVersion) + ")");
  }
  if (zero != 0) return malformed("streams: reserved bytes must be 0");
  if (count == 0 || count > kMaxStreamRecords) {
    return malformed("streams: 1 to " + std::to_string(kMaxStreamRecords) + " records, got " +
                     std::to_string(count));
  }
  unsigned seen = 0;  // bit per stream id; hand joints: bit 3 left, bit 6 right
  for (std::uint8_t i = 0; i < count; ++i) {
    if (r.remaining() < 4) return malformed("streams: record " + std::to_string(i + 1) + " is cut");
    const std::uint8_t id = r.u8();
    const std::uint8_t pad = r.u8();
    const std::uint16_t length = r.u16();
    if (pad != 0) return malformed("streams: reserved bytes must be 0");
    if (r.remaining() < length) {
      return malformed("streams: the " + stream_name(id) + " record says " +
                       std::to_string(length) + " bytes, " + std::to_string(r.remaining()) +
                       " are left");
    }
    unsigned bit = id < 8 ? 1u << id : 0;
    switch (static_cast<StreamId>(id)) {
      case StreamId::head:
        MV_TRY(expect_length(id, length, 28));
        if (!read_pose(r, &input->head)) return malformed("head pose has a non-finite number");
        break;
      case StreamId::hands:
        MV_TRY(expect_length(id, length, 2 * kHandRecordBytes));
        for (auto& hand : input->hands) {
          if (!read_pose(r, &hand.pose)) return malformed("hand pose has a non-finite number");
          hand.buttons = r.u32();
        }
        break;
      case StreamId::hand_joints: {
        MV_TRY(expect_length(id, length, kJointsBytes));
        const std::uint8_t hand = r.u8();
        const std::uint8_t joints = r.u8();
        if (r.u16() != 0) return malformed("streams: reserved bytes must be 0");
        if (hand > 1)
          return malformed("streams: hand_joints names hand " + std::to_string(hand) +
                           " (0 left, 1 right)");
        if (joints != kHandJoints) {
          return malformed("streams: hand_joints carries " + std::to_string(kHandJoints) +
                           " joints, got " + std::to_string(joints));
        }
        bit = hand == 0 ? 1u << 3 : 1u << 6;
        auto& out = input->joints[hand];
        out.resize(kHandJoints);
        for (HandJoint& joint : out) {
          if (!read_pose(r, &joint.pose)) return malformed("hand joint has a non-finite number");
          joint.radius_m = r.f32();
          if (!std::isfinite(joint.radius_m) || joint.radius_m < 0 || joint.radius_m > 0.1f)
            return malformed("hand joint radius must be 0 to 0.1 m");
        }
        break;
      }
      case StreamId::audio_envelope: {
        MV_TRY(expect_length(id, length, 4));
        const float level = r.f32();
        if (!(level >= 0 && level <= 1))
          return malformed("streams: audio_envelope level must be 0 to 1");
        input->audio_level = level;
        break;
      }
      case StreamId::client_time: {
        MV_TRY(expect_length(id, length, 8));
        std::uint64_t bits = r.u32();
        bits |= static_cast<std::uint64_t>(r.u32()) << 32;
        const double ms = std::bit_cast<double>(bits);
        if (!std::isfinite(ms)) return malformed("streams: client_time is not a finite number");
        input->client_time_ms = ms;
        break;
      }
      default:
        // A stream of a later version of this message: skipped, so that
        // clients may send it to servers that do not read it yet.
        r.bytes(length);
        bit = 0;
        break;
    }
    if (seen & bit) return malformed("streams: the " + stream_name(id) + " record comes twice");
    seen |= bit;
  }
  if (r.remaining() != 0) {
    return malformed("streams: " + std::to_string(r.remaining()) + " bytes follow the last record");
  }
  if (!(seen & (1u << 1)) || !(seen & (1u << 2)))
    return malformed("streams: head and hands are required in every message");
  return {};
}

}  // namespace

Result<ClientFrame> decode_client_frame(std::string_view frame) {
  if (frame.size() < kHeaderBytes) {
    return malformed("frame of " + std::to_string(frame.size()) + " bytes is shorter than the " +
                     std::to_string(kHeaderBytes) + "-byte header");
  }
  Reader r(frame);
  ClientFrame out;
  out.header.version = r.u8();
  const std::uint8_t type = r.u8();
  out.header.flags = r.u16();
  out.header.tick = r.u32();
  out.header.seq = r.u32();
  if (out.header.version != kVersion) {
    return malformed("protocol version " + std::to_string(out.header.version) +
                     " is not supported (this server speaks version " + std::to_string(kVersion) +
                     ")");
  }
  if (out.header.flags != 0) return malformed("header flags must be 0");
  if (type == static_cast<std::uint8_t>(MessageType::action) ||
      type == static_cast<std::uint8_t>(MessageType::control)) {
    out.header.type = static_cast<MessageType>(type);
    const std::size_t body = frame.size() - kHeaderBytes;
    if (body < kMinJsonBodyBytes || body > kMaxJsonBodyBytes) {
      return malformed(std::string(type == 0x02 ? "action" : "control") + " body must be " +
                       std::to_string(kMinJsonBodyBytes) + " to " +
                       std::to_string(kMaxJsonBodyBytes) + " bytes of JSON, got " +
                       std::to_string(body));
    }
    out.body.assign(frame.substr(kHeaderBytes));
    return out;
  }
  if (type == static_cast<std::uint8_t>(MessageType::streams)) {
    out.header.type = MessageType::streams;
    MV_TRY(decode_streams(r, &out.input));
    return out;
  }
  if (type != static_cast<std::uint8_t>(MessageType::input)) {
    return malformed("message type " + std::to_string(type) + " is not one a client may send");
  }
  out.header.type = MessageType::input;
  if (frame.size() != kHeaderBytes + kInputBodyBytes) {
    return malformed("input body must be " + std::to_string(kInputBodyBytes) + " bytes, got " +
                     std::to_string(frame.size() - kHeaderBytes));
  }
  if (!read_pose(r, &out.input.head)) return malformed("head pose has a non-finite number");
  for (auto& hand : out.input.hands) {
    if (!read_pose(r, &hand.pose)) return malformed("hand pose has a non-finite number");
    hand.buttons = r.u32();
  }
  return out;
}

std::string encode_input(const Header& header, const InputFrame& input) {
  Writer w(kHeaderBytes + kInputBodyBytes);
  w.header(MessageType::input, header.tick, header.seq);
  w.pose(input.head);
  for (const auto& hand : input.hands) {
    w.pose(hand.pose);
    w.u32(hand.buttons);
  }
  return w.take();
}

std::string encode_streams(const Header& header, const InputFrame& input) {
  Writer w(kHeaderBytes + 256);
  w.header(MessageType::streams, header.tick, header.seq);
  std::uint8_t count = 2;
  for (const auto& joints : input.joints) count += joints.empty() ? 0 : 1;
  count += input.audio_level ? 1 : 0;
  count += input.client_time_ms ? 1 : 0;
  w.u8(kStreamsVersion);
  w.u8(count);
  w.u16(0);
  const auto record = [&w](StreamId id, std::size_t length) {
    w.u8(static_cast<std::uint8_t>(id));
    w.u8(0);
    w.u16(static_cast<std::uint16_t>(length));
  };
  record(StreamId::head, 28);
  w.pose(input.head);
  record(StreamId::hands, 2 * kHandRecordBytes);
  for (const auto& hand : input.hands) {
    w.pose(hand.pose);
    w.u32(hand.buttons);
  }
  for (std::uint8_t h = 0; h < 2; ++h) {
    if (input.joints[h].empty()) continue;
    record(StreamId::hand_joints, kJointsBytes);
    w.u8(h);
    w.u8(static_cast<std::uint8_t>(input.joints[h].size()));
    w.u16(0);
    for (const HandJoint& joint : input.joints[h]) {
      w.pose(joint.pose);
      w.f32(joint.radius_m);
    }
  }
  if (input.audio_level) {
    record(StreamId::audio_envelope, 4);
    w.f32(*input.audio_level);
  }
  if (input.client_time_ms) {
    record(StreamId::client_time, 8);
    const auto bits = std::bit_cast<std::uint64_t>(*input.client_time_ms);
    w.u32(static_cast<std::uint32_t>(bits));
    w.u32(static_cast<std::uint32_t>(bits >> 32));
  }
  return w.take();
}

std::string encode_json_frame(MessageType type, std::uint32_t tick, std::uint32_t seq,
                              std::string_view json) {
  Writer w(kHeaderBytes + json.size());
  w.header(type, tick, seq);
  std::string out = w.take();
  out.append(json);
  return out;
}

std::string encode_events(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                          std::string_view events_json) {
  Writer w(kHeaderBytes + 4 + events_json.size());
  w.header(MessageType::events, tick, seq);
  w.u32(ack);
  std::string out = w.take();
  out.append(events_json);
  return out;
}

std::string encode_reply(std::uint32_t tick, std::uint32_t seq, std::string_view reply_json) {
  return encode_json_frame(MessageType::reply, tick, seq, reply_json);
}

Result<ServerJsonFrame> decode_server_json_frame(std::string_view frame) {
  if (frame.size() < kHeaderBytes) return malformed("server frame shorter than the header");
  Reader r(frame);
  ServerJsonFrame out;
  out.header.version = r.u8();
  out.header.type = static_cast<MessageType>(r.u8());
  out.header.flags = r.u16();
  out.header.tick = r.u32();
  out.header.seq = r.u32();
  if (out.header.version != kVersion) return malformed("server frame of another protocol version");
  switch (out.header.type) {
    case MessageType::events:
      if (frame.size() < kHeaderBytes + 4) return malformed("events frame without its ack");
      out.ack = r.u32();
      out.json.assign(frame.substr(kHeaderBytes + 4));
      return out;
    case MessageType::reply:
      out.json.assign(frame.substr(kHeaderBytes));
      return out;
    case MessageType::keyframe:
    case MessageType::snapshot:
      if (frame.size() < kHeaderBytes + 4) return malformed("frame without its ack");
      out.ack = r.u32();
      return out;
    default:
      return malformed("message type " + std::to_string(static_cast<int>(out.header.type)) +
                       " is not one a server sends");
  }
}

namespace {

Result<nlohmann::json> parse_object(std::string_view text, const char* what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return malformed(std::string(what) + " is not valid JSON (UTF-8)");
  if (!j.is_object()) return malformed(std::string(what) + " must be a JSON object");
  return j;
}

bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<ActionRequest> parse_action_request(std::string_view text) {
  auto j = parse_object(text, "an action");
  if (!j.ok()) return j.error();
  ActionRequest out;
  const auto name = j->find("name");
  if (name == j->end() || !name->is_string())
    return malformed("an action needs a string field 'name'");
  out.name = name->get<std::string>();
  if (!is_identifier(out.name)) {
    return malformed("action name '" + utf8_prefix(out.name, 64, true) +
                     "' must be 1 to 64 of a-z, 0-9 and _");
  }
  if (const auto params = j->find("params"); params != j->end() && !params->is_null()) {
    if (!params->is_object()) return malformed("field 'params' of an action must be a JSON object");
    out.params_json = params->dump();
  }
  for (const auto& [key, value] : j->items()) {
    if (key != "name" && key != "params")
      return malformed("an action has no field '" + utf8_prefix(key, 40, true) + "'");
  }
  return out;
}

Result<ControlRequest> parse_control_request(std::string_view text) {
  auto j = parse_object(text, "a control");
  if (!j.ok()) return j.error();
  ControlRequest out;
  const auto control = j->find("control");
  if (control == j->end() || !control->is_string()) {
    return malformed("a control needs a string field 'control': pause, resume, cue or observation");
  }
  out.control = control->get<std::string>();
  if (out.control != "pause" && out.control != "resume" && out.control != "cue" &&
      out.control != "observation") {
    return malformed("control '" + utf8_prefix(out.control, 40, true) +
                     "' is not one of pause, resume, cue, observation");
  }
  if (const auto t = j->find("text"); t != j->end() && !t->is_null()) {
    if (!t->is_string()) return malformed("field 'text' of a control must be a string");
    out.text = t->get<std::string>();
  }
  if (out.text.size() > kMaxControlTextChars) {
    return malformed("field 'text' is longer than " + std::to_string(kMaxControlTextChars) +
                     " characters");
  }
  if ((out.control == "cue" || out.control == "observation") && out.text.empty()) {
    return malformed("a " + out.control + " needs a non-empty 'text'");
  }
  for (const auto& [key, value] : j->items()) {
    if (key != "control" && key != "text")
      return malformed("a control has no field '" + utf8_prefix(key, 40, true) + "'");
  }
  return out;
}

}  // namespace medvision::wire
