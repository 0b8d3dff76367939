#include "core/utf8.h"

#include <cstdint>

namespace medvision {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the well-formed sequence starting at text[i], or 0 if the bytes
// there do not start one (RFC 3629 section 4, Unicode Table 3-7).
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  const std::uint8_t b1 = byte(i + 1);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    const std::uint8_t b = byte(i + k);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return n;
}

// How many bytes after text[i] continue a valid prefix of a sequence that is
// cut short or broken: they are replaced together with the lead byte.
std::size_t maximal_invalid(std::string_view text, std::size_t i) {
  const auto b0 = static_cast<std::uint8_t>(text[i]);
  std::size_t n = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  std::size_t k = 1;
  while (k < n && i + k < text.size()) {
    const auto b = static_cast<std::uint8_t>(text[i + k]);
    const std::uint8_t l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) break;
    ++k;
  }
  return k;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_length(text, i);
    if (n > 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out.append(kReplacement);
      i += maximal_invalid(text, i);
    }
  }
  return out;
}

std::string utf8_prefix(std::string_view text, std::size_t max_bytes, bool ellipsis) {
  std::string valid = valid_utf8(text);
  if (valid.size() <= max_bytes) return valid;
  const std::size_t mark = ellipsis && max_bytes >= 3 ? 3 : 0;
  std::size_t cut = max_bytes - mark;
  // Step back over continuation bytes to the start of the cut code point.
  while (cut > 0 && (static_cast<std::uint8_t>(valid[cut]) & 0xC0) == 0x80) --cut;
  valid.resize(cut);
  if (mark) valid += "...";
  return valid;
}

std::string printable_text(std::string_view text, std::size_t max_bytes) {
  const std::string valid = valid_utf8(text);
  std::string out;
  out.reserve(valid.size());
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : valid) {
    const auto b = static_cast<std::uint8_t>(ch);
    if (b < 0x20 || b == 0x7F) {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 15];
    } else {
      out += ch;
    }
  }
  return utf8_prefix(out, max_bytes, true);
}

}  // namespace medvision
