// Debian's real head CT (invesalius-examples' Cranium.inv3) end to end:
// written as a DICOM series by pydicom at test time and imported by our DICOM
// reader, the geometry and every HU value come back; a skull model at 300 HU
// is closed, manifold and of the size bone voxels say.

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "../testing/require_peer.h"
#include "imaging/invesalius_project.h"
#include "imaging/isosurface.h"
#include "imaging/mesh_decimation.h"
#include "imaging/mesh_smoothing.h"
#include "imaging/mesh_topology.h"
#include "imaging/segment.h"
#include "imaging/volume_source.h"
#include "reference/python_reference.h"
#include "reference/temp_folder.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using testing_reference::run_reference;
using testing_reference::TempFolder;

const fs::path kCranium = "/usr/share/doc/invesalius-examples/examples/Cranium.inv3";

const Volume& cranium() {
  static const Volume volume = [] {
    auto read = read_invesalius_project(kCranium);
    return read.ok() ? std::move(*read) : Volume{};
  }();
  return volume;
}

bool have_cranium() { return fs::exists(kCranium) && cranium().geometry().voxel_count() > 0; }

TEST(HeadCt, AShuffledDicomSeriesOfTheCraniumImportsExactly) {
  MV_REQUIRE_PEER(have_cranium(), "the Cranium head CT (Debian package invesalius-examples)");
  MV_REQUIRE_PEER(testing_reference::python_available(),
                  "Debian's /usr/bin/python3 with pydicom (python3-pydicom)");
  TempFolder folder("mv-head-ct");
  const auto written =
      run_reference("invesalius_to_dicom.py", {kCranium.string(), folder.path().string()});
  ASSERT_TRUE(written.is_object()) << "pydicom could not write the series";
  ASSERT_EQ(written["files"].get<int>(), 108);

  auto source = load_volume_source(folder.path());
  ASSERT_TRUE(source.ok()) << source.error().message;
  ASSERT_EQ(source->volumes.size(), 1u);
  EXPECT_TRUE(source->failures.empty());
  const SourceVolume& series = source->volumes.front();
  EXPECT_EQ(series.slices, 108u);
  EXPECT_TRUE(series.warnings.empty()) << series.warnings.front();
  const Volume& read = series.volume;
  EXPECT_EQ(read.type(), VoxelType::i16);
  EXPECT_EQ(read.unit(), ValueUnit::hounsfield);

  // The geometry pydicom wrote.
  const Geometry& g = read.geometry();
  for (std::size_t a = 0; a < 3; ++a) {
    EXPECT_EQ(g.dims[a], written["shape"][a].get<std::int64_t>()) << "axis " << a;
    const auto ia = static_cast<Eigen::Index>(a);
    EXPECT_NEAR(g.spacing[ia], written["spacing"][a].get<double>(), 1e-9) << "axis " << a;
    EXPECT_NEAR(g.origin[ia], written["origin"][a].get<double>(), 1e-9) << "axis " << a;
    for (std::size_t b = 0; b < 3; ++b)
      EXPECT_NEAR(g.direction(ia, static_cast<Eigen::Index>(b)),
                  written["direction"][a][b].get<double>(), 1e-12);
  }
  // ... which is the project's geometry, and every voxel holds the same HU.
  const Volume& project = cranium();
  EXPECT_TRUE(same_grid(g, project.geometry(), 1e-6));
  ASSERT_EQ(read.dims(), project.dims());
  const auto& a = read.data<std::int16_t>();
  const auto& b = project.data<std::int16_t>();
  std::size_t differing = 0;
  for (std::size_t n = 0; n < a.size(); ++n) differing += a[n] != b[n] ? 1 : 0;
  EXPECT_EQ(differing, 0u) << "of " << a.size() << " voxels";
}

