#include "imaging/stl.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "imaging/isosurface.h"
#include "surface_test_fields.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;

TEST(Stl, ReadsBackTheTriangleCountAndArea) {
  const Eigen::Vector3d centre(5, 5, 5);
  SurfaceMesh a = extract_isosurface(
      test::sample_field(test::grid_around(centre, 30, Eigen::Vector3d::Constant(1.0)),
                         test::sphere(centre, 10)),
      0.0);
  SurfaceMesh b = a;
  for (auto& p : b.positions) p.x() += 40;
  const fs::path path =
      fs::temp_directory_path() / ("medvision_" + std::to_string(::getpid()) + "_spheres.stl");
  ASSERT_TRUE(write_stl(path, {a, b}).ok());
  EXPECT_EQ(fs::file_size(path), 84 + 50 * (a.triangle_count() + b.triangle_count()));
  const Result<SurfaceMesh> back = read_stl(path);
  fs::remove(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->triangle_count(), a.triangle_count() + b.triangle_count());
  EXPECT_NEAR(surface_area(*back), surface_area(a) + surface_area(b), 1e-6 * surface_area(a));
  EXPECT_NEAR(enclosed_volume(*back), enclosed_volume(a) + enclosed_volume(b),
              1e-6 * enclosed_volume(a));
}

TEST(Stl, RejectsAFileShorterThanItsTriangleCount) {
  const fs::path path =
      fs::temp_directory_path() / ("medvision_" + std::to_string(::getpid()) + "_short.stl");
  {
    std::ofstream out(path, std::ios::binary);
    const std::string header(80, ' ');
    const std::uint32_t count = 1000;
    out.write(header.data(), 80);
    out.write(reinterpret_cast<const char*>(&count), 4);
  }
  const Result<SurfaceMesh> back = read_stl(path);
  fs::remove(path);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("1000 triangles"), std::string::npos);
}

}  // namespace
}  // namespace medvision::imaging
