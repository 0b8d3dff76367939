#include "imaging/label_map.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "../testing/require_peer.h"

namespace medvision::imaging {
namespace {

TEST(LabelMap, ParsesAalStyleNamesWithCodesAndDistinctColours) {
  const Result<std::vector<LabelEntry>> e = parse_label_names(
      "1 Precentral_L 2001\r\n2 Precentral_R 2002\n\n# a comment\n3 Frontal_Sup_L 2101\n7 "
      "NoCode\n");
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->size(), 4u);
  EXPECT_EQ((*e)[0].value, 1);
  EXPECT_EQ((*e)[0].name, "Precentral_L");
  EXPECT_EQ((*e)[0].code, "2001");
  EXPECT_EQ((*e)[3].value, 7);
  EXPECT_EQ((*e)[3].code, "");
  std::set<Rgb> colours;
  for (const LabelEntry& entry : *e) colours.insert(entry.rgb);
  EXPECT_EQ(colours.size(), 4u);
}

TEST(LabelMap, RejectsMalformedLinesAndRepeatedIndices) {
  const auto bad = parse_label_names("1 Precentral_L 2001\nPrecentral_R 2002\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  const auto repeated = parse_label_names("1 A\n1 B\n");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.error().message.find("repeats index 1"), std::string::npos);
  EXPECT_EQ(read_label_names("/nonexistent/aal.txt").error().code, ErrorCode::not_found);
}

TEST(LabelMap, ColoursAreDeterministicAndDistinct) {
  std::set<Rgb> colours;
  for (int n = 0; n < 256; ++n) {
    EXPECT_EQ(distinct_colour(n), distinct_colour(n));
    colours.insert(distinct_colour(n));
  }
  EXPECT_EQ(colours.size(), 256u);
}

TEST(LabelMap, ReadsTheInstalledAalNamesFile) {
  const std::filesystem::path aal = "/usr/share/mricron/templates/aal.nii.txt";
  MV_REQUIRE_PEER(std::filesystem::exists(aal),
                  "the Colin27 brain and its atlases (Debian package mricron-data)");
  const Result<std::vector<LabelEntry>> e = read_label_names(aal);
  ASSERT_TRUE(e.ok()) << e.error().message;
  ASSERT_EQ(e->size(), 116u);
  EXPECT_EQ(e->front().name, "Precentral_L");
  EXPECT_EQ(e->front().code, "2001");
  EXPECT_EQ(e->back().value, 116);
  EXPECT_EQ(e->back().name, "Vermis_10");
  std::set<Rgb> colours;
  for (const LabelEntry& entry : *e) colours.insert(entry.rgb);
  EXPECT_EQ(colours.size(), 116u);
  LabelMap map;
  map.entries = *e;
  ASSERT_NE(map.find(2), nullptr);
  EXPECT_EQ(map.find(2)->name, "Precentral_R");
  EXPECT_EQ(map.find(999), nullptr);
}

}  // namespace
}  // namespace medvision::imaging
