// The InVesalius project reader on Debian's real head CT (Cranium.inv3),
// checked against an independent read with Python's tarfile, plistlib and
// numpy at test time, and against hostile archives built here.

#include "imaging/invesalius_project.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "../testing/require_peer.h"
#include "reference/python_reference.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using testing_reference::run_reference;

const fs::path kCranium = "/usr/share/doc/invesalius-examples/examples/Cranium.inv3";

TEST(InvesaliusProject, CraniumMatchesAnIndependentReadVoxelForVoxel) {
  MV_REQUIRE_PEER(fs::exists(kCranium), "the Cranium head CT (Debian package invesalius-examples)");
  MV_REQUIRE_PEER(testing_reference::python_available(),
                  "Debian's /usr/bin/python3 with numpy (python3-numpy)");
  const auto ref = run_reference("invesalius_reference.py", {kCranium.string()});
  ASSERT_TRUE(ref.is_object()) << "reference reader failed";

  auto read = read_invesalius_project(kCranium);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const Volume& v = *read;
  EXPECT_EQ(v.type(), VoxelType::i16);
  EXPECT_EQ(v.unit(), ValueUnit::hounsfield);
  EXPECT_EQ(v.modality, ref["modality"].get<std::string>());
  // numpy shape is [slices, rows, columns]; Volume dims are i (column), j, k.
  ASSERT_EQ(v.dims()[0], ref["shape"][2].get<std::int64_t>());
  ASSERT_EQ(v.dims()[1], ref["shape"][1].get<std::int64_t>());
  ASSERT_EQ(v.dims()[2], ref["shape"][0].get<std::int64_t>());
  for (int a = 0; a < 3; ++a)
    EXPECT_DOUBLE_EQ(v.geometry().spacing[a], ref["spacing"][a].get<double>()) << "axis " << a;

  const auto [lo, hi] = v.range();
  EXPECT_EQ(lo, ref["min"].get<double>());
  EXPECT_EQ(hi, ref["max"].get<double>());
  const auto& voxels = v.data<std::int16_t>();
  std::int64_t sum = 0;
  std::int64_t sum_squares = 0;
  for (const std::int16_t x : voxels) {
    sum += x;
    sum_squares += std::int64_t{x} * x;
  }
  EXPECT_EQ(sum, ref["sum"].get<std::int64_t>());
  EXPECT_EQ(sum_squares, ref["sum_squares"].get<std::int64_t>());
  const std::size_t slice = static_cast<std::size_t>(v.dims()[0] * v.dims()[1]);
  for (std::int64_t k = 0; k < v.dims()[2]; ++k) {
    std::int64_t slice_sum = 0;
    for (std::size_t n = 0; n < slice; ++n)
      slice_sum += voxels[static_cast<std::size_t>(k) * slice + n];
    EXPECT_EQ(slice_sum, ref["slice_sums"][static_cast<std::size_t>(k)].get<std::int64_t>())
        << "slice " << k;
  }
  // InVesalius stores each image bottom row first; the reader turns it back.
  const std::int64_t last_row = v.dims()[1] - 1;
  for (const auto& s : ref["samples"]) {
    EXPECT_EQ(v.at(s[2].get<std::int64_t>(), last_row - s[1].get<std::int64_t>(),
                   s[0].get<std::int64_t>()),
              s[3].get<double>());
  }
}

TEST(InvesaliusProject, CraniumIsAnAxialSeriesCentredOnTheOrigin) {
  MV_REQUIRE_PEER(fs::exists(kCranium), "the Cranium head CT (Debian package invesalius-examples)");
  auto read = read_invesalius_project(kCranium);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const Volume& v = *read;
  const Geometry& g = v.geometry();
  EXPECT_EQ(g.direction, Eigen::Matrix3d::Identity());
  const Eigen::Vector3d centre = g.index_to_patient(Eigen::Vector3d(127.5, 127.5, 53.5));
  EXPECT_NEAR(centre.norm(), 0.0, 1e-9);
  // Anatomy says which way the axes run (values checked with numpy on the
  // raw matrix). k runs superior: slice 0 cuts the skull base, full of bone,
  // the last slice lies above the vertex, with none.
  const auto bone_voxels = [&v](std::int64_t k) {
    std::int64_t n = 0;
    for (std::int64_t j = 0; j < v.dims()[1]; ++j)
      for (std::int64_t i = 0; i < v.dims()[0]; ++i) n += v.at(i, j, k) > 300 ? 1 : 0;
    return n;
  };
  EXPECT_GT(bone_voxels(0), 1000);
  EXPECT_EQ(bone_voxels(v.dims()[2] - 1), 0);
  // j runs posterior: in the middle slice's mid-sagittal column, the first
  // rows are air in front of the forehead (about -1000 HU) and the last rows
  // the foam headrest the supine patient lies on (about -600 HU).
  const std::int64_t mid_i = v.dims()[0] / 2;
  const std::int64_t mid_k = v.dims()[2] / 2;
  for (std::int64_t j = 0; j < 8; ++j) EXPECT_LT(v.at(mid_i, j, mid_k), -950) << "row " << j;
  for (std::int64_t j = v.dims()[1] - 8; j < v.dims()[1]; ++j) {
    EXPECT_GT(v.at(mid_i, j, mid_k), -800) << "row " << j;
    EXPECT_LT(v.at(mid_i, j, mid_k), -400) << "row " << j;
  }
}

