#pragma once
// The byte readers and writers of the wire protocol (docs/protocol.md):
// little-endian integers, f32, poses and the 12-byte header. Shared by the
// client-frame and scene-frame codecs; nothing outside src/server uses it.

#include <bit>
#include <cmath>
#include <string>
#include <string_view>

#include "server/protocol.h"

namespace medvision::wire::detail {

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
  void bytes(std::string_view s) { out_.append(s); }
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
  std::string_view bytes(std::size_t n) {
    const std::string_view out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t remaining() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

// Reads 7 floats (position, quaternion x y z w); false if any is not finite.
inline bool read_pose(Reader& r, Pose* pose) {
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

inline Error malformed(const std::string& why) { return make_error(ErrorCode::invalid_input, why); }

}  // namespace medvision::wire::detail
