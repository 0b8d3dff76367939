#pragma once
// Loading what a person points at as volumes: a NIfTI file (.nii, .nii.gz),
// or DICOM given as a folder, a DICOMDIR or one file, where every series
// found is read. Commands and routes that take "an image" start here, so
// that they accept the same inputs and report problems the same way.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/deidentify.h"
#include "imaging/dicom_series.h"
#include "imaging/volume.h"

namespace medvision::imaging {

enum class SourceFormat { nifti, dicom };
const char* to_string(SourceFormat format);

// What is being done while loading: scanning DICOM files, reading one
// series (its slices) or reading a NIfTI file.
struct SourceStage {
  std::string what;  // "scanning", "series 2/3 (CT)", "ch2.nii.gz"
  std::string unit;  // what done/total count: "files", "slices", "volume"
  std::size_t done = 0;
  std::size_t total = 0;
};
using SourceProgress = std::function<void(const SourceStage& stage)>;

struct VolumeSourceOptions {
  // When set, DICOM series are de-identified as they are read (deidentify():
  // description removed, UIDs remapped) and a NIfTI description is dropped.
  std::optional<UidMapper> deidentify_with;
  DicomReadOptions dicom;
  std::int64_t nifti_volume_index = 0;  // which volume of a 4D NIfTI file
};

// One volume read from the source: a DICOM series or the NIfTI image.
struct SourceVolume {
  std::string label;  // where it came from: "series 3/14 (CT, number 5, 5 files)" or the file name
  Volume volume;
  std::string modality;    // DICOM Modality; "" for NIfTI
  std::size_t slices = 0;  // DICOM frames read, or the NIfTI k dimension
  std::optional<DicomSeriesInfo> dicom;
  std::vector<std::string> warnings;
};

// A DICOM series that was found but could not be read.
struct SourceFailure {
  std::string series;   // "series 3 (MR, 12 files)"
  std::string message;  // why, as the reader said it
};

struct VolumeSource {
  SourceFormat format = SourceFormat::nifti;
  std::vector<SourceVolume> volumes;    // in scan order
  std::vector<SourceFailure> failures;  // series found but not read
  std::size_t series_found = 0;         // DICOM series found (1 for NIfTI)
  std::size_t files_examined = 0;
  std::size_t files_skipped = 0;  // not DICOM, unreadable, or without a series
  bool deidentified = false;
};

// Loads every volume of `path`. An error (naming the path) when nothing
// could be read: a missing path, a file that is neither NIfTI nor DICOM, a
// folder without DICOM series, or series that all failed (with their
// reasons). Series that fail next to ones that read are listed in failures.
Result<VolumeSource> load_volume_source(const std::filesystem::path& path,
                                        const SourceProgress& progress = {},
                                        const VolumeSourceOptions& options = {});

// The volume a single-volume consumer (surface extraction) should use: the
// one with the most voxels, the first of equals. Requires a non-empty source.
const SourceVolume& largest_volume(const VolumeSource& source);
SourceVolume& largest_volume(VolumeSource& source);

// Whether two grids place voxels at the same patient positions (same dims,
// spacing, origin and direction within `tolerance_mm` over the grid).
bool same_grid(const Geometry& a, const Geometry& b, double tolerance_mm = 1e-3);

}  // namespace medvision::imaging
