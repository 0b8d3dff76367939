#pragma once
// Layered configuration: command line > environment (MEDVISION_*) > config
// file > built-in default. Each value remembers where it came from so that a
// bad value is reported with its source ("MEDVISION_PORT: expected ...").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace medvision {

struct ConfigValue {
  std::string text;
  std::string source;  // "command line", "environment MEDVISION_PORT", "medvision.conf:12"
};

class ConfigLayers {
 public:
  // Keys are lower-case with dashes: "tls-cert". Later calls to a layer of
  // higher priority win regardless of call order.
  void set_command_line(const std::string& key, const std::string& value);
  // Reads MEDVISION_<KEY> (upper-case, dashes as underscores) for each known key.
  void read_environment(const std::vector<std::string>& keys, char** envp);
  // Parses `key = value` lines; '#' starts a comment. Unknown keys are errors
  // so that a typo does not silently fall back to a default.
  Status read_file(const std::string& path, const std::vector<std::string>& known_keys);
  // The same for text already in memory; `name` stands for the file in messages.
  Status read_text(const std::string& text, const std::string& name,
                   const std::vector<std::string>& known_keys);

  std::optional<ConfigValue> find(const std::string& key) const;

  Result<std::string> get_string(const std::string& key, const std::string& fallback) const;
  Result<std::int64_t> get_int(const std::string& key, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) const;
  Result<double> get_double(const std::string& key, double fallback, double min, double max) const;
  Result<bool> get_bool(const std::string& key, bool fallback) const;

 private:
  std::map<std::string, ConfigValue> command_line_, environment_, file_;
};

std::string environment_name(const std::string& key);

}  // namespace medvision
