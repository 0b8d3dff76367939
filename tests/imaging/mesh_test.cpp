#include "imaging/mesh.h"

#include <gtest/gtest.h>

#include "imaging/isosurface.h"
#include "imaging/mesh_decimation.h"
#include "imaging/mesh_smoothing.h"
#include "imaging/mesh_topology.h"
#include "surface_test_fields.h"

namespace medvision::imaging {
namespace {

SurfaceMesh sphere_mesh(double spacing) {
  const Eigen::Vector3d centre(3, -4, 5);
  return extract_isosurface(
      test::sample_field(test::grid_around(centre, 50, Eigen::Vector3d::Constant(spacing)),
                         test::sphere(centre, 20)),
      0.0);
}

// A ball of voxels (radius 20 mm at 1 mm): its label surface is a staircase.
SurfaceMesh voxel_ball_mesh() {
  const Eigen::Vector3d centre(0, 0, 0);
  Volume field = test::sample_field(test::grid_around(centre, 50, Eigen::Vector3d::Constant(1.0)),
                                    test::sphere(centre, 20));
  Volume labels(field.geometry(), VoxelType::u8, ValueUnit::label);
  for (std::size_t n = 0; n < field.data<float>().size(); ++n)
    labels.data<std::uint8_t>()[n] = field.data<float>()[n] >= 0 ? 1 : 0;
  return extract_label_surface(labels, 1);
}

TEST(MeshNormals, AreAreaWeightedAverageOfFaceNormals) {
  SurfaceMesh mesh;
  // Vertex 0 is shared by a large triangle facing +z (area 2) and a small one facing +x (area 0.5).
  mesh.positions = {{0, 0, 0}, {2, 0, 0}, {0, 2, 0}, {0, 1, 0}, {0, 0, 1}};
  mesh.indices = {0, 1, 2, 0, 3, 4};
  compute_normals(mesh);
  const Eigen::Vector3f expected = Eigen::Vector3f(0.5f, 0, 2).normalized();
  EXPECT_TRUE(mesh.normals[0].isApprox(expected, 1e-6f)) << mesh.normals[0].transpose();
  EXPECT_TRUE(mesh.normals[1].isApprox(Eigen::Vector3f::UnitZ(), 1e-6f));
}

TEST(MeshNormals, PointRadiallyOutwardOnASphere) {
  SurfaceMesh mesh = sphere_mesh(1.0);
  compute_normals(mesh);
  const Eigen::Vector3f centre(3, -4, 5);
  for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
    ASSERT_GT(mesh.normals[v].dot((mesh.positions[v] - centre).normalized()), 0.99f);
  }
}

TEST(MeshTaubin, SmoothingChangesSphereVolumeByLessThanOnePercent) {
  SurfaceMesh mesh = sphere_mesh(1.0);
  const double volume = enclosed_volume(mesh);
  smooth_taubin(mesh, TaubinOptions{20});
  EXPECT_NEAR(enclosed_volume(mesh) / volume, 1.0, 0.01);
  EXPECT_TRUE(analyze_topology(mesh).watertight());
}

TEST(MeshTaubin, SmoothingAStaircaseKeepsVolumeAndBringsAreaTowardsTheTrueSurface) {
  SurfaceMesh mesh = voxel_ball_mesh();
  const double volume = enclosed_volume(mesh);
  const double area = surface_area(mesh);
  smooth_taubin(mesh, TaubinOptions{20});
  EXPECT_NEAR(enclosed_volume(mesh) / volume, 1.0, 0.01);
  const double true_area = test::sphere_area(20);
  EXPECT_LT(std::abs(surface_area(mesh) - true_area), std::abs(area - true_area));
}

TEST(MeshTaubin, PlainLaplacianWouldShrinkButTaubinDoesNot) {
  SurfaceMesh laplacian = sphere_mesh(1.0);
  SurfaceMesh taubin = laplacian;
  const double volume = enclosed_volume(laplacian);
  smooth_taubin(laplacian, TaubinOptions{20, 0.5, 0.0});  // mu = 0: Laplacian smoothing only
  smooth_taubin(taubin, TaubinOptions{20});
  EXPECT_LT(enclosed_volume(laplacian), 0.99 * volume);
  EXPECT_GT(enclosed_volume(taubin), 0.99 * volume);
}

TEST(MeshDecimation, QuarterOfTheTrianglesStaysWatertightWithAreaWithinOnePercent) {
  const SurfaceMesh mesh = sphere_mesh(0.5);
  const Result<SurfaceMesh> reduced = decimate(mesh, DecimationOptions{0.25});
  ASSERT_TRUE(reduced.ok()) << reduced.error().message;
  const double ratio =
      static_cast<double>(reduced->triangle_count()) / static_cast<double>(mesh.triangle_count());
  EXPECT_LT(ratio, 0.30);
  EXPECT_GT(ratio, 0.20);
  const MeshTopology t = analyze_topology(*reduced);
  EXPECT_TRUE(t.watertight());
  EXPECT_TRUE(t.manifold());
  EXPECT_TRUE(t.consistently_oriented());
  EXPECT_EQ(t.euler_characteristic(), 2);
  EXPECT_EQ(t.vertices, reduced->positions.size());  // unused vertices dropped
  EXPECT_NEAR(surface_area(*reduced) / surface_area(mesh), 1.0, 0.01);
  EXPECT_NEAR(enclosed_volume(*reduced) / enclosed_volume(mesh), 1.0, 0.01);
}

TEST(MeshDecimation, RejectsARatioOutsideZeroToOne) {
  EXPECT_FALSE(decimate(sphere_mesh(2.0), DecimationOptions{0.0}).ok());
  EXPECT_FALSE(decimate(sphere_mesh(2.0), DecimationOptions{1.5}).ok());
}

}  // namespace
}  // namespace medvision::imaging
