#include "pacs/study_import.h"

#include <random>

namespace medvision::pacs {
namespace {

namespace fs = std::filesystem;

// A folder only this process uses, removed with its contents at scope end.
class ScratchFolder {
 public:
  static Result<ScratchFolder> create(const fs::path& parent) {
    std::error_code ec;
    const fs::path base = parent.empty() ? fs::temp_directory_path(ec) : parent;
    if (ec) return make_error(ErrorCode::unavailable, "no temporary folder: " + ec.message());
    std::random_device random;
    for (int attempt = 0; attempt < 8; ++attempt) {
      const fs::path path =
          base / ("medvision-pacs-" + std::to_string(random()) + std::to_string(random()));
      if (fs::create_directory(path, ec)) {
        fs::permissions(path, fs::perms::owner_all, ec);  // patient data: owner only
        return ScratchFolder(path);
      }
    }
    return make_error(ErrorCode::unavailable,
                      "cannot create a temporary folder under " + base.string());
  }
  ScratchFolder(ScratchFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  ScratchFolder& operator=(ScratchFolder&&) = delete;
  ~ScratchFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchFolder(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

}  // namespace

Result<imaging::VolumeSource> load_pacs_study(PacsClient& pacs, const std::string& study_uid,
                                              const imaging::SourceProgress& progress,
                                              const imaging::VolumeSourceOptions& options,
                                              const fs::path& scratch) {
  auto folder = ScratchFolder::create(scratch);
  if (!folder) return folder.error();
  RetrieveProgress retrieved;
  if (progress)
    retrieved = [&](std::size_t done, std::size_t total) {
      progress({"retrieving", "instances", done, total});
    };
  auto count = pacs.retrieve_study(study_uid, folder->path(), retrieved);
  if (!count) return count.error();
  auto source = imaging::load_volume_source(folder->path(), progress, options);
  if (!source)
    return make_error(source.error().code, "study " + study_uid + " from " + pacs.describe() +
                                               ": " + source.error().message);
  return source;
}

}  // namespace medvision::pacs
