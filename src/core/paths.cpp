#include "core/paths.h"

#include <filesystem>

namespace medvision {

std::string find_run_folder(std::string_view relative, std::string_view share_name,
                            std::string_view marker) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(fs::path(relative) / marker, ec))
    return fs::absolute(relative, ec).lexically_normal().string();
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  for (const auto& candidate : {exe.parent_path() / ".." / "share" / "medvision" / share_name,
                                exe.parent_path() / ".." / ".." / ".." / relative}) {
    if (fs::exists(candidate / marker, ec)) return candidate.lexically_normal().string();
  }
  return {};
}

}  // namespace medvision
