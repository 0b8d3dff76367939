// The NIfTI reader against nibabel (computed at test time) on real files, and
// against hostile headers.

#include "imaging/nifti_reader.h"

#include <gtest/gtest.h>
#include <nifti2_io.h>
#include <zlib.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "../testing/require_peer.h"
#include "reference/python_reference.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using testing_reference::run_reference;

const fs::path kNibabelData = "/usr/lib/python3/dist-packages/nibabel/tests/data";
const fs::path kColin27 = "/usr/share/mricron/templates/ch2.nii.gz";

std::atomic<int> g_compared{0};

class ComparisonCount : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("[ nifti    ] %d NIfTI files compared with nibabel\n", g_compared.load());
  }
};
[[maybe_unused]] ::testing::Environment* const kCount =
    ::testing::AddGlobalTestEnvironment(new ComparisonCount);

std::vector<std::string> reference_files() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kNibabelData, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".nii") || name.ends_with(".nii.gz")) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& extra : {kColin27, fs::path("/usr/share/mricron/templates/aal.nii.gz"),
                                fs::path("/usr/share/doc/insighttoolkit5-examples/examples/Data/"
                                         "KmeansTest_T1UCharRaw.nii.gz")}) {
    if (fs::exists(extra)) files.push_back(extra.string());
  }
  return files;
}

void expect_matches_reference(const NiftiVolume& read, const nlohmann::json& ref) {
  const Volume& v = read.volume;
  const Geometry& g = v.geometry();
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(g.dims[static_cast<std::size_t>(a)], ref["shape"][a].get<std::int64_t>())
        << "axis " << a;
    EXPECT_NEAR(g.spacing[a], ref["spacing"][a].get<double>(), 1e-5) << "axis " << a;
    EXPECT_NEAR(g.origin[a], ref["origin"][a].get<double>(), 1e-4) << "axis " << a;
    for (int b = 0; b < 3; ++b)
      EXPECT_NEAR(g.direction(a, b), ref["direction"][a][b].get<double>(), 1e-5) << a << "," << b;
  }
  EXPECT_EQ(read.volume_count, ref["volume_count"].get<std::int64_t>());
  double sum = 0;
  double lo = INFINITY;
  double hi = -INFINITY;
  std::int64_t nan_count = 0;
  for (std::int64_t k = 0; k < g.dims[2]; ++k) {
    for (std::int64_t j = 0; j < g.dims[1]; ++j) {
      for (std::int64_t i = 0; i < g.dims[0]; ++i) {
        const double x = v.at(i, j, k);
        if (std::isnan(x)) {
          ++nan_count;
          continue;
        }
        sum += x;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
    }
  }
  const double ref_sum = ref["sum"].get<double>();
  // float32 storage of scaled values: relative rounding of ~1e-7 per voxel.
  EXPECT_NEAR(sum, ref_sum, 1e-6 * std::max(1.0, std::abs(ref_sum)) + 1e-3);
  EXPECT_NEAR(lo, ref["min"].get<double>(), 1e-6 * std::max(1.0, std::abs(lo)));
  EXPECT_NEAR(hi, ref["max"].get<double>(), 1e-6 * std::max(1.0, std::abs(hi)));
  EXPECT_EQ(nan_count, ref["nan_count"].get<std::int64_t>());
  for (const auto& s : ref["samples"]) {
    const double x =
        v.at(s[0].get<std::int64_t>(), s[1].get<std::int64_t>(), s[2].get<std::int64_t>());
    if (s[3].is_null()) {
      EXPECT_TRUE(std::isnan(x));
    } else {
      EXPECT_NEAR(x, s[3].get<double>(), 1e-6 * std::max(1.0, std::abs(x))) << s.dump();
    }
  }
}

class NiftiReaderAgreesWithNibabel : public ::testing::TestWithParam<std::string> {};

constexpr const char* kNibabelPeer = "Debian's /usr/bin/python3 with nibabel (python3-nibabel)";
constexpr const char* kMricronPeer =
    "the Colin27 brain and its atlases (Debian package mricron-data)";
