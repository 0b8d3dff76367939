#include "imaging/volume.h"

#include <gtest/gtest.h>

namespace medvision::imaging {
namespace {

TEST(Volume, IndexAndPatientCoordinatesAreInverse) {
  Geometry g;
  g.dims = {4, 5, 6};
  g.spacing = {0.5, 0.75, 2.0};
  g.origin = {-10, 20, 30};
  // Axial slices of a patient lying head first: i to the left, j posterior, k superior,
  // here rotated 90 degrees about z.
  g.direction << 0, -1, 0, 1, 0, 0, 0, 0, 1;
  const Eigen::Vector3d index(1, 2, 3);
  const Eigen::Vector3d p = g.index_to_patient(index);
  // Hand-computed: origin + i*0.5*(0,1,0) + j*0.75*(-1,0,0) + k*2*(0,0,1).
  EXPECT_NEAR(p.x(), -10 - 2 * 0.75, 1e-12);
  EXPECT_NEAR(p.y(), 20 + 1 * 0.5, 1e-12);
  EXPECT_NEAR(p.z(), 30 + 3 * 2.0, 1e-12);
  EXPECT_TRUE(g.patient_to_index(p).isApprox(index, 1e-12));
  const Eigen::Vector4d h = g.index_to_patient_matrix() * Eigen::Vector4d(1, 2, 3, 1);
  EXPECT_TRUE(h.head<3>().isApprox(p, 1e-12));
}

TEST(Volume, StoresIFastestAndClampsIntegerWrites) {
  Geometry g;
  g.dims = {3, 2, 2};
  Volume v(g, VoxelType::i16, ValueUnit::hounsfield);
  v.set(2, 1, 1, -1000.4);
  v.set(0, 0, 1, 1e9);
  EXPECT_EQ(v.data<std::int16_t>()[2 + 3 * (1 + 2 * 1)], -1000);
  EXPECT_EQ(v.at(0, 0, 1), 32767);
  const auto [lo, hi] = v.range();
  EXPECT_EQ(lo, -1000);
  EXPECT_EQ(hi, 32767);
  const Volume f = v.to_float();
  EXPECT_EQ(f.type(), VoxelType::f32);
  EXPECT_EQ(f.at(2, 1, 1), -1000.0);
}

}  // namespace
}  // namespace medvision::imaging
