#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace medvision {
namespace {

TEST(Ids, AreUniquePrefixedAndUrlSafe) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_id("ses_");
    ASSERT_EQ(id.size(), 24u);
    ASSERT_EQ(id.rfind("ses_", 0), 0u);
    for (char c : id.substr(4)) ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '9')) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Ids, SecretsAreHexOfTheRequestedLength) {
  const auto s = new_secret(32);
  EXPECT_EQ(s.size(), 64u);
  EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(new_secret(32), s);
}

}  // namespace
}  // namespace medvision
