#include "pacs/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <string_view>

namespace medvision::pacs {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string where(const HttpEndpoint& e) { return e.host + ":" + std::to_string(e.port); }

Error network_error(const HttpEndpoint& e, const std::string& doing, const beast::error_code& ec) {
  if (ec == beast::error::timeout)
    return make_error(ErrorCode::unavailable,
                      "PACS " + where(e) + " did not answer in time while " + doing);
  if (doing.rfind("reading", 0) == 0)
    return make_error(
        ErrorCode::unavailable,
        "PACS " + where(e) + " sent an incomplete response (" + doing + "): " + ec.message());
  return make_error(ErrorCode::unavailable,
                    "PACS " + where(e) + " cannot be reached (" + doing + "): " + ec.message());
}

}  // namespace

Result<HttpResponse> http_get(const HttpEndpoint& endpoint, const std::string& target,
                              const HttpGetOptions& options) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  const auto addresses = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) return network_error(endpoint, "resolving the host", ec);
  stream.expires_after(options.timeout);
  stream.connect(addresses, ec);
  if (ec) return network_error(endpoint, "connecting", ec);

  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, endpoint.host);
  request.set(http::field::user_agent, "medvision");
  if (!options.accept.empty()) request.set(http::field::accept, options.accept);
  if (!endpoint.authorization.empty())
    request.set(http::field::authorization, endpoint.authorization);
  stream.expires_after(options.timeout);
  http::write(stream, request, ec);
  if (ec) return network_error(endpoint, "sending the request", ec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body_bytes);
  stream.expires_after(options.timeout);
  http::read_header(stream, buffer, parser, ec);
  if (ec) return network_error(endpoint, "reading the response header", ec);
  while (!parser.is_done()) {
    stream.expires_after(options.timeout);
    http::read_some(stream, buffer, parser, ec);
    if (ec == http::error::body_limit)
      return make_error(ErrorCode::invalid_input,
                        "PACS " + where(endpoint) + " sent a response larger than the limit of " +
                            std::to_string(options.max_body_bytes) + " bytes");
    if (ec) return network_error(endpoint, "reading the response body", ec);
    if (options.on_body)
      options.on_body(parser.get()[http::field::content_type], parser.get().body());
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);

  auto& response = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(response.result_int());
  out.content_type = std::string(response[http::field::content_type]);
  out.body = std::move(response.body());
  return out;
}

std::string url_encode(std::string_view value) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    constexpr std::string_view kEncoded = "\"#%&+<=>\\`{|}";
    if (u > 0x20 && u < 0x7f && kEncoded.find(c) == std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace medvision::pacs
