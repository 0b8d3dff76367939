#pragma once
// Splitting a multipart/related body (RFC 2046 section 5.1, RFC 2387) into
// its parts, as WADO-RS returns instances (DICOM PS3.18 section 8.7.3.3:
// each part is one application/dicom instance).
//
// The body comes from a remote server and is not trusted: the boundary must
// be declared, every delimiter must be found, and sizes are bounded, so that
// a hostile or truncated body gives an error that says what is wrong.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medvision::pacs {

struct MultipartLimits {
  std::size_t max_parts = 100000;
  std::size_t max_part_header_bytes = 16 * 1024;
};

// A part's headers (names in lower case) and its content, as a view into the
// body that was parsed.
struct MultipartPart {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view content;

  // The value of a header, "" when absent.
  std::string header(std::string_view lower_case_name) const;
};

// The boundary parameter of a Content-Type value such as
// `multipart/related; type="application/dicom"; boundary=abc`. An error when
// the type is not multipart or the boundary is missing or invalid (RFC 2046:
// 1 to 70 characters).
Result<std::string> multipart_boundary(std::string_view content_type);

// Media type of a Content-Type value in lower case, without parameters:
// "multipart/related".
std::string media_type(std::string_view content_type);

// The parts of `body` delimited by `boundary`. The preamble before the first
// delimiter and the epilogue after the closing one are ignored. An error when
// there is no first delimiter, a part's headers do not end, or the closing
// delimiter is missing (a truncated body).
Result<std::vector<MultipartPart>> parse_multipart(std::string_view body, std::string_view boundary,
                                                   const MultipartLimits& limits = {});

// Delimiters found in `body` from `from` on, for progress while a body
// arrives: `from` advances so that a later call on the longer body neither
// misses a delimiter split between the two calls nor counts one twice.
std::size_t count_new_delimiters(std::string_view body, std::string_view boundary,
                                 std::size_t& from);

}  // namespace medvision::pacs
