#include "pacs/multipart.h"

#include <algorithm>
#include <cctype>

namespace medvision::pacs {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// RFC 2046 bchars: digits, letters and '()+_,-./:=? and space (not last).
bool valid_boundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  constexpr std::string_view kSpecials = "'()+_,-./:=? ";
  return std::all_of(b.begin(), b.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

// A parameter value, unquoted (RFC 2045 section 5.1: token or quoted-string).
std::string_view parameter_value(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && v.front() == '"') {
    const auto end = v.find('"', 1);
    return end == std::string_view::npos ? std::string_view{} : v.substr(1, end - 1);
  }
  return v.substr(0, v.find(';'));
}

// The line ending after a delimiter: transport padding (spaces, tabs) then CRLF.
std::size_t skip_line_end(std::string_view body, std::size_t at) {
  while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
  if (body.substr(at, 2) == "\r\n") return at + 2;
  if (body.substr(at, 1) == "\n") return at + 1;  // tolerated: bare LF
  return std::string_view::npos;
}

Result<std::vector<std::pair<std::string, std::string>>> parse_headers(std::string_view block,
                                                                       std::size_t part) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t at = 0;
  while (at < block.size()) {
    std::size_t end = block.find('\n', at);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = trim(block.substr(at, end - at));
    at = end + 1;
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return make_error(ErrorCode::invalid_input, "multipart body: part " + std::to_string(part) +
                                                      " has a header line without a name");
    headers.emplace_back(lower(trim(line.substr(0, colon))),
                         std::string(trim(line.substr(colon + 1))));
  }
  return headers;
}

}  // namespace

std::string MultipartPart::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_case_name) return value;
  return {};
}

std::string media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

Result<std::string> multipart_boundary(std::string_view content_type) {
  if (media_type(content_type).rfind("multipart/", 0) != 0)
    return make_error(ErrorCode::invalid_input,
                      "expected a multipart response, got Content-Type \"" +
                          std::string(content_type.substr(0, 200)) + "\"");
  std::size_t at = content_type.find(';');
  while (at != std::string_view::npos) {
    const std::size_t next = content_type.find(';', at + 1);
    const std::string_view param = content_type.substr(
        at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
    const auto eq = param.find('=');
    if (eq != std::string_view::npos && lower(trim(param.substr(0, eq))) == "boundary") {
      // A quoted boundary may contain ';', so take the value from the full rest.
      const std::string_view value = parameter_value(content_type.substr(at + 1 + eq + 1));
      if (!valid_boundary(value))
        return make_error(ErrorCode::invalid_input,
                          "multipart Content-Type has an invalid boundary (RFC 2046: 1 to 70 "
                          "characters from a restricted set)");
      return std::string(value);
    }
    at = next;
  }
  return make_error(ErrorCode::invalid_input,
                    "multipart Content-Type has no boundary parameter: \"" +
                        std::string(content_type.substr(0, 200)) + "\"");
}

Result<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits) {
  if (!valid_boundary(boundary))
    return make_error(ErrorCode::invalid_input, "multipart boundary is invalid");
  const std::string dash_boundary = "--" + std::string(boundary);
  // A delimiter is CRLF "--" boundary; the first may start the body.
  const std::string delimiter = "\r\n" + dash_boundary;

  std::size_t at = 0;
  if (body.substr(0, dash_boundary.size()) != dash_boundary) {
    const auto first = body.find(delimiter);
    if (first == std::string_view::npos)
      return make_error(ErrorCode::invalid_input,
                        "multipart body does not contain its boundary (empty or not the "
                        "declared boundary)");
    at = first + 2;
  }
  at += dash_boundary.size();

  std::vector<MultipartPart> parts;
  for (;;) {
    if (body.substr(at, 2) == "--") return parts;  // closing delimiter
    const std::size_t part_start = skip_line_end(body, at);
    if (part_start == std::string_view::npos)
      return make_error(ErrorCode::invalid_input, "multipart body: delimiter " +
                                                      std::to_string(parts.size() + 1) +
                                                      " is not followed by a line end");
    if (parts.size() >= limits.max_parts)
      return make_error(ErrorCode::invalid_input, "multipart body has more than " +
                                                      std::to_string(limits.max_parts) + " parts");
    const std::size_t part_number = parts.size() + 1;
    // Headers end at an empty line; a part without headers starts with it.
    std::size_t header_end = std::string_view::npos;
    std::size_t content_start = std::string_view::npos;
    if (body.substr(part_start, 2) == "\r\n") {
      header_end = part_start;
      content_start = part_start + 2;
    } else {
      const std::size_t crlf = body.find("\r\n\r\n", part_start);
      if (crlf != std::string_view::npos) {
        header_end = crlf;
        content_start = crlf + 4;
      }
    }
    if (header_end == std::string_view::npos ||
        header_end - part_start > limits.max_part_header_bytes)
      return make_error(ErrorCode::invalid_input,
                        "multipart body: the headers of part " + std::to_string(part_number) +
                            " do not end within " + std::to_string(limits.max_part_header_bytes) +
                            " bytes");
    auto headers = parse_headers(body.substr(part_start, header_end - part_start), part_number);
    if (!headers) return headers.error();
    const std::size_t content_end = body.find(delimiter, content_start);
    if (content_end == std::string_view::npos)
      return make_error(ErrorCode::invalid_input, "multipart body is truncated: part " +
                                                      std::to_string(part_number) +
                                                      " has no closing boundary");
    parts.push_back({std::move(*headers), body.substr(content_start, content_end - content_start)});
    at = content_end + delimiter.size();
  }
}

std::size_t count_new_delimiters(std::string_view body, std::string_view boundary,
                                 std::size_t& from) {
  const std::string delimiter = "\r\n--" + std::string(boundary);
  std::size_t n = 0;
  std::size_t at = body.find(delimiter, from);
  for (; at != std::string_view::npos; at = body.find(delimiter, at + delimiter.size())) {
    ++n;
    from = at + delimiter.size();
  }
  // A delimiter may have arrived in part: search its possible start again next time.
  if (body.size() >= delimiter.size()) from = std::max(from, body.size() - delimiter.size() + 1);
  return n;
}

}  // namespace medvision::pacs
