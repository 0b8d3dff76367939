#include "imaging/resample.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

namespace medvision::imaging {
namespace {

// Per output index along one axis: the lower source index and the weight of the upper one.
struct AxisSamples {
  std::vector<std::int64_t> lower;
  std::vector<double> weight;
};

AxisSamples axis_samples(std::int64_t source_n, std::int64_t out_n, double step,
                         Interpolation interpolation) {
  AxisSamples s;
  s.lower.resize(static_cast<std::size_t>(out_n));
  s.weight.resize(static_cast<std::size_t>(out_n));
  for (std::int64_t o = 0; o < out_n; ++o) {
    const double x =
        std::clamp(static_cast<double>(o) * step, 0.0, static_cast<double>(source_n - 1));
    if (interpolation == Interpolation::nearest) {
      s.lower[static_cast<std::size_t>(o)] = static_cast<std::int64_t>(std::floor(x + 0.5));
      s.weight[static_cast<std::size_t>(o)] = 0;
    } else {
      const std::int64_t i = std::min<std::int64_t>(static_cast<std::int64_t>(std::floor(x)),
                                                    std::max<std::int64_t>(0, source_n - 2));
      s.lower[static_cast<std::size_t>(o)] = i;
      s.weight[static_cast<std::size_t>(o)] = source_n > 1 ? x - static_cast<double>(i) : 0.0;
    }
  }
  return s;
}

template <class T>
T store(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    return static_cast<T>(std::clamp(std::round(v),
                                     static_cast<double>(std::numeric_limits<T>::min()),
                                     static_cast<double>(std::numeric_limits<T>::max())));
  }
}

}  // namespace

Interpolation default_interpolation(const Volume& volume) {
  return volume.unit() == ValueUnit::label ? Interpolation::nearest : Interpolation::linear;
}

Result<Volume> resample(const Volume& volume, const Eigen::Vector3d& spacing) {
  return resample(volume, spacing, default_interpolation(volume));
}

Result<Volume> resample(const Volume& volume, const Eigen::Vector3d& spacing,
                        Interpolation interpolation) {
  if (!(spacing.array() > 0).all() || !spacing.allFinite()) {
    std::ostringstream m;
    m << "resampling needs a positive spacing, got " << spacing.transpose() << " mm";
    return make_error(ErrorCode::invalid_input, m.str());
  }
  const Geometry& in = volume.geometry();
  Geometry out = in;
  out.spacing = spacing;
  double voxels = 1;
  for (std::size_t a = 0; a < 3; ++a) {
    const auto ai = static_cast<Eigen::Index>(a);
    out.dims[a] =
        in.dims[a] <= 0
            ? 0
            : static_cast<std::int64_t>(std::floor(
                  static_cast<double>(in.dims[a] - 1) * in.spacing[ai] / spacing[ai] + 1e-9)) +
                  1;
    voxels *= static_cast<double>(out.dims[a]);
  }
  if (voxels > static_cast<double>(max_voxels)) {
    return make_error(ErrorCode::invalid_input,
                      "resampled grid would hold " + std::to_string(voxels) +
                          " voxels, more than the limit of " + std::to_string(max_voxels));
  }
  Volume result(out, volume.type(), volume.unit());
  result.modality = volume.modality;
  result.description = volume.description;
  if (out.voxel_count() == 0) return result;
  std::array<AxisSamples, 3> axes;
  for (std::size_t a = 0; a < 3; ++a) {
    const auto ai = static_cast<Eigen::Index>(a);
    axes[a] = axis_samples(in.dims[a], out.dims[a], spacing[ai] / in.spacing[ai], interpolation);
  }
  std::visit(
      [&](const auto& src) {
        using T = typename std::decay_t<decltype(src)>::value_type;
        auto& dst = result.data<T>();
        const std::int64_t sx = in.dims[0], sxy = in.dims[0] * in.dims[1];
        const std::int64_t dx = in.dims[0] > 1 ? 1 : 0, dy = in.dims[1] > 1 ? sx : 0,
                           dz = in.dims[2] > 1 ? sxy : 0;
        tbb::parallel_for(
            tbb::blocked_range<std::int64_t>(0, out.dims[2]),
            [&](const tbb::blocked_range<std::int64_t>& ks) {
              for (std::int64_t k = ks.begin(); k != ks.end(); ++k) {
                const std::int64_t k0 = axes[2].lower[static_cast<std::size_t>(k)];
                const double wz = axes[2].weight[static_cast<std::size_t>(k)];
                for (std::int64_t j = 0; j < out.dims[1]; ++j) {
                  const std::int64_t j0 = axes[1].lower[static_cast<std::size_t>(j)];
                  const double wy = axes[1].weight[static_cast<std::size_t>(j)];
                  std::size_t o = result.linear_index(0, j, k);
                  for (std::int64_t i = 0; i < out.dims[0]; ++i, ++o) {
                    const std::int64_t i0 = axes[0].lower[static_cast<std::size_t>(i)];
                    const double wx = axes[0].weight[static_cast<std::size_t>(i)];
                    const std::int64_t base = i0 + sx * j0 + sxy * k0;
                    if (interpolation == Interpolation::nearest) {
                      dst[o] = src[static_cast<std::size_t>(base)];
                      continue;
                    }
                    auto at = [&src](std::int64_t n) {
                      return static_cast<double>(src[static_cast<std::size_t>(n)]);
                    };
                    const double c00 = at(base) + wx * (at(base + dx) - at(base));
                    const double c10 = at(base + dy) + wx * (at(base + dy + dx) - at(base + dy));
                    const double c01 = at(base + dz) + wx * (at(base + dz + dx) - at(base + dz));
                    const double c11 =
                        at(base + dz + dy) + wx * (at(base + dz + dy + dx) - at(base + dz + dy));
                    const double c0 = c00 + wy * (c10 - c00);
                    const double c1 = c01 + wy * (c11 - c01);
                    dst[o] = store<T>(c0 + wz * (c1 - c0));
                  }
                }
              }
            });
      },
      volume.storage());
  return result;
}

}  // namespace medvision::imaging
