#pragma once
// Volume: a 3D image on a regular grid, placed in patient space.
//
// Coordinates follow DICOM's patient system LPS (+x to the patient's left,
// +y posterior, +z superior), in millimetres. Voxel index (i, j, k) maps to
// patient position
//     p = origin + direction * diag(spacing) * (i, j, k)^T
// where direction's columns are the unit vectors of the i, j and k axes
// (DICOM: column 0 = row direction cosines of Image Orientation (Patient),
// column 1 = column direction cosines, column 2 = the slice normal, signed so
// that k increases with slice position). NIfTI's RAS world is converted to
// LPS by negating x and y on reading.
//
// Voxels are stored i fastest, then j, then k (x, y, z), as one contiguous
// buffer of the stored type. `rescale` is already applied for integer types
// that can hold the result (CT: HU in int16); readers that cannot keep the
// values exactly in the stored type convert to float32.

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace medvision::imaging {

enum class VoxelType { u8, i16, u16, f32 };
const char* to_string(VoxelType type);
std::size_t voxel_size(VoxelType type);

// What the values mean. CT volumes carry Hounsfield units; MR and atlases
// carry arbitrary intensities or labels.
enum class ValueUnit { unknown, hounsfield, label, intensity };

using Dims = std::array<std::int64_t, 3>;

struct Geometry {
  Dims dims{0, 0, 0};
  Eigen::Vector3d spacing{1, 1, 1};                         // mm per voxel step along i, j, k
  Eigen::Vector3d origin{0, 0, 0};                          // LPS position of voxel (0, 0, 0), mm
  Eigen::Matrix3d direction = Eigen::Matrix3d::Identity();  // columns: unit i, j, k axes in LPS

  std::int64_t voxel_count() const { return dims[0] * dims[1] * dims[2]; }
  // Patient position (LPS, mm) of a continuous voxel index.
  Eigen::Vector3d index_to_patient(const Eigen::Vector3d& index) const {
    return origin + direction * spacing.cwiseProduct(index);
  }
  // Continuous voxel index of a patient position.
  Eigen::Vector3d patient_to_index(const Eigen::Vector3d& p) const {
    return (direction.transpose() * (p - origin)).cwiseQuotient(spacing);
  }
  // 4x4 homogeneous index-to-patient matrix.
  Eigen::Matrix4d index_to_patient_matrix() const;
};

class Volume {
 public:
  using Storage = std::variant<std::vector<std::uint8_t>, std::vector<std::int16_t>,
                               std::vector<std::uint16_t>, std::vector<float>>;

  Volume() = default;
  // Allocates dims voxels of `type`, zero-filled.
  Volume(Geometry geometry, VoxelType type, ValueUnit unit = ValueUnit::unknown);

  const Geometry& geometry() const { return geometry_; }
  Geometry& geometry() { return geometry_; }
  const Dims& dims() const { return geometry_.dims; }
  VoxelType type() const { return type_; }
  ValueUnit unit() const { return unit_; }
  void set_unit(ValueUnit unit) { unit_ = unit; }

  std::size_t linear_index(std::int64_t i, std::int64_t j, std::int64_t k) const {
    return static_cast<std::size_t>(i + geometry_.dims[0] * (j + geometry_.dims[1] * k));
  }
  // Value at a voxel as double, whatever the stored type.
  double at(std::int64_t i, std::int64_t j, std::int64_t k) const;
  void set(std::int64_t i, std::int64_t j, std::int64_t k,
           double value);  // rounds and clamps for integers

  // Typed access to the buffer; T must match type().
  template <class T>
  std::vector<T>& data() {
    return std::get<std::vector<T>>(storage_);
  }
  template <class T>
  const std::vector<T>& data() const {
    return std::get<std::vector<T>>(storage_);
  }
  const Storage& storage() const { return storage_; }
  Storage& storage() { return storage_; }

  // Smallest and largest value.
  std::pair<double, double> range() const;
  // The same grid converted to float32 values.
  Volume to_float() const;

  // Free-form metadata readers keep (modality, series description, ...).
  std::string modality;
  std::string description;

 private:
  Geometry geometry_;
  VoxelType type_ = VoxelType::u8;
  ValueUnit unit_ = ValueUnit::unknown;
  Storage storage_ = std::vector<std::uint8_t>{};
};

// Largest volume a reader will allocate (voxels), so that a hostile header
// cannot ask for terabytes: 2^31 voxels (2 GiB of uint8, 8 GiB of float).
inline constexpr std::int64_t max_voxels = std::int64_t{1} << 31;

}  // namespace medvision::imaging
