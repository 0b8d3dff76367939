#pragma once
// A Volume as one blob for the record store, so that models can be built
// later from the full-resolution voxels (the volume texture is downsampled
// and windowed to 8 bits): a one-line JSON header (grid, voxel type, unit),
// a newline, then the voxels as stored (i fastest, little-endian).

#include <string>
#include <string_view>

#include "core/result.h"
#include "imaging/volume.h"

namespace medvision::library {

std::string encode_volume_blob(const imaging::Volume& volume);
// Checks the header against the bytes that follow: a blob whose voxel count,
// type or size disagree is an error, never a partial volume.
Result<imaging::Volume> decode_volume_blob(std::string_view blob);

}  // namespace medvision::library
