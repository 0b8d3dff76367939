// Loading "an image" from a path: NIfTI files, DICOM folders (every series),
// de-identification on the way, and clear errors naming what was given.

#include "imaging/volume_source.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../testing/require_peer.h"
#include "reference/temp_folder.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using testing_reference::TempFolder;

const fs::path kNibabelData = "/usr/lib/python3/dist-packages/nibabel/tests/data";
const fs::path kDicomdirTests =
    "/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests";
const fs::path kTemplates = "/usr/share/mricron/templates";

TEST(VolumeSource, LoadsANiftiFileAsOneVolumeWithItsGeometry) {
  std::vector<SourceStage> stages;
  const auto source = load_volume_source(kNibabelData / "anatomical.nii",
                                         [&](const SourceStage& s) { stages.push_back(s); });
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(source->format, SourceFormat::nifti);
  ASSERT_EQ(source->volumes.size(), 1u);
  EXPECT_EQ(source->series_found, 1u);
  const SourceVolume& v = source->volumes.front();
  EXPECT_EQ(v.volume.dims(), (Dims{33, 41, 25}));
  EXPECT_EQ(v.slices, 25u);
  EXPECT_NEAR(v.volume.geometry().spacing.x(), 2.0, 1e-6);
  EXPECT_FALSE(v.dicom.has_value());
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.back().done, stages.back().total);
}

TEST(VolumeSource, ReadsOneVolumeOfA4dNiftiFileAndSaysHowManyItHolds) {
  const auto source = load_volume_source(kNibabelData / "example4d.nii.gz");
  ASSERT_TRUE(source.ok()) << source.error().message;
  ASSERT_EQ(source->volumes.size(), 1u);
  EXPECT_EQ(source->volumes.front().volume.dims(), (Dims{128, 96, 24}));
  ASSERT_FALSE(source->volumes.front().warnings.empty());
  EXPECT_NE(source->volumes.front().warnings.back().find("holds 2 volumes"), std::string::npos);
}

TEST(VolumeSource, LoadsASmallDicomSeriesFromItsFolderAsHounsfieldUnits) {
  std::size_t last_slices_done = 0;
  bool scanned = false;
  const auto source =
      load_volume_source(kDicomdirTests / "98892001/CT5N", [&](const SourceStage& s) {
        if (s.unit == "files") scanned = true;
        if (s.unit == "slices") last_slices_done = s.done;
      });
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(source->format, SourceFormat::dicom);
  EXPECT_TRUE(scanned);
  EXPECT_EQ(last_slices_done, 5u);
  ASSERT_EQ(source->volumes.size(), 1u);
  const SourceVolume& v = source->volumes.front();
  EXPECT_EQ(v.modality, "CT");
  EXPECT_EQ(v.slices, 5u);
  EXPECT_EQ(v.volume.dims()[2], 5);
  EXPECT_EQ(v.volume.unit(), ValueUnit::hounsfield);
  EXPECT_NEAR(v.volume.geometry().spacing.z(), 2.5, 1e-6);
  ASSERT_TRUE(v.dicom.has_value());
  EXPECT_FALSE(source->deidentified);
}

TEST(VolumeSource, DeidentifiesDicomSeriesWhenGivenAMapper) {
  const auto kept = load_volume_source(kDicomdirTests / "98892001/CT5N");
  VolumeSourceOptions options;
  options.deidentify_with.emplace("a test secret");
  const auto removed = load_volume_source(kDicomdirTests / "98892001/CT5N", {}, options);
  ASSERT_TRUE(kept.ok() && removed.ok());
  EXPECT_TRUE(removed->deidentified);
  const DicomSeriesInfo& before = *kept->volumes.front().dicom;
  const DicomSeriesInfo& after = *removed->volumes.front().dicom;
  EXPECT_NE(after.series_uid, before.series_uid);
  EXPECT_EQ(after.series_uid, UidMapper("a test secret").map(before.series_uid));
  EXPECT_TRUE(after.series_description.empty());
  EXPECT_TRUE(removed->volumes.front().volume.description.empty());
}

