#pragma once
// NIfTI-1 and NIfTI-2 single-file images (.nii, .nii.gz) read into a Volume.
//
// Placement follows the NIfTI-1 standard (nifti1.h): the sform when its code
// is set, else the qform, else voxel sizes only ("method 1"); the RAS world is
// turned into LPS by negating x and y. uint8, int16, uint16 and float32 voxels
// keep their type; other numeric types and scaled data (scl_slope,
// scl_inter) are stored as float32 unless every value is an integer that
// int16/uint16 hold. Files with more than three dimensions hold several
// volumes; one of them is read.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/volume.h"

namespace medvision::imaging {

struct NiftiOptions {
  // Which 3D volume of a 4D (or higher) file to read; volumes are counted over
  // dims 4..7 in file order.
  std::int64_t volume_index = 0;
};

struct NiftiVolume {
  Volume volume;
  std::int64_t volume_count = 1;      // 3D volumes the file holds (dims 4..7 multiplied)
  int nifti_version = 1;              // 1 or 2
  std::vector<std::string> warnings;  // worth showing to the person importing
};

Result<NiftiVolume> read_nifti(const std::filesystem::path& path, const NiftiOptions& options = {});
// The same from bytes in memory (a .nii or a gzip-compressed .nii.gz).
Result<NiftiVolume> read_nifti(std::span<const std::uint8_t> bytes,
                               const NiftiOptions& options = {});

}  // namespace medvision::imaging
