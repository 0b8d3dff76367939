#pragma once
// A fresh folder under the system temp directory, removed with its contents
// when the test ends.

#include <filesystem>
#include <random>
#include <string>

namespace medvision::imaging::testing_reference {

class TempFolder {
 public:
  explicit TempFolder(const std::string& prefix) {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace medvision::imaging::testing_reference
