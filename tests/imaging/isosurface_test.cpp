#include "imaging/isosurface.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include "imaging/mesh_topology.h"
#include "surface_test_fields.h"

namespace medvision::imaging {
namespace {

using test::grid_around;
using test::sample_field;
using test::sphere;

constexpr double kRadius = 20.0;

void expect_closed_sphere(const SurfaceMesh& mesh, double radius) {
  EXPECT_NEAR(surface_area(mesh) / test::sphere_area(radius), 1.0, 0.01);
  EXPECT_NEAR(enclosed_volume(mesh) / test::sphere_volume(radius), 1.0, 0.01);
  const MeshTopology t = analyze_topology(mesh);
  EXPECT_TRUE(t.watertight()) << t.boundary_edges << " boundary, " << t.nonmanifold_edges
                              << " non-manifold edges";
  EXPECT_TRUE(t.manifold()) << t.nonmanifold_vertices << " non-manifold vertices";
  EXPECT_TRUE(t.consistently_oriented()) << t.misoriented_edges << " misoriented edges";
  EXPECT_EQ(t.euler_characteristic(), 2);
  EXPECT_EQ(t.components, 1u);
}

TEST(Isosurface, SphereOfRadius20mmAtHalfMillimetreHasAnalyticAreaAndVolumeWithinOnePercent) {
  const Eigen::Vector3d centre(10, -30, 55);
  const Volume v = sample_field(grid_around(centre, 50, Eigen::Vector3d::Constant(0.5)),
                                sphere(centre, kRadius));
  const SurfaceMesh mesh = extract_isosurface(v, 0.0);
  expect_closed_sphere(mesh, kRadius);
  for (const Eigen::Vector3f& p : mesh.positions) {
    ASSERT_NEAR((p.cast<double>() - centre).norm(), kRadius, 0.01);
  }
}

TEST(Isosurface, SphereOnAnisotropicObliqueGridIsClosedAndMeasuresRight) {
  const Eigen::Vector3d centre(-5, 12, 80);
  const Eigen::Matrix3d rotation = (Eigen::AngleAxisd(0.4, Eigen::Vector3d(1, 2, 3).normalized()) *
                                    Eigen::AngleAxisd(0.3, Eigen::Vector3d::UnitX()))
                                       .toRotationMatrix();
  const Volume v = sample_field(grid_around(centre, 52, Eigen::Vector3d(0.6, 0.8, 1.0), rotation),
                                sphere(centre, kRadius));
  expect_closed_sphere(extract_isosurface(v, 0.0), kRadius);
}

TEST(Isosurface, MirroredDirectionStillGivesOutwardOrientation) {
  // A left-handed voxel frame (one axis reversed, as after RAS/LPS flips).
  const Eigen::Vector3d centre(0, 0, 0);
  const Eigen::Matrix3d mirror = Eigen::Vector3d(1, 1, -1).asDiagonal();
  const Volume v = sample_field(grid_around(centre, 50, Eigen::Vector3d(0.7, 0.7, 1.0), mirror),
                                sphere(centre, kRadius));
  const SurfaceMesh mesh = extract_isosurface(v, 0.0);
  EXPECT_GT(enclosed_volume(mesh), 0.0);
  expect_closed_sphere(mesh, kRadius);
}

TEST(Isosurface, TorusHasEulerCharacteristicZero) {
  const Eigen::Vector3d centre(1, 2, 3);
  const Volume v = sample_field(grid_around(centre, 50, Eigen::Vector3d::Constant(0.5)),
                                test::torus(centre, 15, 5));
  const MeshTopology t = analyze_topology(extract_isosurface(v, 0.0));
  EXPECT_TRUE(t.watertight());
  EXPECT_TRUE(t.manifold());
  EXPECT_TRUE(t.consistently_oriented());
  EXPECT_EQ(t.euler_characteristic(), 0);
  EXPECT_EQ(t.components, 1u);
}

TEST(Isosurface, TwoSeparateBlobsGiveTwoComponents) {
  const Eigen::Vector3d a(-12, 0, 0), b(12, 0, 0);
  const Volume v = sample_field(
      grid_around(Eigen::Vector3d::Zero(), 50, Eigen::Vector3d::Constant(0.5)),
      [&](const Eigen::Vector3d& p) { return std::max(sphere(a, 8)(p), sphere(b, 6)(p)); });
  const SurfaceMesh mesh = extract_isosurface(v, 0.0);
  const MeshTopology t = analyze_topology(mesh);
  EXPECT_EQ(t.components, 2u);
  EXPECT_EQ(t.euler_characteristic(), 4);
  EXPECT_TRUE(t.watertight());
  EXPECT_NEAR(enclosed_volume(mesh) / (test::sphere_volume(8) + test::sphere_volume(6)), 1.0, 0.01);
}

TEST(Isosurface, StructureTouchingTheBorderIsClosedWhenAskedAndOpenOtherwise) {
  Geometry g;
  g.dims = {12, 10, 8};
  Volume v(g, VoxelType::i16, ValueUnit::hounsfield);
  for (std::int64_t k = 0; k < 8; ++k)
    for (std::int64_t j = 0; j < 10; ++j)
      for (std::int64_t i = 0; i < 5; ++i) v.set(i, j, k, 1000);  // bone up to the border
  const MeshTopology closed = analyze_topology(extract_isosurface(v, 300));
  EXPECT_TRUE(closed.watertight());
  EXPECT_EQ(closed.euler_characteristic(), 2);
  const MeshTopology open = analyze_topology(extract_isosurface(v, 300, IsosurfaceOptions{false}));
  EXPECT_GT(open.boundary_edges, 0u);
}

TEST(Isosurface, LabelSurfaceOfAVoxelBoxIsClosedWithTheBoxVolume) {
  Geometry g;
  g.dims = {20, 20, 20};
  g.spacing = {0.5, 1.0, 2.0};
  Volume labels(g, VoxelType::u8, ValueUnit::label);
  for (std::int64_t k = 4; k < 14; ++k)
    for (std::int64_t j = 3; j < 13; ++j)
      for (std::int64_t i = 2; i < 12; ++i) labels.set(i, j, k, 7);
  labels.set(0, 0, 0, 3);  // another label in a corner
  const SurfaceMesh mesh = extract_label_surface(labels, 7);
  const MeshTopology t = analyze_topology(mesh);
  EXPECT_TRUE(t.watertight());
  EXPECT_TRUE(t.manifold());
  EXPECT_EQ(t.euler_characteristic(), 2);
  // Faces half a voxel out, edges and corners cut at midpoints: between the
  // 9^3 and 10^3 voxel boxes.
  const double voxel = 0.5 * 1.0 * 2.0;
  EXPECT_GT(enclosed_volume(mesh), 9 * 9 * 9 * voxel);
  EXPECT_LT(enclosed_volume(mesh), 10 * 10 * 10 * voxel);
  const MeshTopology corner = analyze_topology(extract_label_surface(labels, 3));
  EXPECT_TRUE(corner.watertight());
  EXPECT_EQ(corner.euler_characteristic(), 2);
  EXPECT_TRUE(extract_label_surface(labels, 99).indices.empty());
}

TEST(Isosurface, LabelSurfacesCarryNamesAndColoursOfTheirEntries) {
  Geometry g;
  g.dims = {16, 16, 16};
  LabelMap map{Volume(g, VoxelType::u16, ValueUnit::label), {}};
  for (std::int64_t i = 2; i < 6; ++i) map.labels.set(i, 5, 5, 1);
  map.labels.set(10, 10, 10, 2);
  map.entries = {{1, "Precentral_L", {200, 10, 10}, "2001"},
                 {2, "Dot", {1, 2, 3}, ""},
                 {3, "Absent", {0, 0, 0}, ""}};
  const std::vector<SurfaceMesh> meshes = extract_label_surfaces(map);
  ASSERT_EQ(meshes.size(), 2u);
  EXPECT_EQ(meshes[0].name, "Precentral_L");
  EXPECT_EQ(meshes[0].rgb, (Rgb{200, 10, 10}));
  EXPECT_EQ(meshes[1].name, "Dot");
  EXPECT_EQ(analyze_topology(meshes[1]).euler_characteristic(), 2);
}

TEST(Isosurface, OutputIsTheSameOnOneThreadAndMany) {
  const Eigen::Vector3d centre(0, 0, 0);
  const Volume v = sample_field(grid_around(centre, 40, Eigen::Vector3d::Constant(0.5)),
                                test::torus(centre, 12, 4));
  const SurfaceMesh many = extract_isosurface(v, 0.0);
  SurfaceMesh one;
  tbb::task_arena(1).execute([&] { one = extract_isosurface(v, 0.0); });
  EXPECT_EQ(one.indices, many.indices);
  EXPECT_EQ(one.positions, many.positions);
}

}  // namespace
}  // namespace medvision::imaging

namespace medvision::imaging {
namespace {

// Random noise visits every cube case, ambiguous faces included, many times.
TEST(Isosurface, RandomNoiseGivesWatertightManifoldOrientedSurfaces) {
  Geometry g;
  g.dims = {23, 19, 17};
  Volume v(g, VoxelType::u8, ValueUnit::intensity);
  std::uint32_t state = 12345;
  for (auto& x : v.data<std::uint8_t>()) {
    state = state * 1664525u + 1013904223u;  // Knuth's LCG, deterministic
    x = static_cast<std::uint8_t>(state >> 24);
  }
  for (double iso : {40.0, 128.0, 200.0}) {
    const SurfaceMesh mesh = extract_isosurface(v, iso);
    const MeshTopology t = analyze_topology(mesh);
    EXPECT_GT(t.triangles, 1000u);
    EXPECT_TRUE(t.watertight()) << iso;
    EXPECT_TRUE(t.manifold()) << iso << ": " << t.nonmanifold_vertices << " vertices";
    EXPECT_TRUE(t.consistently_oriented()) << iso;
    EXPECT_GT(enclosed_volume(mesh), 0.0);
  }
}

}  // namespace
}  // namespace medvision::imaging
