// Fuzz target: a WADO-RS response as the DICOMweb client sees it. The first
// line is the Content-Type header value, the rest is the body; both go
// through the boundary parser, the multipart parser and the progress counter.

#include <cstdint>
#include <string_view>

#include "pacs/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const auto boundary = medvision::pacs::multipart_boundary(input.substr(0, newline));
  if (!boundary.ok()) return 0;
  const std::string_view body = input.substr(newline + 1);
  std::size_t from = 0;
  (void)medvision::pacs::count_new_delimiters(body.substr(0, body.size() / 2), *boundary, from);
  (void)medvision::pacs::count_new_delimiters(body, *boundary, from);
  medvision::pacs::MultipartLimits limits;
  limits.max_parts = 64;
  const auto parts = medvision::pacs::parse_multipart(body, *boundary, limits);
  if (parts.ok())
    for (const auto& part : *parts) (void)part.header("content-type");
  return 0;
}
