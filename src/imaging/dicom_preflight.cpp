#include "imaging/dicom_preflight.h"

#include <gdcmDict.h>
#include <gdcmDictEntry.h>
#include <gdcmDicts.h>
#include <gdcmGlobal.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace medvision::imaging::detail {
namespace {

constexpr std::uint64_t kUndefined = 0xffffffffu;
constexpr std::uint64_t kNoEnd = UINT64_MAX;

// Sequential access to the file's bytes, from memory or from a stream
// (values are skipped by seeking, so a large file is not read into memory).
class Cursor {
 public:
  Cursor(std::span<const std::uint8_t> bytes) : bytes_(bytes), size_(bytes.size()) {}  // NOLINT
  Cursor(std::istream& stream, std::uint64_t size) : stream_(&stream), size_(size) {}

  std::uint64_t position() const { return position_; }
  std::uint64_t remaining() const { return size_ - position_; }
  bool read(void* dst, std::size_t n) {
    if (remaining() < n) return false;
    if (stream_ != nullptr) {
      stream_->seekg(static_cast<std::streamoff>(position_));
      if (!stream_->read(static_cast<char*>(dst), static_cast<std::streamsize>(n))) return false;
    } else {
      std::memcpy(dst, bytes_.data() + position_, n);
    }
    position_ += n;
    return true;
  }
  bool skip(std::uint64_t n) {
    if (remaining() < n) return false;
    position_ += n;
    return true;
  }
  bool peek(void* dst, std::size_t n) {
    const std::uint64_t at = position_;
    const bool ok = read(dst, n);
    position_ = at;
    return ok;
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::istream* stream_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
};

struct Encoding {
  bool explicit_vr = true;
  bool big_endian = false;
};

std::uint16_t u16(const std::uint8_t* p, bool big) {
  return big ? static_cast<std::uint16_t>(p[0] << 8 | p[1])
             : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}
std::uint32_t u32(const std::uint8_t* p, bool big) {
  return big ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
                p[3])
             : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 |
                p[0]);
}

// The value representations of PS3.5 6.2.
bool is_vr(const std::uint8_t* p) {
  static constexpr const char* kVrs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL",
                                         "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW",
                                         "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC",
                                         "UI", "UL", "UN", "UR", "US", "UT", "UV"};
  return std::any_of(std::begin(kVrs), std::end(kVrs),
                     [p](const char* v) { return p[0] == v[0] && p[1] == v[1]; });
}

// PS3.5 7.1.2: these VRs have a 2-byte reserved field and a 4-byte length.
bool long_form(const std::uint8_t* vr) {
  static constexpr const char* kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                          "SV", "UC", "UN", "UR", "UT", "UV"};
  return std::any_of(std::begin(kLong), std::end(kLong),
                     [vr](const char* v) { return vr[0] == v[0] && vr[1] == v[1]; });
}

bool dictionary_says_sequence(std::uint16_t group, std::uint16_t element) {
  if (group % 2 == 1) return false;
  const gdcm::Dicts& dicts = gdcm::Global::GetInstance().GetDicts();
  return dicts.GetDictEntry(gdcm::Tag(group, element)).GetVR() == gdcm::VR::SQ;
}

std::string tag_name(std::uint16_t group, std::uint16_t element) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "(%04X,%04X)", group, element);
  return buffer;
}

Error corrupt(const std::string& what) {
  return make_error(ErrorCode::invalid_input, "DICOM file is corrupt: " + what);
}

enum class FrameKind { sequence, item, fragments };
struct Frame {
  FrameKind kind;
  std::uint64_t end;  // kNoEnd for undefined length
  Encoding encoding;
};

