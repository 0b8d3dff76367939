// De-identification (PS3.15 Annex E Basic Profile) checked with pydicom on
// the written files: nothing identifying keeps its value, private tags are
// gone, UIDs are valid and consistent within an import.

#include "imaging/deidentify.h"

#include <gtest/gtest.h>

#include <regex>

#include "../testing/require_peer.h"
#include "reference/python_reference.h"
#include "reference/temp_folder.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using testing_reference::run_reference;
using testing_reference::TempFolder;

const fs::path kPydicomData = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

bool valid_uid(const std::string& uid) {
  static const std::regex pattern("^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*$");
  return uid.size() <= 64 && std::regex_match(uid, pattern);
}

TEST(UidMapper, IsDeterministicPerSecretAndGivesValidUidsUnderThe225Root) {
  const UidMapper a("import secret one");
  const UidMapper b("import secret two");
  const std::string uid = "1.2.840.113619.2.55.3.604688119.868.1249403227.139";
  EXPECT_EQ(a.map(uid), a.map(uid));
  EXPECT_NE(a.map(uid), b.map(uid));
  EXPECT_NE(a.map(uid), a.map(uid + "1"));
  for (const std::string& u : {a.map(uid), b.map(uid), a.map(""), a.map("0.0.0.0")}) {
    EXPECT_TRUE(u.starts_with("2.25.")) << u;
    EXPECT_TRUE(valid_uid(u)) << u;
  }
}

class Deidentification : public ::testing::Test {
 protected:
  void SetUp() override {
    MV_REQUIRE_PEER(testing_reference::python_available(),
                    "Debian's /usr/bin/python3 with pydicom (python3-pydicom)");
    ASSERT_TRUE(run_reference("make_identified.py", {in_.path().string()})
                    .is_discarded());  // prints nothing
    ASSERT_TRUE(fs::exists(in_.path() / "study_a_1.dcm"));
  }
  TempFolder in_{"mv-deid-in"};
  TempFolder out_{"mv-deid-out"};
};

TEST_F(Deidentification, LeavesNoProfileAttributeWithItsValueNoPrivateTagAndConsistentUids) {
  const UidMapper uids("per-import secret");
  std::vector<std::string> pairs;
  for (const char* name : {"study_a_1.dcm", "study_a_2.dcm", "study_b_1.dcm"}) {
    const auto summary = deidentify_file(in_.path() / name, out_.path() / name, uids);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_GE(summary->private_removed, 3u);  // creator, value, and the one inside a sequence
    EXPECT_FALSE(summary->removed.empty());
    EXPECT_FALSE(summary->emptied.empty());
    EXPECT_FALSE(summary->burned_in_annotation);
    pairs.push_back((in_.path() / name).string());
    pairs.push_back((out_.path() / name).string());
  }
  const nlohmann::json check = run_reference("deid_check.py", pairs);
  ASSERT_FALSE(check.is_discarded());
  EXPECT_TRUE(check["kept"].empty()) << check["kept"].dump(1);
  EXPECT_TRUE(check["private"].empty()) << check["private"].dump(1);
  EXPECT_TRUE(check["bad_uids"].empty()) << check["bad_uids"].dump(1);
  EXPECT_TRUE(check["inconsistent"].empty()) << check["inconsistent"].dump(1);
  for (const auto& flag : check["identity_removed"]) EXPECT_EQ(flag, "YES");
  // Same input UID, same output UID across files (SOP Instance UID of file 1
  // is referenced from file 2 and from study b); different inputs differ.
  std::set<std::string> outputs;
  for (const auto& [before, after] : check["uid_map"].items()) {
    EXPECT_NE(before, after.get<std::string>());
    outputs.insert(after.get<std::string>());
  }
  EXPECT_EQ(outputs.size(), check["uid_map"].size());
  EXPECT_GE(check["uid_map"].size(),
            9u);  // 2 studies, 2 series, 2 frames of reference, 3 instances
}

TEST_F(Deidentification, RemovesThePatientFromTheVolumeMetadataToo) {
  DicomSeries one;
  one.files = {in_.path() / "study_a_1.dcm"};
  const auto read = read_dicom_series(one);
  ASSERT_TRUE(read.ok()) << read.error().message;
  SeriesVolume series = *read;
  EXPECT_NE(series.volume.description.find("Jane"),
            std::string::npos);  // the series description names her
  const UidMapper uids("per-import secret");
  const std::string study = series.info.study_uid;
  deidentify(series, uids);
  EXPECT_EQ(series.volume.description, "");
  EXPECT_EQ(series.info.series_description, "");
  EXPECT_EQ(series.info.study_uid, uids.map(study));
}

TEST(DeidentificationReport, FlagsSecondaryCaptureAsLikelyBurnedInAnnotation) {
  TempFolder out("mv-deid-sc");
  const auto summary =
      deidentify_file(kPydicomData / "SC_rgb_small_odd.dcm", out.path() / "sc.dcm", UidMapper("s"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_TRUE(summary->burned_in_annotation);
  ASSERT_FALSE(summary->warnings.empty());
  EXPECT_NE(summary->warnings[0].find("burned-in"), std::string::npos);
}

TEST(DeidentificationReport, RefusesATruncatedFileWithAClearError) {
  TempFolder out("mv-deid-bad");
  const auto summary =
      deidentify_file(kPydicomData / "MR_truncated.dcm", out.path() / "x.dcm", UidMapper("s"));
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.error().message.find("truncated"), std::string::npos)
      << summary.error().message;
}

}  // namespace
}  // namespace medvision::imaging
