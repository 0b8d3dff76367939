#include "server/static_files.h"

#include <unistd.h>

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

}  // namespace

std::optional<StaticFile> load_static_file(const std::string& root, std::string_view target) {
  if (root.empty()) return std::nullopt;
  std::string path(target.substr(0, target.find_first_of("?#")));
  if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('\0') != std::string::npos ||
      path.find('%') != std::string::npos) {
    return std::nullopt;
  }
  if (path.back() == '/') path += "index.html";
  std::filesystem::path file = std::filesystem::path(root) / path.substr(1);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    if (file.has_extension()) return std::nullopt;
    file = std::filesystem::path(root) / "index.html";
  }
  auto body = read_file(file);
  if (!body) return std::nullopt;
  const bool immutable = path.rfind("/assets/", 0) == 0;
  return StaticFile{std::move(*body), content_type_of(file), immutable};
}

std::string resolve_web_root(const std::string& configured) {
  if (!configured.empty()) return configured;
  return find_run_folder("web/dist", "web", "index.html");
}

}  // namespace medvision
