// Hostile and malformed DICOM input: clear errors, no crash, no allocation
// sized by a lying header. Files are built byte by byte (explicit VR little
// endian, PS3.5 7.1.2).

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "../testing/require_peer.h"
#include "imaging/dicom_scan.h"
#include "imaging/dicom_series.h"

namespace medvision::imaging {
namespace {

class DicomBytes {
 public:
  DicomBytes() {
    bytes_.assign(128, 0);
    bytes_.insert(bytes_.end(), {'D', 'I', 'C', 'M'});
    text(0x0002, 0x0010, "UI", std::string("1.2.840.10008.1.2.1") + '\0');
  }
  DicomBytes& text(std::uint16_t g, std::uint16_t e, const char* vr, std::string value) {
    if (value.size() % 2) value += ' ';
    tag(g, e);
    bytes_.insert(bytes_.end(), vr, vr + 2);
    u16(static_cast<std::uint16_t>(value.size()));
    bytes_.insert(bytes_.end(), value.begin(), value.end());
    return *this;
  }
  DicomBytes& us(std::uint16_t g, std::uint16_t e, std::uint16_t v) {
    tag(g, e);
    bytes_.insert(bytes_.end(), {'U', 'S'});
    u16(2);
    u16(v);
    return *this;
  }
  // A long-form element header (OB, OW, SQ ...) with a declared length.
  DicomBytes& long_header(std::uint16_t g, std::uint16_t e, const char* vr, std::uint32_t length) {
    tag(g, e);
    bytes_.insert(bytes_.end(), vr, vr + 2);
    u16(0);
    u32(length);
    return *this;
  }
  DicomBytes& raw(std::size_t n, std::uint8_t value = 7) {
    bytes_.insert(bytes_.end(), n, value);
    return *this;
  }
  DicomBytes& item_start() {
    tag(0xfffe, 0xe000);
    u32(0xffffffff);
    return *this;
  }
  DicomBytes& image_header(std::uint16_t rows, std::uint16_t columns) {
    text(0x0008, 0x0060, "CS", "CT").text(0x0020, 0x000e, "UI", std::string("1.2.3.4") + '\0');
    us(0x0028, 0x0002, 1).text(0x0028, 0x0004, "CS", "MONOCHROME2");
    us(0x0028, 0x0010, rows).us(0x0028, 0x0011, columns);
    return us(0x0028, 0x0100, 16).us(0x0028, 0x0101, 16).us(0x0028, 0x0103, 1);
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  void tag(std::uint16_t g, std::uint16_t e) {
    u16(g);
    u16(e);
  }
  void u16(std::uint16_t v) {
    bytes_.insert(bytes_.end(), {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)});
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v));
    u16(static_cast<std::uint16_t>(v >> 16));
  }
  std::vector<std::uint8_t> bytes_;
};

std::string error_of(const std::vector<std::uint8_t>& bytes) {
  const auto read = read_dicom_bytes(bytes);
  EXPECT_FALSE(read.ok());
  return read.ok() ? "" : read.error().message;
}

TEST(DicomHostileInput, AValidTinyImageReads) {
  DicomBytes d;
  d.image_header(2, 3).long_header(0x7fe0, 0x0010, "OW", 12).raw(12, 0);
  const auto read = read_dicom_bytes(d.bytes());
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->volume.dims(), (Dims{3, 2, 1}));
  EXPECT_FALSE(read->warnings.empty());  // no position or orientation
}

TEST(DicomHostileInput, HugeRowsAndColumnsWithTinyPixelDataAreRefusedBeforeAllocating) {
  DicomBytes over_limit;
  over_limit.image_header(65535, 65535).long_header(0x7fe0, 0x0010, "OW", 8).raw(8);
  EXPECT_NE(error_of(over_limit.bytes()).find("too large"), std::string::npos);
  DicomBytes under_limit;  // 1.6e9 voxels is within max_voxels, but 8 bytes cannot hold them
  under_limit.image_header(40000, 40000).long_header(0x7fe0, 0x0010, "OW", 8).raw(8);
  EXPECT_NE(error_of(under_limit.bytes()).find("truncated pixel data"), std::string::npos);
}