TEST(HeadCt, TheSkullAt300HuIsAClosedManifoldOfTheBoneVolume) {
  MV_REQUIRE_PEER(have_cranium(), "the Cranium head CT (Debian package invesalius-examples)");
  MV_REQUIRE_PEER(testing_reference::python_available(),
                  "Debian's /usr/bin/python3 with scipy (python3-scipy)");
  constexpr double kBoneHu = 300;
  const auto ref = run_reference("bone_reference.py", {kCranium.string(), "300"});
  ASSERT_TRUE(ref.is_object()) << "scipy reference failed";
  const Volume& ct = cranium();

  // The skull is the largest connected piece of bone; scipy.ndimage.label
  // agrees on its size. Other pieces (the head holder, loose fragments) go.
  auto components = connected_components(threshold(ct, kBoneHu, 1e9));
  ASSERT_TRUE(components.ok()) << components.error().message;
  EXPECT_EQ(static_cast<std::int64_t>(components->sizes.size()),
            ref["components"].get<std::int64_t>());
  ASSERT_FALSE(components->sizes.empty());
  EXPECT_EQ(components->sizes.front(), ref["largest_voxels"].get<std::int64_t>());
  Volume skull_only = ct;
  const auto& label = components->labels.data<std::uint16_t>();
  auto& hu = skull_only.data<std::int16_t>();
  for (std::size_t n = 0; n < hu.size(); ++n)
    if (label[n] != 1 && hu[n] >= kBoneHu) hu[n] = -1024;

  SurfaceMesh skull = extract_isosurface(skull_only, kBoneHu);
  const MeshTopology topology = analyze_topology(skull);
  EXPECT_TRUE(topology.watertight());
  EXPECT_TRUE(topology.manifold());
  EXPECT_TRUE(topology.consistently_oriented());

  // Its enclosed volume is the bone's voxel volume: the interpolated surface
  // and the voxel count differ by partial voxels along the surface, a few
  // percent for bone a few voxels thick. An adult skull holds several
  // hundred millilitres of bone.
  const Geometry& g = ct.geometry();
  const double voxel_ml = g.spacing.prod() / 1000;
  const double counted_ml =
      static_cast<double>(ref["largest_voxels"].get<std::int64_t>()) * voxel_ml;
  const double enclosed_ml = enclosed_volume(skull) / 1000;
  EXPECT_NEAR(enclosed_ml / counted_ml, 1.0, 0.05)
      << enclosed_ml << " ml vs " << counted_ml << " ml";
  EXPECT_GT(enclosed_ml, 300);
  EXPECT_LT(enclosed_ml, 1200);
  // It spans the bone's bounding box: on each side the surface crosses
  // between the last bone voxel centre and the next (or lies half a voxel
  // beyond the volume's border), so each extent is up to two voxels more
  // than the centres' span. The skull is 14 cm across, 20 cm front to back.
  Eigen::Vector3f lo = skull.positions.front();
  Eigen::Vector3f hi = lo;
  for (const auto& p : skull.positions) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  const auto& box = ref["largest_box"];
  for (int a = 0; a < 3; ++a) {
    const auto axis = static_cast<std::size_t>(a);
    const double voxels = box[1][axis].get<double>() - box[0][axis].get<double>();
    EXPECT_GE(hi[a] - lo[a], voxels * g.spacing[a]) << "axis " << a;
    EXPECT_LE(hi[a] - lo[a], (voxels + 2) * g.spacing[a]) << "axis " << a;
  }

  // As a VR model: smoothed and decimated to a quarter, still closed and
  // manifold, at the asked size, enclosing the same bone.
  smooth_taubin(skull);
  const double smoothed_ml = enclosed_volume(skull) / 1000;
  DecimationOptions decimation;
  decimation.target_ratio = 0.25;
  auto reduced = decimate(skull, decimation);
  ASSERT_TRUE(reduced.ok()) << reduced.error().message;
  const MeshTopology after = analyze_topology(*reduced);
  EXPECT_TRUE(after.watertight());
  EXPECT_TRUE(after.manifold());
  EXPECT_TRUE(after.consistently_oriented());
  const double kept =
      static_cast<double>(reduced->triangle_count()) / static_cast<double>(skull.triangle_count());
  EXPECT_NEAR(kept, 0.25, 0.0125);
  EXPECT_NEAR(enclosed_volume(*reduced) / 1000 / smoothed_ml, 1.0, 0.02);
  std::printf(
      "[ head ct  ] skull at 300 HU: %zu triangles, %.1f ml (voxels: %.1f ml), %.0f x %.0f x %.0f "
      "mm; "
      "decimated to %zu\n",
      topology.triangles, enclosed_ml, counted_ml, hi.x() - lo.x(), hi.y() - lo.y(),
      hi.z() - lo.z(), reduced->triangle_count());
}

}  // namespace
}  // namespace medvision::imaging
