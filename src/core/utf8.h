#pragma once
// Text that came from outside (request targets, headers, frames, file names)
// may hold any bytes. Everything that builds JSON or log text from it goes
// through these, so that invalid UTF-8 can never make a serializer throw
// (RFC 3629; U+FFFD replacement as the Unicode Standard's section 3.9 advises).

#include <cstddef>
#include <string>
#include <string_view>

namespace medvision {

// Whether `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with each maximal invalid subsequence replaced by U+FFFD and control
// bytes other than tab, newline and carriage return kept as they are.
std::string valid_utf8(std::string_view text);

// The longest prefix of valid_utf8(text) that fits in `max_bytes`, cut on a
// code-point boundary; "..." marks a cut when `ellipsis` is set (and counts
// towards max_bytes).
std::string utf8_prefix(std::string_view text, std::size_t max_bytes, bool ellipsis = false);

// valid_utf8 with control bytes (C0, DEL) shown as \xNN: for one-line log and
// audit text built from client bytes.
std::string printable_text(std::string_view text, std::size_t max_bytes = 512);

}  // namespace medvision
