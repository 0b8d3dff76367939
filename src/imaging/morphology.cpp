#include "imaging/morphology.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <array>
#include <cmath>
#include <vector>

namespace medvision::imaging {
namespace {

using Offset = std::array<std::int64_t, 3>;

std::vector<Offset> element_offsets(const StructuringElement& e, const Eigen::Vector3d& spacing) {
  if (e.shape == ElementShape::cross) {
    return {{0, 0, 0}, {1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  }
  std::vector<Offset> offsets;
  std::array<std::int64_t, 3> reach{};
  for (int a = 0; a < 3; ++a)
    reach[static_cast<std::size_t>(a)] =
        static_cast<std::int64_t>(std::floor(e.radius_mm / spacing[a]));
  for (std::int64_t k = -reach[2]; k <= reach[2]; ++k) {
    for (std::int64_t j = -reach[1]; j <= reach[1]; ++j) {
      for (std::int64_t i = -reach[0]; i <= reach[0]; ++i) {
        const Eigen::Vector3d d(static_cast<double>(i) * spacing.x(),
                                static_cast<double>(j) * spacing.y(),
                                static_cast<double>(k) * spacing.z());
        if (d.norm() <= e.radius_mm + 1e-9) offsets.push_back({i, j, k});
      }
    }
  }
  return offsets;
}

Volume as_mask(const Volume& volume) {
  Volume mask(volume.geometry(), VoxelType::u8, ValueUnit::label);
  auto& out = mask.data<std::uint8_t>();
  std::visit(
      [&](const auto& v) {
        for (std::size_t n = 0; n < v.size(); ++n) out[n] = v[n] != 0 ? 1 : 0;
      },
      volume.storage());
  return mask;
}

// Dilation: any offset neighbour set. Erosion: every offset neighbour set
// (outside the volume counts as set).
Volume morph(const Volume& volume, const StructuringElement& element, bool erosion) {
  const Volume mask = as_mask(volume);
  const auto& in = mask.data<std::uint8_t>();
  const Dims& d = mask.dims();
  const std::vector<Offset> offsets = element_offsets(element, mask.geometry().spacing);
  Volume out(mask.geometry(), VoxelType::u8, ValueUnit::label);
  auto& o = out.data<std::uint8_t>();
  tbb::parallel_for(
      tbb::blocked_range<std::int64_t>(0, d[2]), [&](const tbb::blocked_range<std::int64_t>& ks) {
        for (std::int64_t k = ks.begin(); k != ks.end(); ++k) {
          for (std::int64_t j = 0; j < d[1]; ++j) {
            for (std::int64_t i = 0; i < d[0]; ++i) {
              bool result = erosion;
              for (const Offset& off : offsets) {
                const std::int64_t x = i + off[0], y = j + off[1], z = k + off[2];
                const bool outside = x < 0 || y < 0 || z < 0 || x >= d[0] || y >= d[1] || z >= d[2];
                const bool set = outside ? erosion : in[mask.linear_index(x, y, z)] != 0;
                if (erosion && !set) {
                  result = false;
                  break;
                }
                if (!erosion && set) {
                  result = true;
                  break;
                }
              }
              o[mask.linear_index(i, j, k)] = result ? 1 : 0;
            }
          }
        }
      });
  return out;
}

}  // namespace

Volume dilate(const Volume& mask, const StructuringElement& element) {
  return morph(mask, element, false);
}
Volume erode(const Volume& mask, const StructuringElement& element) {
  return morph(mask, element, true);
}
Volume opening(const Volume& mask, const StructuringElement& element) {
  return dilate(erode(mask, element), element);
}
Volume closing(const Volume& mask, const StructuringElement& element) {
  return erode(dilate(mask, element), element);
}

}  // namespace medvision::imaging