// Walks the dataset from the cursor's position to its end.
Status walk_dataset(Cursor& in, Encoding top) {
  std::vector<Frame> stack;
  std::size_t elements = 0;
  int depth = 0;
  while (true) {
    while (!stack.empty() && stack.back().end != kNoEnd && in.position() >= stack.back().end) {
      if (in.position() > stack.back().end)
        return corrupt("a value runs past the end of its sequence or item");
      if (stack.back().kind == FrameKind::sequence) --depth;
      stack.pop_back();
    }
    if (in.remaining() == 0) {
      if (stack.empty()) return {};
      return corrupt(stack.back().kind == FrameKind::fragments
                         ? "encapsulated pixel data is not terminated (truncated file?)"
                         : "a sequence is not terminated (truncated file?)");
    }
    const Encoding enc = stack.empty() ? top : stack.back().encoding;
    std::uint8_t head[8];
    if (!in.read(head, 4)) {
      if (stack.empty()) return {};  // trailing padding shorter than a tag is harmless
      return corrupt("the file ends inside a sequence or pixel data");
    }
    if (++elements > kMaxElements)
      return corrupt("more than " + std::to_string(kMaxElements) + " elements");
    const std::uint16_t group = u16(head, enc.big_endian);
    const std::uint16_t element = u16(head + 2, enc.big_endian);
    const bool in_fragments = !stack.empty() && stack.back().kind == FrameKind::fragments;
    if (in_fragments && (group != 0xfffe || (element != 0xe000 && element != 0xe0dd))) {
      // PS3.5 A.4: encapsulated pixel data is a sequence of items (the basic
      // offset table, then fragments) closed by a sequence delimiter.
      return corrupt("encapsulated pixel data holds something other than fragments");
    }
    if (group == 0xfffe) {
      if (!in.read(head + 4, 4)) return corrupt("item header is cut short");
      const std::uint64_t length = u32(head + 4, enc.big_endian);
      if (element == 0xe000) {
        if (stack.empty()) return corrupt("an item appears outside any sequence");
        if (stack.back().kind == FrameKind::fragments) {
          if (length == kUndefined || !in.skip(length))
            return corrupt("a pixel data fragment is longer than the file");
          continue;
        }
        if (stack.back().kind != FrameKind::sequence)
          return corrupt("an item appears directly inside an item");
        if (length != kUndefined && length > in.remaining())
          return corrupt("an item is longer than the rest of the file");
        stack.push_back(
            {FrameKind::item, length == kUndefined ? kNoEnd : in.position() + length, enc});
      } else if (element == 0xe00d) {
        if (!stack.empty() && stack.back().kind == FrameKind::item) stack.pop_back();
      } else if (element == 0xe0dd) {
        if (!stack.empty() && stack.back().kind == FrameKind::item && stack.back().end == kNoEnd)
          stack.pop_back();
        if (!stack.empty() && stack.back().kind != FrameKind::item) {
          if (stack.back().kind == FrameKind::sequence) --depth;
          stack.pop_back();
        }
      }
      continue;
    }
    if (!in.peek(head + 4, 4))
      return corrupt("element " + tag_name(group, element) + " is cut short");
    in.skip(4);
    char vr[2] = {0, 0};
    std::uint64_t length = 0;
    if (enc.explicit_vr && is_vr(head + 4)) {
      vr[0] = static_cast<char>(head[4]);
      vr[1] = static_cast<char>(head[5]);
      if (long_form(head + 4)) {
        if (!in.read(head, 4))
          return corrupt("element " + tag_name(group, element) + " is cut short");
        length = u32(head, enc.big_endian);
      } else {
        length = u16(head + 6, enc.big_endian);
      }
    } else {
      length =
          u32(head + 4, enc.big_endian);  // implicit VR (or a missing VR, which GDCM also reads so)
    }
    const bool explicit_sq = vr[0] == 'S' && vr[1] == 'Q';
    const bool unknown = vr[0] == 'U' && vr[1] == 'N';
    const bool implicit = vr[0] == 0;
    Encoding inner = enc;
    bool sequence = false;
    if (length == kUndefined) {
      const bool binary = vr[0] == 'O' && (vr[1] == 'B' || vr[1] == 'W');
      const bool pixel_data = group == 0x7fe0 && element == 0x0010;
      // PS3.5 7.1: only SQ, UN and encapsulated OB/OW values may have an
      // undefined length; GDCM asserts on any other.
      if (pixel_data && (binary || implicit)) {
        stack.push_back({FrameKind::fragments, kNoEnd, enc});
        continue;
      }
      if (!explicit_sq && !unknown && !(implicit && !enc.explicit_vr)) {
        return corrupt(
            "element " + tag_name(group, element) +
            " has an undefined length but is neither a sequence nor encapsulated pixel data");
      }
      sequence = true;
      // PS3.5 6.2.2: an undefined-length UN value is a sequence in implicit VR little endian.
      if (unknown) inner = {false, false};
    } else if (length > in.remaining()) {
      return corrupt("element " + tag_name(group, element) + " declares " + std::to_string(length) +
                     " bytes but only " + std::to_string(in.remaining()) +
                     " remain (truncated file?)");
    } else if (length > 0 &&
               (explicit_sq || (implicit && dictionary_says_sequence(group, element)))) {
      sequence = true;
    }
    if (!sequence) {
      in.skip(length);
      continue;
    }
    if (++depth > kMaxSequenceDepth) {
      return corrupt("sequences nest deeper than " + std::to_string(kMaxSequenceDepth) + " levels");
    }
    stack.push_back(
        {FrameKind::sequence, length == kUndefined ? kNoEnd : in.position() + length, inner});
  }
}

