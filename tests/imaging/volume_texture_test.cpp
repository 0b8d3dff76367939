#include "imaging/volume_texture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <Eigen/Geometry>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace medvision::imaging {
namespace {

Volume ct_slab(Dims dims) {
  Geometry g;
  g.dims = dims;
  g.spacing = {0.5, 0.5, 2.0};
  g.origin = {-100, -80, 30};
  Volume v(g, VoxelType::i16, ValueUnit::hounsfield);
  auto& d = v.data<std::int16_t>();
  for (std::size_t n = 0; n < d.size(); ++n)
    d[n] = static_cast<std::int16_t>(n % 2 == 0 ? -160 : 240);  // averages to 40
  return v;
}

TEST(VolumeTexture, DownsamplesToAtMost256PerAxisKeepingThePhysicalExtent) {
  const Volume v = ct_slab({512, 300, 40});
  const VolumeTexture t = make_volume_texture(v).value();
  EXPECT_EQ(t.geometry.dims, (Dims{256, 150, 40}));
  EXPECT_EQ(t.factors, (std::array<std::int64_t, 3>{2, 2, 1}));
  EXPECT_TRUE(t.geometry.spacing.isApprox(Eigen::Vector3d(1.0, 1.0, 2.0)));
  EXPECT_EQ(t.voxels.size(), 256u * 150u * 40u);
  // Block centres: the first texel sits between the first two voxels.
  EXPECT_TRUE(t.geometry.origin.isApprox(Eigen::Vector3d(-99.75, -79.75, 30)));
  // Alternating -160/240 averages to 40 HU, the soft-tissue level: mid grey.
  EXPECT_EQ(t.preset, "ct_soft_tissue");
  EXPECT_NEAR(t.voxels[1000], 128, 1);
}

TEST(VolumeTexture, PatientToTextureMapsTheGridCornersToTexelCentres) {
  const VolumeTexture t =
      make_volume_texture(ct_slab({64, 32, 8}), {64, window_presets::ct_bone}).value();
  const Eigen::Matrix4d m = t.patient_to_texture();
  const Eigen::Vector4d first =
      m * t.geometry.index_to_patient(Eigen::Vector3d(0, 0, 0)).homogeneous();
  EXPECT_TRUE(first.head<3>().isApprox(Eigen::Vector3d(0.5 / 64, 0.5 / 32, 0.5 / 8)));
  const Eigen::Vector4d last =
      m * t.geometry.index_to_patient(Eigen::Vector3d(63, 31, 7)).homogeneous();
  EXPECT_TRUE(last.head<3>().isApprox(Eigen::Vector3d(1 - 0.5 / 64, 1 - 0.5 / 32, 1 - 0.5 / 8)));
  EXPECT_EQ(t.preset, "ct_bone");
  EXPECT_EQ(t.value_at_0, window_low(window_presets::ct_bone));
}

TEST(VolumeTexture, WritesOneRawBufferAndAJsonHeaderDescribingIt) {
  const VolumeTexture t = make_volume_texture(ct_slab({40, 30, 20}), {16, std::nullopt}).value();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("medvision_tex_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(write_volume_texture(t, dir, "head").ok());
  EXPECT_EQ(std::filesystem::file_size(dir / "head.raw"), t.voxels.size());
  std::ifstream in(dir / "head.json");
  const nlohmann::json h = nlohmann::json::parse(in);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(h["data"], "head.raw");
  EXPECT_EQ(h["dims"], nlohmann::json::array({14, 15, 10}));  // factors 3, 2, 2
  EXPECT_EQ(h["byte_length"], 14 * 15 * 10);
  EXPECT_EQ(h["value_mapping"]["unit"], "HU");
  EXPECT_EQ(h["lps_to_texture"].size(), 4u);
  EXPECT_DOUBLE_EQ(h["spacing_mm"][0].get<double>(), 1.5);
}

TEST(VolumeTexture, NonCtVolumesUseTheirValueRange) {
  Geometry g;
  g.dims = {4, 1, 1};
  Volume mr(g, VoxelType::f32, ValueUnit::intensity);
  for (int i = 0; i < 4; ++i) mr.set(i, 0, 0, 100.0 * i);
  const VolumeTexture t = make_volume_texture(mr).value();
  EXPECT_EQ(t.preset, "range");
  EXPECT_EQ(t.voxels.front(), 0);
  EXPECT_EQ(t.voxels.back(), 255);
  EXPECT_DOUBLE_EQ(t.value_at_0, 0);
  EXPECT_DOUBLE_EQ(t.value_at_255, 300);
}

}  // namespace
}  // namespace medvision::imaging
