#pragma once
// The built web client, served from a folder. Paths outside it are refused;
// unknown paths without an extension get index.html (the client routes them).

#include <optional>
#include <string>
#include <string_view>

namespace medvision {

struct StaticFile {
  std::string body;
  std::string content_type;
  bool immutable = false;  // hashed asset names can be cached for a long time
};

std::optional<StaticFile> load_static_file(const std::string& root, std::string_view target);

// First existing folder of: configured, ./web/dist, <exe dir>/../share/medvision/web.
std::string resolve_web_root(const std::string& configured);

}  // namespace medvision
