#include "imaging/volume.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace medvision::imaging {

const char* to_string(VoxelType type) {
  switch (type) {
    case VoxelType::u8:
      return "uint8";
    case VoxelType::i16:
      return "int16";
    case VoxelType::u16:
      return "uint16";
    case VoxelType::f32:
      return "float32";
  }
  return "unknown";
}

std::size_t voxel_size(VoxelType type) {
  switch (type) {
    case VoxelType::u8:
      return 1;
    case VoxelType::i16:
    case VoxelType::u16:
      return 2;
    case VoxelType::f32:
      return 4;
  }
  return 1;
}

Eigen::Matrix4d Geometry::index_to_patient_matrix() const {
  Eigen::Matrix4d m = Eigen::Matrix4d::Identity();
  m.block<3, 3>(0, 0) = direction * spacing.asDiagonal();
  m.block<3, 1>(0, 3) = origin;
  return m;
}

Volume::Volume(Geometry geometry, VoxelType type, ValueUnit unit)
    : geometry_(std::move(geometry)), type_(type), unit_(unit) {
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(0, geometry_.voxel_count()));
  switch (type) {
    case VoxelType::u8:
      storage_ = std::vector<std::uint8_t>(n, 0);
      break;
    case VoxelType::i16:
      storage_ = std::vector<std::int16_t>(n, 0);
      break;
    case VoxelType::u16:
      storage_ = std::vector<std::uint16_t>(n, 0);
      break;
    case VoxelType::f32:
      storage_ = std::vector<float>(n, 0.0f);
      break;
  }
}

double Volume::at(std::int64_t i, std::int64_t j, std::int64_t k) const {
  const std::size_t index = linear_index(i, j, k);
  return std::visit([index](const auto& v) { return static_cast<double>(v[index]); }, storage_);
}

void Volume::set(std::int64_t i, std::int64_t j, std::int64_t k, double value) {
  const std::size_t index = linear_index(i, j, k);
  std::visit(
      [index, value](auto& v) {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_floating_point_v<T>) {
          v[index] = static_cast<T>(value);
        } else {
          const double lo = static_cast<double>(std::numeric_limits<T>::min());
          const double hi = static_cast<double>(std::numeric_limits<T>::max());
          v[index] = static_cast<T>(std::clamp(std::round(value), lo, hi));
        }
      },
      storage_);
}

std::pair<double, double> Volume::range() const {
  return std::visit(
      [](const auto& v) -> std::pair<double, double> {
        if (v.empty()) return {0.0, 0.0};
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        return {static_cast<double>(*lo), static_cast<double>(*hi)};
      },
      storage_);
}

Volume Volume::to_float() const {
  Volume out(geometry_, VoxelType::f32, unit_);
  auto& dst = out.data<float>();
  std::visit(
      [&dst](const auto& v) {
        for (std::size_t n = 0; n < v.size(); ++n) dst[n] = static_cast<float>(v[n]);
      },
      storage_);
  out.modality = modality;
  out.description = description;
  return out;
}

}  // namespace medvision::imaging
