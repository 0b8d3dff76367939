#include "server/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/paths.h"

namespace medvision {
namespace {

std::string content_type_of(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".glb") return "model/gltf-binary";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A path segment of the web client's own files: letters, digits and "-_.~@+",
// not starting with a dot (no ".", "..", hidden files). Anything else (percent
// escapes, backslashes, NUL and control bytes, non-ASCII) is refused rather
// than decoded: the built client has no such names.
bool plain_segment(std::string_view seg) {
  if (seg.empty() || seg.size() > 255 || seg.front() == '.') return false;
  for (const char ch : seg) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~' ||
                    ch == '@' || ch == '+';
    if (!ok) return false;
  }
  return true;
}

// Whether `file`, with every symbolic link resolved, is a regular file inside
// the (resolved) web root.
bool inside_root(const std::filesystem::path& root, const std::filesystem::path& file) {
  std::error_code ec;
  const auto canonical_root = std::filesystem::canonical(root, ec);
  if (ec) return false;
  const auto canonical_file = std::filesystem::canonical(file, ec);
  if (ec) return false;
  if (!std::filesystem::is_regular_file(canonical_file, ec) || ec) return false;
  auto r = canonical_root.begin();
  auto f = canonical_file.begin();
  for (; r != canonical_root.end(); ++r, ++f) {
    if (f == canonical_file.end() || *r != *f) return false;
  }
  return f != canonical_file.end();
}

}  // namespace

std::optional<std::vector<std::string>> static_path_segments(std::string_view target) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path.front() != '/') return std::nullopt;
  path.remove_prefix(1);
  std::vector<std::string> segments;
  if (path.empty()) return segments;  // "/"
  bool trailing_slash = false;
  while (true) {
    const auto slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    if (slash != std::string_view::npos && slash + 1 == path.size()) trailing_slash = true;
    if (!plain_segment(seg)) return std::nullopt;  // also refuses "//" (an empty segment)
    segments.emplace_back(seg);
    if (slash == std::string_view::npos || trailing_slash) break;
    path.remove_prefix(slash + 1);
  }
  if (trailing_slash) segments.emplace_back("");  // a folder: its index.html
  return segments;
}

std::optional<StaticFile> load_static_file(const std::string& root, std::string_view target) {
  if (root.empty()) return std::nullopt;
  auto segments = static_path_segments(target);
  if (!segments) return std::nullopt;
  std::filesystem::path file(root);
  for (const auto& seg : *segments) file /= seg.empty() ? "index.html" : seg;
  if (segments->empty()) file /= "index.html";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    // Client routes (/sessions/ses_1) are answered with the client itself;
    // names with an extension are files that are simply not there.
    if (!segments->empty() && segments->back().find('.') != std::string::npos) return std::nullopt;
    file = std::filesystem::path(root) / "index.html";
  }
  if (!inside_root(root, file)) return std::nullopt;
  auto body = read_file(file);
  if (!body) return std::nullopt;
  const bool immutable = !segments->empty() && segments->front() == "assets";
  return StaticFile{std::move(*body), content_type_of(file), immutable};
}

std::string resolve_web_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  return find_run_folder("web/dist", "web", "index.html");
}

}  // namespace medvision
