#pragma once
// Finding DICOM series: walk a folder (or follow a DICOMDIR), read each
// file's header, and group the instances by Series Instance UID.
//
// Only what a person needs to pick a series is kept; patient identity is not
// read here.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace medvision::imaging {

// Called as work advances: (files done, files in total).
using ScanProgress = std::function<void(std::size_t done, std::size_t total)>;

struct DicomSeries {
  std::string study_uid;
  std::string series_uid;
  std::string modality;     // (0008,0060), e.g. "CT", "MR"
  std::string description;  // Series Description (0008,103E)
  std::string series_number;
  std::vector<std::filesystem::path> files;  // ordered by Instance Number, then path

  std::size_t instance_count() const { return files.size(); }
};

struct DicomScan {
  std::vector<DicomSeries> series;  // ordered by study, series number, series UID
  std::size_t files_examined = 0;
  std::size_t files_skipped = 0;  // not DICOM, unreadable, or without a Series Instance UID
};

// `path` is a folder (searched recursively), a DICOMDIR file, or one DICOM
// file. A folder holding a DICOMDIR is searched like any folder.
Result<DicomScan> scan_dicom(const std::filesystem::path& path, const ScanProgress& progress = {});

}  // namespace medvision::imaging
