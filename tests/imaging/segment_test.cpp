#include "imaging/segment.h"

#include <gtest/gtest.h>

#include "surface_test_fields.h"

namespace medvision::imaging {
namespace {

Volume empty_mask(Dims dims) {
  Geometry g;
  g.dims = dims;
  return Volume(g, VoxelType::u8, ValueUnit::label);
}

void fill_box(Volume& v, VoxelIndex lo, VoxelIndex hi, double value) {
  for (std::int64_t k = lo[2]; k < hi[2]; ++k)
    for (std::int64_t j = lo[1]; j < hi[1]; ++j)
      for (std::int64_t i = lo[0]; i < hi[0]; ++i) v.set(i, j, k, value);
}

TEST(Segment, ThresholdKeepsValuesInTheClosedRange) {
  Geometry g;
  g.dims = {5, 1, 1};
  Volume ct(g, VoxelType::i16, ValueUnit::hounsfield);
  const double values[5] = {-1000, 299, 300, 1500, 1501};
  for (int i = 0; i < 5; ++i) ct.set(i, 0, 0, values[i]);
  const Volume bone = threshold(ct, 300, 1500);
  EXPECT_EQ(bone.type(), VoxelType::u8);
  EXPECT_EQ(bone.unit(), ValueUnit::label);
  EXPECT_EQ(bone.data<std::uint8_t>(), (std::vector<std::uint8_t>{0, 0, 1, 1, 0}));
}

TEST(Segment, RegionGrowingFromASeedReturnsExactlyTheConnectedBall) {
  const Eigen::Vector3d a(-10, 0, 0), b(10, 0, 0);
  const Geometry g = test::grid_around(Eigen::Vector3d::Zero(), 40, Eigen::Vector3d::Constant(1.0));
  // Two balls of "contrast" (200) in soft tissue (40), not touching.
  const Volume v = test::sample_field(g, [&](const Eigen::Vector3d& p) {
    return (p - a).norm() <= 6 || (p - b).norm() <= 4 ? 200.0 : 40.0;
  });
  std::int64_t ball_a = 0;
  for (std::int64_t k = 0; k < g.dims[2]; ++k)
    for (std::int64_t j = 0; j < g.dims[1]; ++j)
      for (std::int64_t i = 0; i < g.dims[0]; ++i) {
        const Eigen::Vector3d p = g.index_to_patient(Eigen::Vector3d(
            static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)));
        ball_a += (p - a).norm() <= 6 ? 1 : 0;
      }
  const Eigen::Vector3d seed = g.patient_to_index(a);
  const Result<Volume> grown = region_grow(
      v, {{std::llround(seed.x()), std::llround(seed.y()), std::llround(seed.z())}}, 150, 250);
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(count_nonzero(*grown), ball_a);
  EXPECT_EQ(ball_a, 925);  // lattice points within 6 voxels of a lattice point
}

TEST(Segment, RegionGrowingRejectsSeedsOutsideTheVolume) {
  const Volume v = empty_mask({4, 4, 4});
  const Result<Volume> grown = region_grow(v, {{1, 1, 4}}, 0, 1);
  ASSERT_FALSE(grown.ok());
  EXPECT_NE(grown.error().message.find("outside the volume"), std::string::npos);
  EXPECT_EQ(count_nonzero(region_grow(v, {{1, 1, 1}}, 5, 6).value()),
            0);  // a seed out of range grows nothing
}

TEST(Segment, ConnectedComponentsAreSixConnectedAndRankedBySize) {
  Volume mask = empty_mask({20, 20, 20});
  fill_box(mask, {1, 1, 1}, {4, 4, 4}, 1);        // 27
  fill_box(mask, {10, 10, 10}, {12, 12, 12}, 1);  // 8
  mask.set(18, 2, 2, 1);                          // 1
  mask.set(15, 15, 15, 1);                        // these two touch along an edge only:
  mask.set(16, 16, 15, 1);                        // two components under 6-connectivity
  const Result<Components> c = connected_components(mask);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sizes, (std::vector<std::int64_t>{27, 8, 1, 1, 1}));
  EXPECT_EQ(c->labels.at(2, 2, 2), 1);
  EXPECT_EQ(c->labels.at(11, 11, 11), 2);
  EXPECT_EQ(c->labels.at(18, 2, 2), 3);  // ties keep storage order
  EXPECT_EQ(c->labels.at(0, 0, 0), 0);
  const Volume largest = keep_largest_component(mask);
  EXPECT_EQ(count_nonzero(largest), 27);
  EXPECT_EQ(largest.at(2, 2, 2), 1);
  EXPECT_EQ(largest.at(11, 11, 11), 0);
}

TEST(Segment, ConnectedComponentsOfAnEmptyMaskAreNone) {
  const Result<Components> c = connected_components(empty_mask({3, 3, 3}));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->sizes.empty());
  EXPECT_EQ(count_nonzero(keep_largest_component(empty_mask({3, 3, 3}))), 0);
}

}  // namespace
}  // namespace medvision::imaging
