// Decimation of large real surfaces: Colin27's threshold surfaces, where
// meshoptimizer's collapses pinch a few thin places, reach the asked triangle
// count and stay closed, manifold and oriented (they used to keep every
// triangle).

#include "imaging/mesh_decimation.h"

#include <gtest/gtest.h>

#include "../testing/require_peer.h"
#include "imaging/isosurface.h"
#include "imaging/mesh_smoothing.h"
#include "imaging/mesh_topology.h"
#include "imaging/nifti_reader.h"

namespace medvision::imaging {
namespace {

const std::filesystem::path kColin27 = "/usr/share/mricron/templates/ch2.nii.gz";

SurfaceMesh colin_surface(double threshold) {
  auto read = read_nifti(kColin27);
  if (!read.ok()) return {};
  SurfaceMesh mesh = extract_isosurface(read->volume, threshold);
  smooth_taubin(mesh);
  return mesh;
}

void expect_reduced_and_closed(const SurfaceMesh& mesh, double ratio) {
  SCOPED_TRACE("ratio " + std::to_string(ratio));
  auto reduced = decimate(mesh, DecimationOptions{ratio});
  ASSERT_TRUE(reduced.ok()) << reduced.error().message;
  const double kept =
      static_cast<double>(reduced->triangle_count()) / static_cast<double>(mesh.triangle_count());
  EXPECT_NEAR(kept, ratio, 0.05 * ratio);
  const MeshTopology t = analyze_topology(*reduced);
  EXPECT_TRUE(t.watertight());
  EXPECT_TRUE(t.manifold());
  EXPECT_TRUE(t.consistently_oriented());
  EXPECT_EQ(t.vertices, reduced->positions.size());
  EXPECT_NEAR(enclosed_volume(*reduced) / enclosed_volume(mesh), 1.0, 0.02);
  EXPECT_NEAR(surface_area(*reduced) / surface_area(mesh), 1.0, 0.02);
}

TEST(MeshDecimation, Colin27BrainSurfaceReachesTheTargetAndStaysClosed) {
  MV_REQUIRE_PEER(std::filesystem::exists(kColin27),
                  "the Colin27 brain and its atlases (Debian package mricron-data)");
  const SurfaceMesh mesh = colin_surface(128);
  ASSERT_GT(mesh.triangle_count(), 500'000u);
  ASSERT_TRUE(analyze_topology(mesh).watertight());
  expect_reduced_and_closed(mesh, 0.25);
  expect_reduced_and_closed(mesh, 0.1);
}

TEST(MeshDecimation, Colin27HeadSurfaceOfNearlyTwoMillionTrianglesReachesTheTarget) {
  MV_REQUIRE_PEER(std::filesystem::exists(kColin27),
                  "the Colin27 brain and its atlases (Debian package mricron-data)");
  const SurfaceMesh mesh = colin_surface(60);
  ASSERT_GT(mesh.triangle_count(), 1'500'000u);
  expect_reduced_and_closed(mesh, 0.25);
}

TEST(MeshDecimation, RejectsANegativeErrorBound) {
  SurfaceMesh mesh;
  mesh.positions = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  mesh.indices = {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3};
  EXPECT_FALSE(decimate(mesh, DecimationOptions{0.5, -1.0}).ok());
}

}  // namespace
}  // namespace medvision::imaging