// --- hostile archives -------------------------------------------------------

std::vector<std::uint8_t> tar_header(const std::string& name, const std::string& size_octal,
                                     char type = '0') {
  std::vector<std::uint8_t> h(512, 0);
  std::memcpy(h.data(), name.data(), std::min<std::size_t>(name.size(), 100));
  std::memcpy(h.data() + 100, "0000644", 7);
  std::memcpy(h.data() + 124, size_octal.data(), std::min<std::size_t>(size_octal.size(), 12));
  h[156] = static_cast<std::uint8_t>(type);
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (const std::uint8_t b : h) sum += b;
  std::snprintf(reinterpret_cast<char*>(h.data() + 148), 8, "%06o", sum);
  return h;
}

void append_entry(std::vector<std::uint8_t>& tar, const std::string& name,
                  const std::string& content) {
  char size[12];
  std::snprintf(size, sizeof size, "%011o", static_cast<unsigned>(content.size()));
  const auto h = tar_header(name, size);
  tar.insert(tar.end(), h.begin(), h.end());
  tar.insert(tar.end(), content.begin(), content.end());
  tar.resize((tar.size() + 511) / 512 * 512, 0);
}

std::vector<std::uint8_t> gzip(const std::vector<std::uint8_t>& raw) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::vector<std::uint8_t> out(deflateBound(&z, static_cast<uLong>(raw.size())) + 64);
  z.next_in = const_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string plist(const std::string& dtype, const std::string& shape,
                  const std::string& extra = "") {
  return "<?xml version=\"1.0\"?>\n<!DOCTYPE plist>\n<plist version=\"1.0\"><dict>"
         "<key>matrix</key><dict><key>dtype</key><string>" +
         dtype + "</string><key>filename</key><string>matrix.dat</string><key>shape</key><array>" +
         shape +
         "</array></dict><key>modality</key><string>CT</string>"
         "<key>spacing</key><array><real>0.5</real><real>0.5</real><real>2</real></array>" +
         extra + "</dict></plist>";
}

const std::string kShape223 = "<integer>3</integer><integer>2</integer><integer>2</integer>";

std::string matrix_bytes(int count) {
  std::string out;
  for (int n = 0; n < count; ++n) {
    const auto v = static_cast<std::uint16_t>(static_cast<std::int16_t>(n * 100 - 1000));
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
  }
  return out;
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
  auto read = read_invesalius_project(std::span<const std::uint8_t>(bytes));
  return read.ok() ? std::string("(read fine)") : read.error().message;
}

std::vector<std::uint8_t> finished(std::vector<std::uint8_t> tar) {
  tar.resize(tar.size() + 1024, 0);
  return gzip(tar);
}

TEST(InvesaliusProject, ASmallWellFormedProjectReadsWithItsGeometry) {
  std::vector<std::uint8_t> tar;
  append_entry(tar, "p/main.plist", plist("int16", kShape223));
  append_entry(tar, "p/mask_0.dat", "ignored");
  append_entry(tar, "p/matrix.dat", matrix_bytes(12));
  auto read = read_invesalius_project(std::span<const std::uint8_t>(finished(tar)));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->dims(), (Dims{2, 2, 3}));
  EXPECT_EQ(read->geometry().spacing, Eigen::Vector3d(0.5, 0.5, 2));
  // Sample n of the file holds n * 100 - 1000; the file's rows are stored
  // bottom first, so file row 1 is image row 0.
  EXPECT_EQ(read->at(0, 0, 0), -800);
  EXPECT_EQ(read->at(1, 0, 0), -700);
  EXPECT_EQ(read->at(0, 1, 0), -1000);
  EXPECT_EQ(read->at(1, 1, 2), -100);
  EXPECT_EQ(read->at(1, 0, 2), 100);
}