constexpr const char* kNibabelDataPeer = "nibabel's test data (Debian package python3-nibabel)";

TEST_P(NiftiReaderAgreesWithNibabel, OnShapeGeometryAndScaledValues) {
  MV_REQUIRE_PEER(testing_reference::python_available(), kNibabelPeer);
  const nlohmann::json ref = run_reference("nifti_reference.py", {GetParam()});
  MV_REQUIRE_PEER(!ref.is_discarded(),
                  "nibabel's reading of " << GetParam() << ": " << kNibabelPeer);
  const auto read = read_nifti(fs::path(GetParam()));
  ASSERT_TRUE(read.ok()) << read.error().message;
  expect_matches_reference(*read, ref);
  ++g_compared;
}

INSTANTIATE_TEST_SUITE_P(RealFiles, NiftiReaderAgreesWithNibabel,
                         ::testing::ValuesIn(reference_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = fs::path(param.param).filename().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// Every file above is compared with nibabel or its test fails (when peers
// are required), so this many are compared: python3-nibabel's 8 NIfTI test
// files, and mricron-data's Colin27 brain and AAL atlas.
TEST(RealFiles, AtLeast10AreComparedWithNibabel) {
  MV_REQUIRE_PEER(fs::exists(kNibabelData / "anatomical.nii"), kNibabelDataPeer);
  MV_REQUIRE_PEER(fs::exists(kColin27), kMricronPeer);
  EXPECT_GE(reference_files().size(), 10u);
}

TEST(NiftiReader, ReadsTheRequestedVolumeOfA4DFileAndReportsTheCount) {
  const fs::path file = kNibabelData / "example4d.nii.gz";
  MV_REQUIRE_PEER(fs::exists(file), kNibabelDataPeer);
  MV_REQUIRE_PEER(testing_reference::python_available(), kNibabelPeer);
  const auto second = read_nifti(file, NiftiOptions{.volume_index = 1});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->volume_count, 2);
  expect_matches_reference(*second, run_reference("nifti_reference.py", {file.string(), "1"}));
  const auto beyond = read_nifti(file, NiftiOptions{.volume_index = 2});
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.error().message.find("holds 2 volume(s)"), std::string::npos)
      << beyond.error().message;
}

TEST(NiftiReader, ReadsColin27WithItsKnownShapeAndTypeAndNiftiVersion) {
  MV_REQUIRE_PEER(fs::exists(kColin27), kMricronPeer);
  const auto read = read_nifti(kColin27);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->volume.dims(), (Dims{181, 217, 181}));
  EXPECT_EQ(read->volume.type(), VoxelType::u8);
  EXPECT_EQ(read->nifti_version, 1);
  EXPECT_EQ(read->volume_count, 1);
}

TEST(NiftiReader, ReadsNifti2) {
  const fs::path file = kNibabelData / "example_nifti2.nii.gz";
  MV_REQUIRE_PEER(fs::exists(file), kNibabelDataPeer);
  const auto read = read_nifti(file);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->nifti_version, 2);
  EXPECT_EQ(read->volume.dims(), (Dims{32, 20, 12}));
}

// A minimal valid NIfTI-1 single file in memory: uint8 voxels counting up.
std::vector<std::uint8_t> tiny_nifti(std::array<short, 8> dim, short datatype = DT_UINT8,
                                     short bitpix = 8) {
  nifti_1_header h{};
  h.sizeof_hdr = 348;
  std::memcpy(h.dim, dim.data(), sizeof h.dim);
  h.datatype = datatype;
  h.bitpix = bitpix;
  for (float& p : h.pixdim) p = 1.0f;
  h.vox_offset = 352;
  h.qform_code = 1;
  h.quatern_b = h.quatern_c = h.quatern_d = 0;
  std::memcpy(h.magic, "n+1", 4);
  std::vector<std::uint8_t> bytes(352);
  std::memcpy(bytes.data(), &h, sizeof h);
  return bytes;
}

