#include "imaging/volume_texture.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

namespace medvision::imaging {
namespace {

using nlohmann::json;

json matrix_rows(const Eigen::Matrix4d& m) {
  json rows = json::array();
  for (int r = 0; r < 4; ++r) rows.push_back({m(r, 0), m(r, 1), m(r, 2), m(r, 3)});
  return rows;
}

const char* unit_name(ValueUnit unit) {
  switch (unit) {
    case ValueUnit::hounsfield:
      return "HU";
    case ValueUnit::label:
      return "label";
    case ValueUnit::intensity:
      return "intensity";
    case ValueUnit::unknown:
      break;
  }
  return "unknown";
}

// Box average of each factors-sized block (blocks at the far edge average
// the voxels they have), then the window.
template <class T>
void downsample(const Volume& volume, const std::vector<T>& src, VolumeTexture& t,
                const WindowLevel& window) {
  const Dims& in = volume.dims();
  const Dims& out = t.geometry.dims;
  t.voxels.assign(static_cast<std::size_t>(t.geometry.voxel_count()), 0);
  tbb::parallel_for(
      tbb::blocked_range<std::int64_t>(0, out[2]), [&](const tbb::blocked_range<std::int64_t>& ks) {
        for (std::int64_t k = ks.begin(); k != ks.end(); ++k) {
          for (std::int64_t j = 0; j < out[1]; ++j) {
            for (std::int64_t i = 0; i < out[0]; ++i) {
              double sum = 0;
              std::int64_t n = 0;
              const std::int64_t z1 = std::min(in[2], (k + 1) * t.factors[2]);
              const std::int64_t y1 = std::min(in[1], (j + 1) * t.factors[1]);
              const std::int64_t x1 = std::min(in[0], (i + 1) * t.factors[0]);
              for (std::int64_t z = k * t.factors[2]; z < z1; ++z)
                for (std::int64_t y = j * t.factors[1]; y < y1; ++y)
                  for (std::int64_t x = i * t.factors[0]; x < x1; ++x, ++n)
                    sum += static_cast<double>(src[volume.linear_index(x, y, z)]);
              t.voxels[static_cast<std::size_t>(i + out[0] * (j + out[1] * k))] =
                  static_cast<std::uint8_t>(std::lround(window_value(
                      sum / static_cast<double>(std::max<std::int64_t>(n, 1)), window)));
            }
          }
        }
      });
}

}  // namespace

Eigen::Matrix4d VolumeTexture::patient_to_texture() const {
  // texture = (index + 0.5) / n, index = inverse(index_to_patient) * p.
  Eigen::Matrix4d index_to_texture = Eigen::Matrix4d::Identity();
  for (int a = 0; a < 3; ++a) {
    const double n = static_cast<double>(geometry.dims[static_cast<std::size_t>(a)]);
    index_to_texture(a, a) = 1.0 / n;
    index_to_texture(a, 3) = 0.5 / n;
  }
  return index_to_texture * geometry.index_to_patient_matrix().inverse();
}

Result<VolumeTexture> make_volume_texture(const Volume& volume,
                                          const VolumeTextureOptions& options) {
  if (options.max_dim < 1)
    return make_error(ErrorCode::invalid_input, "volume texture max_dim must be at least 1");
  if (volume.geometry().voxel_count() <= 0)
    return make_error(ErrorCode::invalid_input, "volume is empty");
  VolumeTexture t;
  t.unit = volume.unit();
  const Geometry& g = volume.geometry();
  t.geometry = g;
  for (std::size_t a = 0; a < 3; ++a) {
    t.factors[a] = (g.dims[a] + options.max_dim - 1) / options.max_dim;
    t.geometry.dims[a] = (g.dims[a] + t.factors[a] - 1) / t.factors[a];
    t.geometry.spacing[static_cast<Eigen::Index>(a)] =
        g.spacing[static_cast<Eigen::Index>(a)] * static_cast<double>(t.factors[a]);
  }
  // A block's centre: the mean of its voxel centres (first block).
  const Eigen::Vector3d shift(static_cast<double>(t.factors[0] - 1) / 2,
                              static_cast<double>(t.factors[1] - 1) / 2,
                              static_cast<double>(t.factors[2] - 1) / 2);
  t.geometry.origin = g.index_to_patient(shift);

  WindowLevel window{"range", 1, 0};
  if (options.window) {
    window = *options.window;
  } else if (volume.unit() == ValueUnit::hounsfield) {
    window = window_presets::ct_soft_tissue;
  } else {
    const auto [lo, hi] = volume.range();
    // Chosen so that window_low = lo and window_high = hi (DICOM's offsets).
    window.width = std::max(1.0, hi - lo + 1);
    window.centre = lo + 0.5 + (window.width - 1) / 2;
  }
  t.preset = std::string(window.name);
  t.value_at_0 = window_low(window);
  t.value_at_255 = window_high(window);
  std::visit([&](const auto& src) { downsample(volume, src, t, window); }, volume.storage());
  return t;
}

std::string volume_texture_header(const VolumeTexture& t, const std::string& raw_file_name) {
  const Geometry& g = t.geometry;
  json header = {
      {"format", "medvision-volume-texture"},
      {"version", 1},
      {"data", raw_file_name},
      {"byte_length", t.voxels.size()},
      {"voxel_type", "uint8"},
      {"layout", "x fastest, then y, then z (WebGL2 texImage3D order)"},
      {"dims", {g.dims[0], g.dims[1], g.dims[2]}},
      {"spacing_mm", {g.spacing.x(), g.spacing.y(), g.spacing.z()}},
      {"downsampling", {t.factors[0], t.factors[1], t.factors[2]}},
      {"index_to_lps", matrix_rows(g.index_to_patient_matrix())},
      {"lps_to_texture", matrix_rows(t.patient_to_texture())},
      {"coordinates",
       "LPS millimetres; texture coordinates in [0, 1] with texel centres at (i + 0.5) / n"},
      {"preset", t.preset},
      {"value_mapping",
       {{"kind", "linear_clamped"},
        {"unit", unit_name(t.unit)},
        {"value_at_0", t.value_at_0},
        {"value_at_255", t.value_at_255},
        {"formula", "value = value_at_0 + byte / 255 * (value_at_255 - value_at_0)"}}},
  };
  return header.dump(2);
}

Status write_volume_texture(const VolumeTexture& texture, const std::filesystem::path& directory,
                            const std::string& stem) {
  const std::string raw_name = stem + ".raw";
  std::ofstream raw(directory / raw_name, std::ios::binary | std::ios::trunc);
  raw.write(reinterpret_cast<const char*>(texture.voxels.data()),
            static_cast<std::streamsize>(texture.voxels.size()));
  std::ofstream header(directory / (stem + ".json"), std::ios::trunc);
  header << volume_texture_header(texture, raw_name) << '\n';
  if (!raw || !header) {
    return make_error(ErrorCode::unavailable,
                      "cannot write volume texture " + stem + " into " + directory.string());
  }
  return {};
}

}  // namespace medvision::imaging