TEST(DicomHostileInput, AnElementClaimingFourGigabytesIsRefused) {
  DicomBytes d;
  d.image_header(2, 2).long_header(0x0009, 0x1010, "OB", 0xfffffff0u).raw(16);
  EXPECT_NE(error_of(d.bytes()).find("declares 4294967280 bytes but only 16 remain"),
            std::string::npos);
}

TEST(DicomHostileInput, SequencesNestedThousandsDeepAreRefused) {
  DicomBytes d;
  d.image_header(2, 2);
  for (int level = 0; level < 5000; ++level)
    d.long_header(0x0008, 0x1140, "SQ", 0xffffffff).item_start();
  EXPECT_NE(error_of(d.bytes()).find("nest deeper than 64"), std::string::npos);
}

TEST(DicomHostileInput, TruncatedFilesGiveAClearError) {
  DicomBytes d;
  d.image_header(8, 8).long_header(0x7fe0, 0x0010, "OW", 128).raw(128, 0);
  const std::vector<std::uint8_t>& whole = d.bytes();
  ASSERT_TRUE(read_dicom_bytes(whole).ok());
  for (std::size_t keep :
       {std::size_t{0}, std::size_t{100}, std::size_t{140}, whole.size() / 2, whole.size() - 1}) {
    const std::vector<std::uint8_t> cut(whole.begin(),
                                        whole.begin() + static_cast<std::ptrdiff_t>(keep));
    const auto read = read_dicom_bytes(cut);
    ASSERT_FALSE(read.ok()) << "kept " << keep << " bytes";
    EXPECT_EQ(read.error().code, ErrorCode::invalid_input);
    EXPECT_FALSE(read.error().message.empty());
  }
}

TEST(DicomScan, FollowsADicomdirAndFindsTheSameSeriesAsTheFolderWalk) {
  const std::filesystem::path root =
      "/usr/lib/python3/dist-packages/pydicom/data/test_files/dicomdirtests";
  MV_REQUIRE_PEER(std::filesystem::exists(root / "DICOMDIR"),
                  "pydicom's test files (Debian package python3-pydicom)");
  std::size_t last_done = 0, last_total = 0;
  const auto via_dicomdir = scan_dicom(root / "DICOMDIR", [&](std::size_t done, std::size_t total) {
    last_done = done;
    last_total = total;
  });
  ASSERT_TRUE(via_dicomdir.ok()) << via_dicomdir.error().message;
  EXPECT_EQ(last_done, last_total);
  std::size_t instances = 0;
  for (const auto& s : via_dicomdir->series) instances += s.instance_count();
  EXPECT_EQ(instances, 31u);  // the files DICOMDIR references under 77654033, 98892001, 98892003
  std::set<std::string> from_dicomdir;
  for (const auto& s : via_dicomdir->series) from_dicomdir.insert(s.series_uid);
  std::set<std::string> from_folders;
  for (const char* sub : {"77654033", "98892001", "98892003"}) {
    const auto walked = scan_dicom(root / sub);
    ASSERT_TRUE(walked.ok());
    for (const auto& s : walked->series) from_folders.insert(s.series_uid);
  }
  EXPECT_EQ(from_dicomdir, from_folders);
}

TEST(DicomScan, SkipsFilesThatAreNotDicomAndReportsAMissingPath) {
  const auto scan =
      scan_dicom(std::filesystem::path(MEDVISION_SOURCE_DIR) / "fuzz/corpus/nifti_fuzz");
  ASSERT_TRUE(scan.ok());
  EXPECT_TRUE(scan->series.empty());
  EXPECT_EQ(scan->files_skipped, scan->files_examined);
  EXPECT_EQ(scan_dicom("/nonexistent/study").error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace medvision::imaging
