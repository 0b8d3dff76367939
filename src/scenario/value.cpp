#include "scenario/value.h"

#include <cmath>
#include <cstdio>

namespace medvision::scenario {
namespace {

std::string number_text(double v) {
  // Integers up to 2^53 are exact in a double; print them without a fraction.
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9007199254740992.0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  if (!std::isfinite(v)) return "null";  // JSON has no inf or nan
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string to_text(const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) return number_text(*d);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

std::string to_json(const Fields& fields) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':';
    if (const auto* s = std::get_if<std::string>(&value)) {
      append_json_string(out, *s);
    } else {
      out += to_text(value);
    }
  }
  out += '}';
  return out;
}

}  // namespace medvision::scenario
