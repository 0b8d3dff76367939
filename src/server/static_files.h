#pragma once
// The built web client, served from a folder. Only regular files whose
// canonical path lies under the canonical web root are served; a target with
// an empty segment ("//"), a dot segment, a percent escape, a backslash, NUL,
// a control byte or any byte outside a plain file-name set is refused before
// the file system is asked. Unknown paths without an extension get index.html
// (the client routes them).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medvision {

struct StaticFile {
  std::string body;
  std::string content_type;
  bool immutable = false;  // hashed asset names can be cached for a long time
};

// The segments of a static-file target ("/assets/a.js?x" -> assets, a.js); a
// trailing slash adds an empty segment; nullopt if any segment is refused.
std::optional<std::vector<std::string>> static_path_segments(std::string_view target);

std::optional<StaticFile> load_static_file(const std::string& root, std::string_view target);

// First existing folder of: configured, ./web/dist, <exe dir>/../share/medvision/web.
std::string resolve_web_root(const std::string& configured);

}  // namespace medvision
