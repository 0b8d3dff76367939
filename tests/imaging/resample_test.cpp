#include "imaging/resample.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <set>

#include "surface_test_fields.h"

namespace medvision::imaging {
namespace {

Geometry oblique_grid() {
  Geometry g;
  g.dims = {20, 15, 10};
  g.spacing = {1.0, 1.5, 2.0};
  g.origin = {-12, 30, 7};
  g.direction = Eigen::AngleAxisd(0.5, Eigen::Vector3d(1, -1, 2).normalized()).toRotationMatrix();
  return g;
}

double ramp(const Eigen::Vector3d& p) { return 3 + 0.5 * p.x() + 0.25 * p.y() - 0.1 * p.z(); }

TEST(Resample, LinearRampIsReproducedExactlyAtEveryNewVoxel) {
  const Volume v = test::sample_field(oblique_grid(), ramp);
  const Result<Volume> r = resample(v, Eigen::Vector3d(0.7, 0.9, 1.3), Interpolation::linear);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Geometry& g = r->geometry();
  EXPECT_EQ(g.dims, (Dims{28, 24, 14}));  // floor(19/0.7)+1, floor(21/0.9)+1, floor(18/1.3)+1
  for (std::int64_t k = 0; k < g.dims[2]; ++k)
    for (std::int64_t j = 0; j < g.dims[1]; ++j)
      for (std::int64_t i = 0; i < g.dims[0]; ++i) {
        const Eigen::Vector3d p = g.index_to_patient(Eigen::Vector3d(
            static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)));
        ASSERT_NEAR(r->at(i, j, k), ramp(p), 1e-4) << i << " " << j << " " << k;
      }
}

TEST(Resample, KeepsOriginDirectionAndExtentInPatientSpace) {
  const Volume v = test::sample_field(oblique_grid(), ramp);
  const Volume r = resample(v, Eigen::Vector3d(0.5, 0.5, 0.5)).value();
  EXPECT_TRUE(r.geometry().origin.isApprox(v.geometry().origin));
  EXPECT_TRUE(r.geometry().direction.isApprox(v.geometry().direction));
  EXPECT_EQ(r.geometry().dims,
            (Dims{39, 43, 37}));  // the extent (19, 21, 18) mm sampled every 0.5 mm
  EXPECT_EQ(r.type(), VoxelType::f32);
}

TEST(Resample, LabelsUseNearestNeighbourAndNeverMixValues) {
  Geometry g;
  g.dims = {9, 9, 9};
  g.spacing = {2, 2, 2};
  Volume labels(g, VoxelType::u8, ValueUnit::label);
  for (std::int64_t k = 0; k < 9; ++k)
    for (std::int64_t j = 0; j < 9; ++j)
      for (std::int64_t i = 0; i < 9; ++i) labels.set(i, j, k, i < 3 ? 3 : (j < 4 ? 7 : 0));
  const Volume r = resample(labels, Eigen::Vector3d(0.7, 0.7, 0.7)).value();
  EXPECT_EQ(default_interpolation(labels), Interpolation::nearest);
  std::set<std::uint8_t> values(r.data<std::uint8_t>().begin(), r.data<std::uint8_t>().end());
  EXPECT_EQ(values, (std::set<std::uint8_t>{0, 3, 7}));
  // Voxel 10 along i sits at 7 mm, nearest to old voxel 3.5 -> rounds to 4 (label 7 or 0 by j).
  EXPECT_EQ(r.at(10, 0, 0), 7);
  EXPECT_EQ(r.at(2, 0, 0), 3);
}

TEST(Resample, IntegerIntensitiesAreRoundedInTheirType) {
  Geometry g;
  g.dims = {2, 1, 1};
  Volume ct(g, VoxelType::i16, ValueUnit::hounsfield);
  ct.set(0, 0, 0, -1000);
  ct.set(1, 0, 0, 1000);
  const Volume r = resample(ct, Eigen::Vector3d(0.25, 1, 1)).value();
  EXPECT_EQ(r.type(), VoxelType::i16);
  EXPECT_EQ(r.geometry().dims[0], 5);
  EXPECT_EQ(r.at(1, 0, 0), -500);
  EXPECT_EQ(r.at(2, 0, 0), 0);
}

TEST(Resample, RejectsNonPositiveSpacing) {
  const Volume v = test::sample_field(oblique_grid(), ramp);
  const Result<Volume> r = resample(v, Eigen::Vector3d(1, 0, 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace medvision::imaging
