#pragma once
// A 3D texture of a volume for the browser's ray marcher: downsampled by box
// averaging to at most max_dim voxels along each axis, windowed to uint8, and
// written as one raw file (x fastest, then y, then z: the order WebGL2's
// texImage3D takes, so the browser fetches it as one ArrayBuffer and uploads
// it as is) plus a JSON header saying how to place and read it.

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/volume.h"
#include "imaging/window.h"

namespace medvision::imaging {

struct VolumeTextureOptions {
  std::int64_t max_dim = 256;
  // Transfer window; by default CT soft tissue for Hounsfield volumes and
  // the value range (preset "range") for anything else.
  std::optional<WindowLevel> window;
};

struct VolumeTexture {
  Geometry geometry;  // of the texture grid: voxel centres in LPS, spacing grown by the
                      // downsampling factors
  std::array<std::int64_t, 3> factors{1, 1, 1};
  std::string preset;
  double value_at_0 = 0;    // stored value shown as grey 0 (and below)
  double value_at_255 = 0;  // stored value shown as grey 255 (and above); linear in between
  ValueUnit unit = ValueUnit::unknown;
  std::vector<std::uint8_t> voxels;

  // Maps LPS mm to texture coordinates in [0, 1]^3 (texel centres at (i + 0.5) / n).
  Eigen::Matrix4d patient_to_texture() const;
};

Result<VolumeTexture> make_volume_texture(const Volume& volume,
                                          const VolumeTextureOptions& options = {});

// The JSON header, naming the raw file it describes.
std::string volume_texture_header(const VolumeTexture& texture, const std::string& raw_file_name);

// Writes `<stem>.raw` and `<stem>.json` into `directory`.
Status write_volume_texture(const VolumeTexture& texture, const std::filesystem::path& directory,
                            const std::string& stem);

}  // namespace medvision::imaging