void append_voxels(std::vector<std::uint8_t>& bytes, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<std::uint8_t>(i));
}

std::vector<std::uint8_t> gzip(const std::vector<std::uint8_t>& plain) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::vector<std::uint8_t> out(deflateBound(&z, plain.size()) + 32);
  z.next_in = const_cast<Bytef*>(plain.data());
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(NiftiReader, ReadsAValidFileFromMemoryPlainAndGzipped) {
  auto bytes = tiny_nifti({3, 2, 3, 4, 1, 1, 1, 1});
  append_voxels(bytes, 24);
  for (const auto& input : {bytes, gzip(bytes)}) {
    const auto read = read_nifti(std::span<const std::uint8_t>(input));
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->volume.dims(), (Dims{2, 3, 4}));
    EXPECT_EQ(read->volume.at(1, 2, 3), 23);
    // qform identity in RAS is LPS with x and y negated.
    EXPECT_TRUE(read->volume.geometry().direction.isApprox(
        Eigen::Vector3d(-1, -1, 1).asDiagonal().toDenseMatrix()));
  }
}

TEST(NiftiReader, RejectsAHeaderAskingForAMillionCubedVoxelsBeforeAllocating) {
  nifti_2_header h{};
  h.sizeof_hdr = 540;
  std::memcpy(h.magic, "n+2\0\r\n\032\n", 8);
  h.dim[0] = 3;
  h.dim[1] = h.dim[2] = h.dim[3] = 1000000;
  h.datatype = DT_FLOAT32;
  h.bitpix = 32;
  h.vox_offset = 544;
  std::vector<std::uint8_t> bytes(544 + 64);
  std::memcpy(bytes.data(), &h, sizeof h);
  for (const auto& input : {bytes, gzip(bytes)}) {
    const auto read = read_nifti(std::span<const std::uint8_t>(input));
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().code, ErrorCode::invalid_input);
    EXPECT_NE(read.error().message.find("too large"), std::string::npos) << read.error().message;
  }
}

TEST(NiftiReader, RejectsATruncatedFileWithAMessageNamingTheMissingBytes) {
  auto bytes = tiny_nifti({3, 64, 64, 64, 1, 1, 1, 1});
  append_voxels(bytes, 1000);
  const auto plain = read_nifti(std::span<const std::uint8_t>(bytes));
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("truncated"), std::string::npos) << plain.error().message;
  const auto gz = gzip(bytes);
  const auto compressed = read_nifti(std::span<const std::uint8_t>(gz));
  ASSERT_FALSE(compressed.ok());
  EXPECT_NE(compressed.error().message.find("truncated"), std::string::npos)
      << compressed.error().message;
  const std::vector<std::uint8_t> cut_header(gz.begin(), gz.begin() + 40);
  EXPECT_FALSE(read_nifti(std::span<const std::uint8_t>(cut_header)).ok());
}

TEST(NiftiReader, RejectsNonNiftiBytesUnsupportedTypesAndZeroDimensions) {
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
  const auto not_nifti = read_nifti(std::span<const std::uint8_t>(text));
  ASSERT_FALSE(not_nifti.ok());
  EXPECT_NE(not_nifti.error().message.find("not a NIfTI file"), std::string::npos);
  auto rgb = tiny_nifti({3, 2, 2, 2, 1, 1, 1, 1}, DT_RGB24, 24);
  append_voxels(rgb, 24);
  const auto unsupported = read_nifti(std::span<const std::uint8_t>(rgb));
  ASSERT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.error().message.find("not supported"), std::string::npos)
      << unsupported.error().message;
  const auto zero = tiny_nifti({3, 2, 0, 2, 1, 1, 1, 1});
  const auto zero_read = read_nifti(std::span<const std::uint8_t>(zero));
  ASSERT_FALSE(zero_read.ok());
  EXPECT_NE(zero_read.error().message.find("at least 1"), std::string::npos);
  EXPECT_EQ(read_nifti(fs::path("/nonexistent/brain.nii")).error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace medvision::imaging
