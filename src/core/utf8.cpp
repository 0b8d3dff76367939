#include "core/utf8.h"

#include <cstdint>

namespace medvision {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// What a lead byte starts (RFC 3629 section 4, Unicode Table 3-7): the
// sequence's length (0: not a lead byte) and the range its second byte must
// fall in (later bytes are always 80..BF).
struct Lead {
  std::size_t length = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;
};

Lead lead_of(std::uint8_t b0) {
  if (b0 < 0x80) return {1};
  if (b0 >= 0xC2 && b0 <= 0xDF) return {2};
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    return {3, static_cast<std::uint8_t>(b0 == 0xE0 ? 0xA0 : 0x80),
            static_cast<std::uint8_t>(b0 == 0xED ? 0x9F : 0xBF)};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    return {4, static_cast<std::uint8_t>(b0 == 0xF0 ? 0x90 : 0x80),
            static_cast<std::uint8_t>(b0 == 0xF4 ? 0x8F : 0xBF)};
  }
  return {};
}

// How many bytes from text[i] belong to the sequence its lead byte starts,
// as far as they are valid: the whole sequence's length when it is complete.
std::size_t valid_run(std::string_view text, std::size_t i, const Lead& lead) {
  std::size_t k = 1;
  while (k < lead.length && i + k < text.size()) {
    const auto b = static_cast<std::uint8_t>(text[i + k]);
    if (b < (k == 1 ? lead.lo : 0x80) || b > (k == 1 ? lead.hi : 0xBF)) break;
    ++k;
  }
  return k;
}

// Length of the well-formed sequence starting at text[i], or 0.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const Lead lead = lead_of(static_cast<std::uint8_t>(text[i]));
  if (lead.length <= 1) return lead.length;
  return valid_run(text, i, lead) == lead.length ? lead.length : 0;
}

// How many bytes from text[i] make up a maximal invalid subpart (replaced by
// one U+FFFD): the lead byte and the continuation bytes valid so far.
std::size_t maximal_invalid(std::string_view text, std::size_t i) {
  const Lead lead = lead_of(static_cast<std::uint8_t>(text[i]));
  return lead.length == 0 ? 1 : valid_run(text, i, lead);
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
