// The store's voxel blob keeps a volume exactly and refuses damaged blobs.

#include "library/volume_blob.h"

#include <gtest/gtest.h>

#include <cmath>

namespace medvision::library {
namespace {

using imaging::Geometry;
using imaging::Volume;
using imaging::VoxelType;

Volume oblique_ct() {
  Geometry g;
  g.dims = {5, 4, 3};
  g.spacing = {0.5, 0.75, 2.5};
  g.origin = {-10.25, 3.5, 100};
  const double c = std::cos(0.3), s = std::sin(0.3);
  g.direction << c, -s, 0, s, c, 0, 0, 0, 1;
  Volume v(g, VoxelType::i16, imaging::ValueUnit::hounsfield);
  v.modality = "CT";
  for (std::int64_t k = 0; k < 3; ++k)
    for (std::int64_t j = 0; j < 4; ++j)
      for (std::int64_t i = 0; i < 5; ++i) v.set(i, j, k, -1024 + 97 * (i + 5 * j + 20 * k));
  return v;
}

TEST(VolumeBlob, RoundTripKeepsGridTypeUnitAndEveryVoxel) {
  const Volume v = oblique_ct();
  auto back = decode_volume_blob(encode_volume_blob(v));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->dims(), v.dims());
  EXPECT_EQ(back->geometry().spacing, v.geometry().spacing);
  EXPECT_EQ(back->geometry().origin, v.geometry().origin);
  EXPECT_EQ(back->geometry().direction, v.geometry().direction);
  EXPECT_EQ(back->type(), VoxelType::i16);
  EXPECT_EQ(back->unit(), imaging::ValueUnit::hounsfield);
  EXPECT_EQ(back->modality, "CT");
  EXPECT_EQ(back->data<std::int16_t>(), v.data<std::int16_t>());
}

TEST(VolumeBlob, TruncatedOrForeignBlobsAreRefused) {
  const std::string blob = encode_volume_blob(oblique_ct());
  EXPECT_FALSE(decode_volume_blob(blob.substr(0, blob.size() - 1)).ok());
  EXPECT_FALSE(decode_volume_blob(blob + "x").ok());
  EXPECT_FALSE(decode_volume_blob("not a volume").ok());
  EXPECT_FALSE(decode_volume_blob("{\"format\":\"other\"}\n").ok());
  const auto huge = decode_volume_blob(
      R"({"format":"medvision-voxels","dims":[100000,100000,100000],"spacing":[1,1,1],)"
      R"("origin":[0,0,0],"direction":[1,0,0,0,1,0,0,0,1],"type":"u8","unit":"unknown"})"
      "\n");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("too many voxels"), std::string::npos);
}

}  // namespace
}  // namespace medvision::library
