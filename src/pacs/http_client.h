#pragma once
// A small blocking HTTP/1.1 client (Boost.Beast) for talking to a DICOMweb
// server. It lives in pacs/, not imaging/, so that imaging keeps to GDCM and
// does not depend on Boost.Beast/Asio.
//
// Responses come from a server we do not control: every read has a timeout
// and the body is bounded, so a stalled or endless response ends in an error.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace medvision::pacs {

struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 80;
  std::string authorization;  // the Authorization header value, "" for none
};

struct HttpGetOptions {
  std::string accept;
  std::chrono::milliseconds timeout{30000};  // per read or write, not per response
  std::uint64_t max_body_bytes = std::uint64_t{1} << 32;
  // Called as the body arrives, with the response's Content-Type and the
  // part of the body received so far.
  std::function<void(std::string_view content_type, std::string_view body_so_far)> on_body;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// GET `target` (path and query) from the endpoint. An error names the server
// when it cannot be reached, times out, sends a malformed response or one
// larger than max_body_bytes. Any status is returned as a response.
Result<HttpResponse> http_get(const HttpEndpoint& endpoint, const std::string& target,
                              const HttpGetOptions& options = {});

// Percent-encoding of a query parameter value (RFC 3986 section 2.1) that
// keeps what a query may carry as it is, in particular the QIDO-RS
// wildcards * and ? and the PN separator ^ (PS3.18 section 8.3.4): Orthanc
// 1.10 matched percent-encoded wildcards literally. Encoded: controls,
// space, non-ASCII bytes and " # % & + < = > \ ` { | }.
std::string url_encode(std::string_view value);

// RFC 4648 base64, for the Basic authorization header (RFC 7617).
std::string base64(std::string_view bytes);

}  // namespace medvision::pacs