TEST(InvesaliusProject, AProjectWrittenByPythonsTarfileAndPlistlibReads) {
  // The fuzz seed: plistlib writes empty dicts as <dict/> and sorts keys;
  // the matrix holds (n * 37 % 4000) - 1024 for sample n, shape [3, 4, 5].
  const fs::path seed = fs::path(MEDVISION_SOURCE_DIR) / "fuzz/corpus/invesalius_fuzz/small.inv3";
  auto read = read_invesalius_project(seed);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->dims(), (Dims{5, 4, 3}));
  EXPECT_EQ(read->geometry().spacing, Eigen::Vector3d(0.5, 0.5, 1.25));
  for (std::int64_t k = 0; k < 3; ++k)
    for (std::int64_t r = 0; r < 4; ++r)
      for (std::int64_t i = 0; i < 5; ++i) {
        const std::int64_t n = i + 5 * (r + 4 * k);
        EXPECT_EQ(read->at(i, 3 - r, k), static_cast<double>(n * 37 % 4000 - 1024));
      }
}

TEST(InvesaliusProject, TheMatrixMayComeBeforeThePlist) {
  std::vector<std::uint8_t> tar;
  append_entry(tar, "p/matrix.dat", matrix_bytes(12));
  append_entry(tar, "p/main.plist", plist("int16", kShape223));
  auto read = read_invesalius_project(std::span<const std::uint8_t>(finished(tar)));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->at(1, 0, 2), 100);
}

TEST(InvesaliusProject, HostileOrBrokenArchivesGetClearErrors) {
  EXPECT_NE(error_of({1, 2, 3}).find("not a gzip"), std::string::npos);
  {
    std::vector<std::uint8_t> tar;
    append_entry(tar, "p/main.plist", plist("int16", kShape223));
    tar[148] = '7';  // checksum no longer matches
    EXPECT_NE(error_of(finished(tar)).find("checksum"), std::string::npos);
  }
  {
    // An entry claiming 8 GiB of matrix, with no data behind it.
    std::vector<std::uint8_t> tar = tar_header("p/matrix.dat", "77777777777");
    EXPECT_NE(error_of(finished(tar)).find("larger than 4 GiB"), std::string::npos);
  }
  {
    // 3 GiB claimed, 1 KiB present: reading stops at the end of the data.
    std::vector<std::uint8_t> tar = tar_header("p/matrix.dat", "30000000000");
    tar.resize(tar.size() + 1024, 0);
    EXPECT_NE(error_of(gzip(tar)).find("truncated"), std::string::npos);
  }
  {
    std::vector<std::uint8_t> tar;
    append_entry(tar, "p/main.plist", plist("int16", kShape223));
    append_entry(tar, "p/matrix.dat", matrix_bytes(11));
    EXPECT_NE(error_of(finished(tar)).find("its shape needs 24"), std::string::npos);
  }
  {
    std::vector<std::uint8_t> tar;
    append_entry(tar, "p/main.plist", plist("float64", kShape223));
    EXPECT_NE(error_of(finished(tar)).find("not supported"), std::string::npos);
  }
  {
    std::vector<std::uint8_t> tar;
    append_entry(
        tar, "p/main.plist",
        plist("int16", "<integer>60000</integer><integer>60000</integer><integer>60000</integer>"));
    EXPECT_NE(error_of(finished(tar)).find("voxel limit"), std::string::npos);
  }
  {
    std::string nested;
    for (int n = 0; n < 5000; ++n) nested += "<array>";
    std::vector<std::uint8_t> tar;
    append_entry(tar, "p/main.plist", plist("int16", kShape223, "<key>deep</key>" + nested));
    EXPECT_NE(error_of(finished(tar)).find("deeper than 32"), std::string::npos);
  }
  {
    std::vector<std::uint8_t> tar;
    append_entry(tar, "p/main.plist", plist("int16", kShape223));
    EXPECT_NE(error_of(finished(tar)).find("no matrix.dat"), std::string::npos);
  }
  {
    std::vector<std::uint8_t> tar;
    append_entry(tar, "p/matrix.dat", matrix_bytes(12));
    EXPECT_NE(error_of(finished(tar)).find("no main.plist"), std::string::npos);
  }
  // The real project cut in half.
  MV_REQUIRE_PEER(fs::exists(kCranium), "the Cranium head CT (Debian package invesalius-examples)");
  std::ifstream in(kCranium, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  bytes.resize(bytes.size() / 2);
  EXPECT_NE(error_of(bytes).find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace medvision::imaging
