#include "server/protocol.h"

#include <bit>
#include <cmath>
#include <nlohmann/json.hpp>

namespace medvision::wire {
namespace {

class Writer {
 public:
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) {
    for (int i = 0; i < 2; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void f32(float v) { u32(std::bit_cast<std::uint32_t>(v)); }
  void f32(double v) { f32(static_cast<float>(v)); }
  void header(MessageType type, std::uint32_t tick, std::uint32_t seq) {
    u8(kVersion);
    u8(static_cast<std::uint8_t>(type));
    u16(0);
    u32(tick);
    u32(seq);
  }
  void pose(const Pose& p) {
    for (int i = 0; i < 3; ++i) f32(p.position[i]);
    f32(p.orientation.x());
    f32(p.orientation.y());
    f32(p.orientation.z());
    f32(p.orientation.w());
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(in_[pos_++]); }
  std::uint16_t u16() {
    std::uint16_t v = 0;
    for (int i = 0; i < 2; ++i) v = static_cast<std::uint16_t>(v | (u8() << (8 * i)));
    return v;
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
    return v;
  }
  float f32() { return std::bit_cast<float>(u32()); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

// Reads 7 floats (position, quaternion x y z w); false if any is not finite.
bool read_pose(Reader& r, Pose* pose) {
  float v[7];
  for (float& x : v) {
    x = r.f32();
    if (!std::isfinite(x)) return false;
  }
  pose->position = {v[0], v[1], v[2]};
  Eigen::Quaterniond q(v[6], v[3], v[4], v[5]);
  // A zero quaternion is no orientation at all; identity is the safe reading.
  pose->orientation = q.squaredNorm() > 1e-12 ? q.normalized() : Eigen::Quaterniond::Identity();
  return true;
}

Error malformed(const std::string& why) { return make_error(ErrorCode::invalid_input, why); }

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
                     " is not supported (this server speaks version 1)");
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
    return malformed("action name '" + out.name.substr(0, 64) +
                     "' must be 1 to 64 of a-z, 0-9 and _");
  }
  if (const auto params = j->find("params"); params != j->end() && !params->is_null()) {
    if (!params->is_object()) return malformed("field 'params' of an action must be a JSON object");
    out.params_json = params->dump();
  }
  for (const auto& [key, value] : j->items()) {
    if (key != "name" && key != "params")
      return malformed("an action has no field '" + key.substr(0, 40) + "'");
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
    return malformed("control '" + out.control.substr(0, 40) +
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
      return malformed("a control has no field '" + key.substr(0, 40) + "'");
  }
  return out;
}

BodyPose body_pose(const WorldModel& model, const WorldState& state, std::size_t index) {
  const auto& p = state.bodies[index].pose;
  BodyPose out;
  out.id = model.bodies[index].id;
  for (int i = 0; i < 3; ++i) out.position[i] = static_cast<float>(p.position[i]);
  out.orientation[0] = static_cast<float>(p.orientation.x());
  out.orientation[1] = static_cast<float>(p.orientation.y());
  out.orientation[2] = static_cast<float>(p.orientation.z());
  out.orientation[3] = static_cast<float>(p.orientation.w());
  return out;
}

std::string encode_keyframe(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            std::uint32_t participant, const WorldModel& model,
                            const WorldState& state) {
  const std::size_t n = model.bodies.size();
  Writer w(kHeaderBytes + 12 + n * kKeyframeBodyRecordBytes);
  w.header(MessageType::keyframe, tick, seq);
  w.u32(ack);
  w.u32(participant);
  w.u32(static_cast<std::uint32_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const BodyModel& b = model.bodies[i];
    w.u32(b.id);
    w.u8(static_cast<std::uint8_t>(b.shape));
    w.u8(0);
    w.u8(0);
    w.u8(0);
    for (int k = 0; k < 3; ++k) w.f32(b.half_extents[k]);
    w.u32(b.rgba);
    w.pose(state.bodies[i].pose);
  }
  return w.take();
}

std::string encode_snapshot(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            const std::vector<BodyPose>& changed) {
  Writer w(kHeaderBytes + 8 + changed.size() * kSnapshotRecordBytes);
  w.header(MessageType::snapshot, tick, seq);
  w.u32(ack);
  w.u32(static_cast<std::uint32_t>(changed.size()));
  for (const auto& b : changed) {
    w.u32(b.id);
    for (float v : b.position) w.f32(v);
    for (float v : b.orientation) w.f32(v);
  }
  return w.take();
}

}  // namespace medvision::wire
