// The DICOM series reader against pydicom (computed at test time) on every
// DICOM test file Debian's python3-pydicom ships, and on synthetic series
// written with pydicom: sorting, spacing, geometry, and the faults a series
// can have (missing slice, gantry tilt, mixed orientations).

#include "imaging/dicom_series.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "../testing/require_peer.h"
#include "reference/python_reference.h"
#include "reference/temp_folder.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using testing_reference::run_reference;
using testing_reference::TempFolder;

const fs::path kPydicomData = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

struct Tally {
  std::mutex mutex;
  int compared = 0;  // values and geometry against pydicom
  int compared_sibling =
      0;  // pydicom lacks the codec: GDCM's values against the uncompressed sibling
  int refused_as_expected =
      0;  // colour or pixel-less files: a clear error, as pydicom also has no greyscale image
  std::vector<std::string> skipped;
};
Tally g_tally;

class ComparisonCount : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf(
        "[ dicom    ] %d DICOM files compared with pydicom, %d compared with an uncompressed "
        "sibling, %d refused as expected\n",
        g_tally.compared, g_tally.compared_sibling, g_tally.refused_as_expected);
    for (const auto& s : g_tally.skipped) std::printf("[ dicom    ] skipped: %s\n", s.c_str());
  }
};
[[maybe_unused]] ::testing::Environment* const kCount =
    ::testing::AddGlobalTestEnvironment(new ComparisonCount);

