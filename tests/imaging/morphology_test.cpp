#include "imaging/morphology.h"

#include <gtest/gtest.h>

#include "imaging/segment.h"

namespace medvision::imaging {
namespace {

Volume box_mask(Dims dims, VoxelIndex lo, VoxelIndex hi, Eigen::Vector3d spacing = {1, 1, 1}) {
  Geometry g;
  g.dims = dims;
  g.spacing = spacing;
  Volume v(g, VoxelType::u8, ValueUnit::label);
  for (std::int64_t k = lo[2]; k < hi[2]; ++k)
    for (std::int64_t j = lo[1]; j < hi[1]; ++j)
      for (std::int64_t i = lo[0]; i < hi[0]; ++i) v.set(i, j, k, 1);
  return v;
}

const StructuringElement cross{ElementShape::cross, 0};

TEST(Morphology, ClosingWithACrossFillsAOneVoxelHoleAndGivesBackTheBox) {
  Volume holed = box_mask({15, 15, 15}, {4, 4, 4}, {11, 11, 11});
  holed.set(7, 7, 7, 0);
  const Volume closed = closing(holed, cross);
  EXPECT_EQ(count_nonzero(closed), 7 * 7 * 7);
  EXPECT_EQ(closed.data<std::uint8_t>(),
            box_mask({15, 15, 15}, {4, 4, 4}, {11, 11, 11}).data<std::uint8_t>());
}

TEST(Morphology, OpeningWithACrossRemovesSpecksAndCutsBoxEdgesAndCorners) {
  Volume mask = box_mask({15, 15, 15}, {4, 4, 4}, {11, 11, 11});
  mask.set(1, 1, 1, 1);  // a speck
  const Volume opened = opening(mask, cross);
  EXPECT_EQ(opened.at(1, 1, 1), 0);
  // Erosion leaves the 5^3 core, dilation adds its six 5x5 faces back: 125 + 150.
  EXPECT_EQ(count_nonzero(opened), 275);
  EXPECT_EQ(opened.at(4, 4, 4), 0);  // corner cut
  EXPECT_EQ(opened.at(4, 7, 7), 1);  // face kept
}

TEST(Morphology, BallDilationOfOneVoxelIsTheDigitalBall) {
  Volume dot = box_mask({9, 9, 9}, {4, 4, 4}, {5, 5, 5});
  // Lattice points within 2 mm: 1 + 6 + 12 + 8 + 6.
  EXPECT_EQ(count_nonzero(dilate(dot, StructuringElement{ElementShape::ball, 2.0})), 33);
  // Anisotropic voxels (2 mm along k): the ball reaches one voxel along k only.
  Volume flat = box_mask({9, 9, 9}, {4, 4, 4}, {5, 5, 5}, {1, 1, 2});
  EXPECT_EQ(count_nonzero(dilate(flat, StructuringElement{ElementShape::ball, 2.0})), 13 + 2);
}

TEST(Morphology, ErosionByABallShrinksABoxByItsRadiusAndSparesTheVolumeBorder) {
  const Volume mask =
      box_mask({12, 12, 12}, {0, 2, 2}, {8, 10, 10});  // touches the border at i = 0
  const Volume eroded = erode(mask, StructuringElement{ElementShape::ball, 1.0});
  // Along i the border side stays (beyond the volume counts as foreground).
  EXPECT_EQ(count_nonzero(eroded), 7 * 6 * 6);
  EXPECT_EQ(eroded.at(0, 5, 5), 1);
}

}  // namespace
}  // namespace medvision::imaging
