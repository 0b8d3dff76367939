#pragma once
// Volumes sampled from analytic fields (positive inside, zero on the surface)
// for the surface, mesh and export tests.

#include <Eigen/Geometry>
#include <cmath>
#include <numbers>

#include "imaging/volume.h"

namespace medvision::imaging::test {

// A float volume whose voxel at patient position p holds field(p).
template <class Field>
Volume sample_field(const Geometry& geometry, Field&& field) {
  Volume v(geometry, VoxelType::f32, ValueUnit::intensity);
  auto& data = v.data<float>();
  const Dims& d = geometry.dims;
  std::size_t n = 0;
  for (std::int64_t k = 0; k < d[2]; ++k) {
    for (std::int64_t j = 0; j < d[1]; ++j) {
      for (std::int64_t i = 0; i < d[0]; ++i) {
        data[n++] = static_cast<float>(field(geometry.index_to_patient(Eigen::Vector3d(
            static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)))));
      }
    }
  }
  return v;
}

// A grid centred on `centre` covering a cube of side `extent` mm.
inline Geometry grid_around(const Eigen::Vector3d& centre, double extent,
                            const Eigen::Vector3d& spacing,
                            const Eigen::Matrix3d& direction = Eigen::Matrix3d::Identity()) {
  Geometry g;
  g.spacing = spacing;
  g.direction = direction;
  for (int a = 0; a < 3; ++a)
    g.dims[static_cast<std::size_t>(a)] =
        static_cast<std::int64_t>(std::ceil(extent / spacing[a])) + 1;
  const Eigen::Vector3d half(static_cast<double>(g.dims[0] - 1), static_cast<double>(g.dims[1] - 1),
                             static_cast<double>(g.dims[2] - 1));
  g.origin = centre - direction * spacing.cwiseProduct(half / 2);
  return g;
}

inline auto sphere(const Eigen::Vector3d& centre, double radius) {
  return [centre, radius](const Eigen::Vector3d& p) { return radius - (p - centre).norm(); };
}

// A torus around the z axis through `centre`: tube radius r about a circle of radius R.
inline auto torus(const Eigen::Vector3d& centre, double big_r, double r) {
  return [centre, big_r, r](const Eigen::Vector3d& p) {
    const Eigen::Vector3d q = p - centre;
    const double ring = std::hypot(q.x(), q.y()) - big_r;
    return r - std::hypot(ring, q.z());
  };
}

inline double sphere_area(double r) { return 4 * std::numbers::pi * r * r; }
inline double sphere_volume(double r) { return 4.0 / 3.0 * std::numbers::pi * r * r * r; }

}  // namespace medvision::imaging::test
