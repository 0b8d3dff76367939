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
