#pragma once
// InVesalius 3 project files (.inv3) read into a Volume.
//
// A project is a gzip-compressed POSIX tar archive (one folder) holding
// main.plist, an Apple XML property list that names the image matrix
// ("matrix": filename, dtype, shape as [slices, rows, columns]) and its
// "spacing" [column, row, slice] in mm, and the matrix itself as raw
// little-endian samples in C order. Masks, surfaces and measurements in the
// archive are ignored.
//
// The project keeps no patient position or orientation, so the geometry is
// reconstructed from how InVesalius stacks an axial DICOM series
// (invesalius/data/imagedata_utils.py, dcm2memmap): slices in ascending
// position along the body axis, each image flipped top to bottom. The reader
// undoes the flip, so the volume is laid out as the series was: i to the
// patient's left, j posterior, k superior (identity direction in LPS, DICOM's
// default axial orientation). Debian's Cranium.inv3 shows this: skull base
// at slice 0, the table behind the head. The origin is chosen so that the
// centre of the volume sits at the patient-space origin.
//
// Only int16 CT matrices (values in HU) are accepted; everything else is a
// clear error. The archive is parsed with bounds checks and allocations grow
// only with data actually decompressed, so a hostile header cannot reserve
// memory it does not fill.

#include <cstdint>
#include <filesystem>
#include <span>

#include "core/result.h"
#include "imaging/volume.h"

namespace medvision::imaging {

Result<Volume> read_invesalius_project(const std::filesystem::path& path);
// The same from the bytes of an .inv3 file in memory.
Result<Volume> read_invesalius_project(std::span<const std::uint8_t> bytes);

}  // namespace medvision::imaging
