#include "imaging/window.h"

#include <gtest/gtest.h>

namespace medvision::imaging {
namespace {

TEST(WindowPresets, CarryTheUsualCtWidthsAndLevels) {
  EXPECT_EQ(window_presets::ct_bone.width, 1800);
  EXPECT_EQ(window_presets::ct_bone.centre, 400);
  EXPECT_EQ(window_presets::ct_soft_tissue.width, 400);
  EXPECT_EQ(window_presets::ct_soft_tissue.centre, 40);
  EXPECT_EQ(window_presets::ct_lung.width, 1500);
  EXPECT_EQ(window_presets::ct_lung.centre, -600);
  EXPECT_EQ(window_presets::ct_brain.width, 80);
  EXPECT_EQ(window_presets::ct_brain.centre, 40);
  EXPECT_EQ(all_window_presets().size(), 4u);
  ASSERT_TRUE(find_window_preset("ct_lung").has_value());
  EXPECT_EQ(find_window_preset("ct_lung")->centre, -600);
  EXPECT_FALSE(find_window_preset("ct_liver").has_value());
}

TEST(WindowPresets, MapTheWindowEdgesToBlackAndWhiteAndTheLevelToMidGrey) {
  for (const WindowLevel& w : all_window_presets()) {
    EXPECT_EQ(window_value(w.centre - w.width / 2, w), 0) << w.name;
    EXPECT_EQ(window_value(w.centre + w.width / 2, w), 255) << w.name;
    EXPECT_NEAR(window_value(w.centre - 0.5, w), 127.5, 1e-9)
        << w.name;  // DICOM centres on c - 0.5
    EXPECT_LT(window_value(w.centre - w.width / 4, w), window_value(w.centre + w.width / 4, w))
        << w.name;
  }
}

TEST(WindowPresets, FollowTheDicomLinearVoiFunction) {
  // PS3.3 C.11.2.1.2.1 with c = 40, w = 80: x <= c - 0.5 - (w - 1) / 2 = 0 -> 0;
  // x > c - 0.5 + (w - 1) / 2 = 79 -> 255.
  const WindowLevel brain = window_presets::ct_brain;
  EXPECT_EQ(window_low(brain), 0);
  EXPECT_EQ(window_high(brain), 79);
  EXPECT_EQ(window_value(0, brain), 0);
  EXPECT_GT(window_value(0.1, brain), 0);
  EXPECT_LT(window_value(79, brain), 255.0 + 1e-9);
  EXPECT_EQ(window_value(79.1, brain), 255);
  EXPECT_NEAR(window_value(39.5, brain), 127.5, 1e-12);
  EXPECT_EQ(window_value(1000, brain), 255);  // bone saturates in the brain window
  EXPECT_EQ(window_value(-1000, window_presets::ct_soft_tissue), 0);  // air is black
  EXPECT_GT(window_value(-800, window_presets::ct_lung),
            0);  // lung parenchyma is visible in the lung window
}

TEST(WindowPresets, ApplyToAWholeVolumeAsGreyLevels) {
  Geometry g;
  g.dims = {3, 1, 1};
  Volume ct(g, VoxelType::i16, ValueUnit::hounsfield);
  ct.set(0, 0, 0, -1000);
  ct.set(1, 0, 0, 40);
  ct.set(2, 0, 0, 3000);
  const Volume grey = apply_window(ct, window_presets::ct_soft_tissue);
  EXPECT_EQ(grey.type(), VoxelType::u8);
  EXPECT_EQ(grey.at(0, 0, 0), 0);
  EXPECT_EQ(grey.at(1, 0, 0), 128);
  EXPECT_EQ(grey.at(2, 0, 0), 255);
}

}  // namespace
}  // namespace medvision::imaging