std::vector<std::string> pydicom_files() {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(kPydicomData, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    const bool in_dicomdir_tests = it->path().string().find("dicomdirtests") != std::string::npos;
    if (name.ends_with(".dcm") ||
        (in_dicomdir_tests && name.find('.') == std::string::npos && name != "README")) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Files pydicom cannot decode here (no JPEG-LS, JPEG extended or lossless JPEG
// codec) whose image also exists uncompressed: PS3.5 lossless syntaxes must
// give the same values exactly.
const std::map<std::string, std::string> kUncompressedSibling = {
    {"MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm"},
};

DicomSeries series_of(const std::vector<std::string>& files) {
  DicomSeries s;
  for (const auto& f : files) s.files.emplace_back(f);
  return s;
}

void expect_geometry(const Geometry& g, const nlohmann::json& ref) {
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(g.dims[static_cast<std::size_t>(a)], ref["shape"][a].get<std::int64_t>())
        << "axis " << a;
    EXPECT_NEAR(g.spacing[a], ref["spacing"][a].get<double>(), 1e-4) << "axis " << a;
    EXPECT_NEAR(g.origin[a], ref["origin"][a].get<double>(), 1e-3) << "axis " << a;
    for (int b = 0; b < 3; ++b)
      EXPECT_NEAR(g.direction(a, b), ref["direction"][a][b].get<double>(), 1e-5) << a << "," << b;
  }
}

// tolerance: absolute, for values (0 for lossless).
void expect_values(const Volume& v, const nlohmann::json& ref, double tolerance) {
  double sum = 0;
  double lo = INFINITY;
  double hi = -INFINITY;
  const Dims d = v.dims();
  for (std::int64_t k = 0; k < d[2]; ++k) {
    for (std::int64_t j = 0; j < d[1]; ++j) {
      for (std::int64_t i = 0; i < d[0]; ++i) {
        const double x = v.at(i, j, k);
        sum += x;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
    }
  }
  const double n = static_cast<double>(d[0] * d[1] * d[2]);
  const double ref_sum = ref["sum"].get<double>();
  // float32 keeps 24 bits: a relative error of 6e-8 per value.
  EXPECT_NEAR(sum, ref_sum, tolerance * n + 1e-6 * std::abs(ref_sum) + 1e-6);
  EXPECT_NEAR(lo, ref["min"].get<double>(), tolerance + 1e-6 * std::abs(lo));
  EXPECT_NEAR(hi, ref["max"].get<double>(), tolerance + 1e-6 * std::abs(hi));
  for (const auto& s : ref["samples"]) {
    const double x =
        v.at(s[0].get<std::int64_t>(), s[1].get<std::int64_t>(), s[2].get<std::int64_t>());
    EXPECT_NEAR(x, s[3].get<double>(), tolerance + 1e-6 * std::abs(x)) << s.dump();
  }
}

class DicomReaderAgreesWithPydicom : public ::testing::TestWithParam<std::string> {};

constexpr const char* kPydicomPeer = "Debian's /usr/bin/python3 with pydicom (python3-pydicom)";

TEST_P(DicomReaderAgreesWithPydicom, OnShapeGeometryAndRescaledValues) {
  MV_REQUIRE_PEER(testing_reference::python_available(), kPydicomPeer);
  const std::string& file = GetParam();
  const std::string name = fs::path(file).filename().string();
  const nlohmann::json ref = run_reference("dicom_reference.py", {file});
  ASSERT_FALSE(ref.is_discarded()) << "pydicom reference failed on " << file;
  const auto read = read_dicom_series(series_of({file}));
  const std::string status = ref["status"].get<std::string>();
  std::lock_guard lock(g_tally.mutex);
  if (status == "colour" || status == "no_pixels") {
    ASSERT_FALSE(read.ok()) << name << " should be refused (" << status << ")";
    EXPECT_EQ(read.error().code, ErrorCode::invalid_input);
    if (status == "colour") {
      EXPECT_NE(read.error().message.find("colour"), std::string::npos) << read.error().message;
    }
    ++g_tally.refused_as_expected;
    return;
  }
  if (status == "unreadable") {
    // Malformed on purpose (pydicom's edge-case files): any clear outcome will do.
    g_tally.skipped.push_back(name + ": pydicom cannot read it (" +
                              ref["error"].get<std::string>().substr(0, 60) + "); MedVision " +
                              (read.ok() ? "reads it" : "refuses it: " + read.error().message));
    return;
  }
  if (status == "undecodable") {
    if (!read.ok()) {
      g_tally.skipped.push_back(name + ": neither pydicom (" +
                                ref["error"].get<std::string>().substr(0, 60) +
                                "...) nor GDCM decodes it: " + read.error().message);
      GTEST_SKIP() << "neither reader decodes " << name << ": " << read.error().message;
    }
    EXPECT_EQ(read->volume.dims()[0], ref["shape"][0].get<std::int64_t>());
    EXPECT_EQ(read->volume.dims()[1], ref["shape"][1].get<std::int64_t>());
    EXPECT_EQ(read->volume.dims()[2], ref["shape"][2].get<std::int64_t>());
    const auto sibling = kUncompressedSibling.find(name);
    if (sibling == kUncompressedSibling.end()) {
      g_tally.skipped.push_back(name +
                                ": pydicom lacks the codec and no uncompressed sibling exists; "
                                "GDCM decodes it, shape checked only");
      return;
    }
    const std::string sibling_file = (kPydicomData / sibling->second).string();
    const nlohmann::json sibling_ref = run_reference("dicom_reference.py", {sibling_file});
    expect_geometry(read->volume.geometry(), sibling_ref);
    expect_values(read->volume, sibling_ref, 0.0);
    ++g_tally.compared_sibling;
    return;
  }
  ASSERT_TRUE(read.ok()) << name << ": " << read.error().message;
  expect_geometry(read->volume.geometry(), ref);
  // Lossy JPEG 2000 (.91) is decoded by different libraries (OpenJPEG in GDCM and in Pillow): allow
  // small differences.
  const bool lossy = read->info.transfer_syntax_uid == "1.2.840.10008.1.2.4.91" ||
                     read->info.transfer_syntax_uid == "1.2.840.10008.1.2.4.50" ||
                     read->info.transfer_syntax_uid == "1.2.840.10008.1.2.4.51";
  expect_values(read->volume, ref, lossy ? 2.0 : 0.0);
  ++g_tally.compared;
}

INSTANTIATE_TEST_SUITE_P(PydicomTestFiles, DicomReaderAgreesWithPydicom,
                         ::testing::ValuesIn(pydicom_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = fs::relative(param.param, kPydicomData).string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// Each file pydicom reads as a greyscale image ("ok") is compared value for
// value above, and its test fails unless MedVision reads it the same, so at
// least this many files are compared. 51 of the 157 files python3-pydicom
// 2.3 ships are; fewer means the data or the reference changed.
TEST(PydicomTestFiles, AtLeast51AreGreyscaleImagesThatTheComparisonCovers) {
  MV_REQUIRE_PEER(testing_reference::python_available(), kPydicomPeer);
  MV_REQUIRE_PEER(fs::exists(kPydicomData / "CT_small.dcm"),
                  "pydicom's test files (python3-pydicom)");
  const std::vector<std::string> files = pydicom_files();
  EXPECT_GE(files.size(), 157u) << "files under " << kPydicomData;
  std::vector<std::string> args = {"--status"};
  args.insert(args.end(), files.begin(), files.end());
  const nlohmann::json ref = run_reference("dicom_reference.py", args);
  ASSERT_TRUE(ref.contains("statuses")) << "pydicom reference failed";
  int compared = 0;
  for (const auto& [file, status] : ref["statuses"].items()) compared += status == "ok" ? 1 : 0;
  EXPECT_GE(compared, 51);
}

TEST(DicomSeriesReader, StoresCtAsHounsfieldUnitsInInt16) {
  const auto read = read_dicom_series(series_of({(kPydicomData / "CT_small.dcm").string()}));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->volume.type(), VoxelType::i16);
  EXPECT_EQ(read->volume.unit(), ValueUnit::hounsfield);
  EXPECT_EQ(read->volume.modality, "CT");
}

TEST(DicomSeriesReader, AppliesDoseGridScalingToMultiFrameRtDoseAsFloat) {
  const auto read = read_dicom_series(series_of({(kPydicomData / "rtdose.dcm").string()}));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->volume.type(), VoxelType::f32);
  EXPECT_EQ(read->volume.dims(), (Dims{10, 10, 15}));
  EXPECT_NEAR(read->volume.geometry().spacing.z(), 5.0,
              1e-9);  // Grid Frame Offset Vector 0, 5, 10, ...
}

TEST(DicomSeriesReader, ReadsTheDicomdirTestSeriesSortedAlongTheNormalLikePydicom) {
  // CT5N: five axial slices 2.5 mm apart, stored in descending z.
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kPydicomData / "dicomdirtests/98892001/CT5N"))
    files.push_back(e.path().string());
  const nlohmann::json ref = run_reference("dicom_reference.py", files);
  ASSERT_EQ(ref.value("status", ""), "ok");
  std::reverse(files.begin(), files.end());
  const auto read = read_dicom_series(series_of(files));
  ASSERT_TRUE(read.ok()) << read.error().message;
  expect_geometry(read->volume.geometry(), ref);
  expect_values(read->volume, ref, 0.0);
}

TEST(DicomSeriesReader, RefusesARealSeriesWithAGapNamingBothSpacings) {
  // CT2: one slice at z=-99.5, then three 1.25 mm apart from z=103.
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kPydicomData / "dicomdirtests/77654033/CT2"))
    files.push_back(e.path().string());
  const auto read = read_dicom_series(series_of(files));
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("inconsistent slice spacing: 1.25 mm vs 202.5 mm at slice 1"),
            std::string::npos)
      << read.error().message;
}