// File Meta Information (PS3.10 7.1): always explicit VR little endian.
Status walk_meta(Cursor& in, std::string& transfer_syntax) {
  std::uint8_t head[8];
  std::optional<std::uint64_t> group_end;
  while (in.peek(head, 2) && u16(head, false) == 0x0002) {
    if (group_end && in.position() >= *group_end) break;
    if (!in.read(head, 6)) return corrupt("file meta information is cut short");
    const std::uint16_t element = u16(head + 2, false);
    if (!is_vr(head + 4)) return corrupt("file meta information is not explicit VR");
    std::uint64_t length = 0;
    if (long_form(head + 4)) {
      if (!in.read(head, 2) || !in.read(head + 4, 4))
        return corrupt("file meta information is cut short");
      length = u32(head + 4, false);
    } else {
      if (!in.read(head, 2)) return corrupt("file meta information is cut short");
      length = u16(head, false);
    }
    if (length > in.remaining() || length == kUndefined)
      return corrupt("file meta element is longer than the file");
    if (element == 0x0000 && length == 4) {
      std::uint8_t value[4];
      in.read(value, 4);
      // PS3.10 7.1: File Meta Information Group Length counts the bytes of the
      // meta elements that follow it.
      group_end = in.position() + u32(value, false);
      if (*group_end > in.position() + in.remaining())
        return corrupt("file meta information is longer than the file");
      continue;
    }
    if (element == 0x0010 && length < 256) {
      transfer_syntax.resize(static_cast<std::size_t>(length));
      in.read(transfer_syntax.data(), transfer_syntax.size());
      while (!transfer_syntax.empty() &&
             (transfer_syntax.back() == '\0' || transfer_syntax.back() == ' '))
        transfer_syntax.pop_back();
    } else {
      in.skip(length);
    }
  }
  if (group_end && in.position() != *group_end)
    return corrupt("file meta information group length does not match its elements");
  return {};
}

// Without a transfer syntax (no meta information), guess from the first
// element as GDCM does: a VR where one belongs means explicit VR, a group
// number that reads right only byte-swapped means big endian.
Encoding guess_encoding(Cursor& in) {
  std::uint8_t head[6];
  Encoding enc{false, false};
  if (!in.peek(head, 6)) return enc;
  enc.explicit_vr = is_vr(head + 4);
  const std::uint16_t little = u16(head, false);
  const std::uint16_t big = u16(head, true);
  enc.big_endian = little > 0x00ff && big <= 0x00ff && enc.explicit_vr;
  return enc;
}

Status inflate_and_walk(Cursor& in) {
  std::vector<std::uint8_t> deflated(
      static_cast<std::size_t>(std::min<std::uint64_t>(in.remaining(), kMaxInflatedBytes)));
  if (!in.read(deflated.data(), deflated.size())) return corrupt("deflated dataset is unreadable");
  z_stream z{};
  if (inflateInit2(&z, -15) != Z_OK)
    return make_error(ErrorCode::internal, "zlib could not start inflating");
  std::vector<std::uint8_t> inflated;
  z.next_in = deflated.data();
  z.avail_in = static_cast<uInt>(deflated.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (inflated.size() >= kMaxInflatedBytes) {
      inflateEnd(&z);
      return corrupt("deflated dataset inflates to more than " +
                     std::to_string(kMaxInflatedBytes >> 20) + " MiB");
    }
    const std::size_t at = inflated.size();
    inflated.resize(at + (std::size_t{1} << 20));
    z.next_out = inflated.data() + at;
    z.avail_out = static_cast<uInt>(inflated.size() - at);
    rc = inflate(&z, Z_NO_FLUSH);
    inflated.resize(inflated.size() - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated stream: walk what there is
  }
  inflateEnd(&z);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
    return corrupt("deflated dataset does not inflate");
  Cursor inner(std::span<const std::uint8_t>(inflated.data(), inflated.size()));
  return walk_dataset(inner, Encoding{true, false});
}

Status preflight_cursor(Cursor& in) {
  std::uint8_t probe[132];
  const bool has_preamble = in.peek(probe, 132) && std::memcmp(probe + 128, "DICM", 4) == 0;
  if (has_preamble) in.skip(132);
  std::string transfer_syntax;
  MV_TRY(walk_meta(in, transfer_syntax));
  if (has_preamble && transfer_syntax.empty())
    return corrupt("file meta information has no Transfer Syntax UID");
  if (in.remaining() < 8) return corrupt("the file holds no dataset");
  Encoding enc{true, false};
  if (transfer_syntax.empty()) {
    enc = guess_encoding(in);
  } else if (transfer_syntax == "1.2.840.10008.1.2") {
    enc = {false, false};
  } else if (transfer_syntax == "1.2.840.10008.1.2.2") {
    enc = {true, true};
  } else if (transfer_syntax == "1.2.840.10008.1.2.1.99") {
    return inflate_and_walk(in);
  }
  return walk_dataset(in, enc);
}

}  // namespace

Status preflight_dicom(std::span<const std::uint8_t> bytes) {
  Cursor in(bytes);
  return preflight_cursor(in);
}

Status preflight_dicom_file(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!stream || ec)
    return make_error(ErrorCode::not_found, "cannot open DICOM file " + path.string());
  Cursor in(stream, size);
  auto status = preflight_cursor(in);
  if (!status)
    return make_error(status.error().code,
                      status.error().message + " (" + path.filename().string() + ")");
  return status;
}

}  // namespace medvision::imaging::detail
