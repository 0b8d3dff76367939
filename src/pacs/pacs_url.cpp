#include "pacs/pacs_url.h"

#include <algorithm>
#include <charconv>

namespace medvision::pacs {
namespace {

Error bad_url(std::string_view url, const std::string& why) {
  return make_error(ErrorCode::invalid_input,
                    "PACS URL \"" + std::string(url.substr(0, 200)) + "\" " + why +
                        " (expected http://host:port/dicom-web or dicom://AET@host:port)");
}

// "host:port" or "host" (port 0 then), "[v6]:port" too.
bool split_host_port(std::string_view s, std::string& host, std::uint16_t& port) {
  std::string_view port_text;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(s.substr(1, close - 1));
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return false;
      port_text = s.substr(close + 2);
    }
  } else {
    const auto colon = s.rfind(':');
    host = std::string(s.substr(0, colon));
    if (colon != std::string_view::npos) port_text = s.substr(colon + 1);
  }
  if (host.empty()) return false;
  if (port_text.empty()) return true;
  unsigned value = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
      value > 65535)
    return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

bool valid_ae_title(std::string_view aet) {
  if (aet.empty() || aet.size() > 16) return false;
  if (std::all_of(aet.begin(), aet.end(), [](char c) { return c == ' '; })) return false;
  return std::none_of(aet.begin(), aet.end(), [](char c) {
    return c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
           static_cast<unsigned char>(c) == 0x7f;
  });
}

bool valid_uid(std::string_view uid) {
  return !uid.empty() && uid.size() <= 64 && std::all_of(uid.begin(), uid.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

std::string PacsUrl::display() const {
  if (protocol == PacsProtocol::dimse)
    return "dicom://" + called_aet + "@" + host + ":" + std::to_string(port);
  return "http://" + host + ":" + std::to_string(port) + path;
}

Result<PacsUrl> parse_pacs_url(std::string_view url) {
  PacsUrl out;
  std::string_view rest;
  if (url.rfind("http://", 0) == 0) {
    out.protocol = PacsProtocol::dicomweb;
    rest = url.substr(7);
  } else if (url.rfind("dicom://", 0) == 0) {
    out.protocol = PacsProtocol::dimse;
    rest = url.substr(8);
  } else if (url.rfind("https://", 0) == 0) {
    return bad_url(url,
                   "uses https, which this client does not speak yet: use a local http "
                   "proxy or DIMSE");
  } else {
    return bad_url(url, "has an unknown scheme");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  const auto at = authority.rfind('@');
  std::string_view user;
  if (at != std::string_view::npos) {
    user = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  if (!split_host_port(authority, out.host, out.port))
    return bad_url(url, "has no valid host and port");

  if (out.protocol == PacsProtocol::dimse) {
    if (!path.empty() && path != "/") return bad_url(url, "has a path, which DIMSE does not use");
    if (!valid_ae_title(user))
      return bad_url(url, "needs the PACS's AE title before '@' (1 to 16 characters)");
    if (out.port == 0) return bad_url(url, "needs a port");
    out.called_aet = std::string(user);
    return out;
  }
  if (out.port == 0) out.port = 80;
  out.user_info = std::string(user);
  out.path = std::string(path);
  if (out.path.find_first_of("?#") != std::string::npos)
    return bad_url(url, "has a query or fragment; give the DICOMweb root only");
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  return out;
}

}  // namespace medvision::pacs
