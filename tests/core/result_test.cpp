#include "core/result.h"

#include <gtest/gtest.h>

namespace medvision {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0)
    return make_error(ErrorCode::invalid_input, "must be positive, got " + std::to_string(v));
  return v;
}

Status twice_positive(int v) {
  MV_TRY(parse_positive(v));
  MV_TRY(parse_positive(v * 2));
  return {};
}

TEST(Result, HoldsAValueOrAnErrorWithItsMessage) {
  const auto ok = parse_positive(3);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  const auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(bad.error().message, "must be positive, got -1");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_TRUE(twice_positive(2).ok());
  const auto s = twice_positive(-4);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "must be positive, got -4");
}

TEST(Result, ErrorCodesHaveStableNames) {
  EXPECT_STREQ(to_string(ErrorCode::not_found), "not_found");
  EXPECT_STREQ(to_string(ErrorCode::forbidden), "forbidden");
}

}  // namespace
}  // namespace medvision
