#include "core/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace medvision {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

Error bad_value(const ConfigValue& v, const std::string& expected) {
  return make_error(ErrorCode::invalid_input,
                    v.source + ": expected " + expected + ", got '" + v.text + "'");
}

}  // namespace

std::string environment_name(const std::string& key) {
  std::string name = "MEDVISION_";
  for (char c : key)
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

void ConfigLayers::set_command_line(const std::string& key, const std::string& value) {
  command_line_[key] = ConfigValue{value, "command line --" + key};
}

void ConfigLayers::read_environment(const std::vector<std::string>& keys, char** envp) {
  for (const auto& key : keys) {
    const std::string name = environment_name(key);
    for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
      const std::size_t n = name.size();
      if (std::strncmp(*e, name.c_str(), n) == 0 && (*e)[n] == '=') {
        environment_[key] = ConfigValue{std::string(*e + n + 1), "environment " + name};
      }
    }
  }
}

Status ConfigLayers::read_file(const std::string& path,
                               const std::vector<std::string>& known_keys) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "config file " + path + " cannot be opened");
  std::stringstream text;
  text << in.rdbuf();
  return read_text(text.str(), path, known_keys);
}

Status ConfigLayers::read_text(const std::string& text, const std::string& name,
                               const std::vector<std::string>& known_keys) {
  std::istringstream in(text);
  std::map<std::string, ConfigValue> parsed;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    line = trim(line);
    if (line.empty()) continue;
    const auto eq = line.find('=');
    const std::string where = name + ":" + std::to_string(number);
    if (eq == std::string::npos) {
      return make_error(ErrorCode::invalid_input,
                        where + ": expected 'key = value', got '" + line + "'");
    }
    const std::string key = trim(line.substr(0, eq));
    if (std::find(known_keys.begin(), known_keys.end(), key) == known_keys.end()) {
      return make_error(ErrorCode::invalid_input, where + ": unknown setting '" + key + "'");
    }
    parsed[key] = ConfigValue{trim(line.substr(eq + 1)), where};
  }
  // All or nothing: a file with an error changes no setting.
  for (auto& [key, value] : parsed) file_[key] = std::move(value);
  return {};
}

std::optional<ConfigValue> ConfigLayers::find(const std::string& key) const {
  for (const auto* layer : {&command_line_, &environment_, &file_}) {
    const auto it = layer->find(key);
    if (it != layer->end()) return it->second;
  }
  return std::nullopt;
}

Result<std::string> ConfigLayers::get_string(const std::string& key,
                                             const std::string& fallback) const {
  const auto v = find(key);
  return v ? v->text : fallback;
}

Result<std::int64_t> ConfigLayers::get_int(const std::string& key, std::int64_t fallback,
                                           std::int64_t min, std::int64_t max) const {
  const auto v = find(key);
  if (!v) return fallback;
  std::int64_t out = 0;
  const char* end = v->text.data() + v->text.size();
  const auto [ptr, ec] = std::from_chars(v->text.data(), end, out);
  if (ec != std::errc() || ptr != end || out < min || out > max) {
    return bad_value(*v,
                     "a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return out;
}

Result<double> ConfigLayers::get_double(const std::string& key, double fallback, double min,
                                        double max) const {
  const auto v = find(key);
  if (!v) return fallback;
  double out = 0;
  const char* end = v->text.data() + v->text.size();
  const auto [ptr, ec] = std::from_chars(v->text.data(), end, out);
  if (ec != std::errc() || ptr != end || !(out >= min && out <= max)) {
    return bad_value(*v, "a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return out;
}

Result<bool> ConfigLayers::get_bool(const std::string& key, bool fallback) const {
  const auto v = find(key);
  if (!v) return fallback;
  if (v->text == "true" || v->text == "1" || v->text == "yes" || v->text == "on") return true;
  if (v->text == "false" || v->text == "0" || v->text == "no" || v->text == "off") return false;
  return bad_value(*v, "true or false");
}

}  // namespace medvision