TEST(DicomSeriesReader, RefusesARealSeriesMixingOrientations) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kPydicomData / "dicomdirtests/98892003/MR700"))
    files.push_back(e.path().string());
  const auto read = read_dicom_series(series_of(files));
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("mixes slice orientations"), std::string::npos)
      << read.error().message;
}

nlohmann::json make_series(const fs::path& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {dir.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_reference("make_series.py", args);
}

DicomSeries scanned_single_series(const fs::path& dir) {
  auto scan = scan_dicom(dir);
  EXPECT_TRUE(scan.ok());
  EXPECT_EQ(scan->series.size(), 1u);
  return scan->series.empty() ? DicomSeries{} : scan->series.front();
}

TEST(DicomSeriesReader, SortsAShuffledObliqueSeriesAndPlacesItInPatientSpace) {
  MV_REQUIRE_PEER(testing_reference::python_available(), kPydicomPeer);
  TempFolder dir("mv-series");
  const nlohmann::json expected = make_series(dir.path(), {"--slices", "12", "--gap", "2.5"});
  ASSERT_FALSE(expected.is_discarded());
  const DicomSeries series = scanned_single_series(dir.path());
  EXPECT_EQ(series.instance_count(), 12u);
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  const auto read = read_dicom_series(
      series, [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(read->warnings.empty());
  const Volume& v = read->volume;
  expect_geometry(v.geometry(), expected);
  EXPECT_EQ(v.type(), VoxelType::i16);
  for (std::int64_t k = 0; k < 12; ++k) {
    for (std::int64_t j = 0; j < 6; ++j) {
      for (std::int64_t i = 0; i < 5; ++i)
        ASSERT_EQ(v.at(i, j, k), static_cast<double>(i + 2 * j + 3 * k - 1000))
            << i << "," << j << "," << k;
    }
  }
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), (std::pair<std::size_t, std::size_t>{12, 12}));
  EXPECT_EQ(v.description, "synthetic oblique series");
}

TEST(DicomSeriesReader, ReportsAMissingSliceWithBothSpacingsAndItsPosition) {
  MV_REQUIRE_PEER(testing_reference::python_available(), kPydicomPeer);
  TempFolder dir("mv-series");
  ASSERT_FALSE(make_series(dir.path(), {"--slices", "10", "--gap", "1.25", "--missing", "6"})
                   .is_discarded());
  const DicomSeries series = scanned_single_series(dir.path());
  const auto refused = read_dicom_series(series);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find(
                "DICOM series has inconsistent slice spacing: 1.25 mm vs 2.5 mm at slice 6"),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("missing"), std::string::npos);
  const auto allowed =
      read_dicom_series(series, {}, DicomReadOptions{.allow_irregular_spacing = true});
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  ASSERT_EQ(allowed->warnings.size(), 1u);
  EXPECT_NE(allowed->warnings[0].find("inconsistent slice spacing"), std::string::npos);
}

TEST(DicomSeriesReader, ReportsAGantryTiltWithItsAngle) {
  MV_REQUIRE_PEER(testing_reference::python_available(), kPydicomPeer);
  TempFolder dir("mv-series");
  ASSERT_FALSE(
      make_series(dir.path(), {"--slices", "8", "--gap", "2", "--tilt", "15"}).is_discarded());
  const DicomSeries series = scanned_single_series(dir.path());
  const auto refused = read_dicom_series(series);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("gantry tilt of 15.00 degrees"), std::string::npos)
      << refused.error().message;
  const auto allowed = read_dicom_series(series, {}, DicomReadOptions{.allow_gantry_tilt = true});
  ASSERT_TRUE(allowed.ok()) << allowed.error().message;
  EXPECT_NE(allowed->warnings.at(0).find("gantry tilt"), std::string::npos);
}

TEST(DicomSeriesReader, ReadsOneInstanceFromMemory) {
  std::ifstream in(kPydicomData / "MR_small.dcm", std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  const auto read = read_dicom_bytes(bytes);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->volume.dims(), (Dims{64, 64, 1}));
}

}  // namespace
}  // namespace medvision::imaging
