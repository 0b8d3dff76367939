#include "store/postgres_url.h"

#include <cctype>
#include <string_view>

namespace medvision::store {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (std::size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

}  // namespace

PostgresEndpoint parse_postgres_url(const std::string& url) {
  PostgresEndpoint endpoint;
  std::string_view rest = url;
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    rest.remove_prefix(scheme_end + 3);
  }
  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    endpoint.database = percent_decode(rest.substr(slash + 1));
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      endpoint.password = std::string(userinfo.substr(colon + 1));
    }
    authority.remove_prefix(at + 1);
  }
  // An IPv6 host is bracketed: [::1]:5432.
  std::size_t port_colon = authority.rfind(':');
  if (port_colon != std::string_view::npos &&
      authority.find(']', port_colon) != std::string_view::npos) {
    port_colon = std::string_view::npos;
  }
  endpoint.host = percent_decode(authority.substr(0, port_colon));
  if (port_colon != std::string_view::npos) endpoint.port = authority.substr(port_colon + 1);

  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = pair.substr(0, eq);
    const std::string value = percent_decode(pair.substr(eq + 1));
    if (key == "host") endpoint.host = value;
    if (key == "port") endpoint.port = value;
    if (key == "dbname") endpoint.database = value;
    if (key == "password") endpoint.password = value;
  }
  if (endpoint.host.empty()) endpoint.host = "localhost";
  if (endpoint.port.empty()) endpoint.port = "5432";
  return endpoint;
}

std::string describe(const PostgresEndpoint& endpoint) {
  return endpoint.host + ":" + endpoint.port + "/" + endpoint.database;
}

std::string scrub_password(std::string text, const PostgresEndpoint& endpoint) {
  if (endpoint.password.empty()) return text;
  replace_all(text, endpoint.password, "***");
  replace_all(text, percent_decode(endpoint.password), "***");
  return text;
}

}  // namespace medvision::store