TEST(VolumeSource, KeepsTheSeriesThatReadAndListsTheOnesThatDoNot) {
  // 98892003 holds MR700, whose slices mix orientations, next to readable MR series.
  const auto source = load_volume_source(kDicomdirTests / "98892003");
  ASSERT_TRUE(source.ok()) << source.error().message;
  EXPECT_EQ(source->series_found, source->volumes.size() + source->failures.size());
  EXPECT_FALSE(source->volumes.empty());
  ASSERT_FALSE(source->failures.empty());
  bool orientation_named = false;
  for (const auto& f : source->failures)
    orientation_named |= f.message.find("mixes slice orientations") != std::string::npos;
  EXPECT_TRUE(orientation_named);
}

TEST(VolumeSource, RefusesAFolderWhoseOnlySeriesCannotBeReadSayingWhy) {
  const fs::path folder = kDicomdirTests / "77654033/CT2";
  const auto source = load_volume_source(folder);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, ErrorCode::invalid_input);
  EXPECT_NE(source.error().message.find(folder.string()), std::string::npos);
  EXPECT_NE(source.error().message.find("inconsistent slice spacing"), std::string::npos)
      << source.error().message;
}

TEST(VolumeSource, RefusesAMissingPathNamingIt) {
  const auto source = load_volume_source("/no/such/scan.nii.gz");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, ErrorCode::not_found);
  EXPECT_NE(source.error().message.find("/no/such/scan.nii.gz"), std::string::npos);
}

TEST(VolumeSource, RefusesAFileThatIsNeitherNiftiNorDicomNamingIt) {
  const fs::path readme = kDicomdirTests / "README.txt";
  const auto source = load_volume_source(readme);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, ErrorCode::invalid_input);
  EXPECT_NE(source.error().message.find(readme.string()), std::string::npos);
  EXPECT_NE(source.error().message.find("not a NIfTI file"), std::string::npos)
      << source.error().message;
}

TEST(VolumeSource, RefusesTextNamedLikeNiftiNamingTheFile) {
  TempFolder dir("volume-source");
  const fs::path fake = dir.path() / "scan.nii";
  std::ofstream(fake) << "not an image\n";
  const auto source = load_volume_source(fake);
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.error().message.find(fake.string()), std::string::npos)
      << source.error().message;
}

TEST(VolumeSource, RefusesAFolderWithoutDicomSayingHowManyFilesItLookedAt) {
  TempFolder dir("volume-source");
  std::ofstream(dir.path() / "notes.txt") << "nothing here\n";
  const auto source = load_volume_source(dir.path());
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.error().message.find("no DICOM series found (1 files examined"),
            std::string::npos)
      << source.error().message;
}

TEST(VolumeSource, LargestVolumeIsTheOneWithMostVoxels) {
  VolumeSource source;
  for (std::int64_t n : {4, 9, 9, 2}) {
    Geometry g;
    g.dims = {n, n, 1};
    SourceVolume v;
    v.volume = Volume(g, VoxelType::u8);
    v.modality = std::to_string(source.volumes.size());
    source.volumes.push_back(std::move(v));
  }
  EXPECT_EQ(largest_volume(source).modality, "1");
}

TEST(VolumeSource, SameGridComparesWhereVoxelsLieNotJustDims) {
  Geometry a;
  a.dims = {10, 20, 30};
  Geometry b = a;
  EXPECT_TRUE(same_grid(a, b));
  b.origin.x() += 0.5;
  EXPECT_FALSE(same_grid(a, b));
  b = a;
  b.direction.col(0) *= -1;
  EXPECT_FALSE(same_grid(a, b));
  b = a;
  b.dims[2] = 31;
  EXPECT_FALSE(same_grid(a, b));
}

TEST(VolumeSource, TheAalAtlasLiesOnTheGridOfTheColin27Brain) {
  MV_REQUIRE_PEER(fs::exists(kTemplates / "aal.nii.gz"),
                  "the Colin27 brain and its atlases (Debian package mricron-data)");
  const auto aal = load_volume_source(kTemplates / "aal.nii.gz");
  const auto ch2 = load_volume_source(kTemplates / "ch2.nii.gz");
  ASSERT_TRUE(aal.ok() && ch2.ok());
  EXPECT_TRUE(
      same_grid(aal->volumes.front().volume.geometry(), ch2->volumes.front().volume.geometry()));
}

}  // namespace
}  // namespace medvision::imaging
