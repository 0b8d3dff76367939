// FLS scores: MISTELS' cutoff - time - penalty, normalised to the published
// proficiency levels.

#include "modules/laparoscopy/fls.h"

#include <gtest/gtest.h>

namespace medvision::assess {
namespace {

TEST(FlsScore, TheProficiencyTimeWithoutErrorsScoresOneHundred) {
  const FlsTask peg = fls_peg_transfer();
  EXPECT_DOUBLE_EQ(peg.cutoff_s, 300);
  EXPECT_DOUBLE_EQ(peg.proficiency_s, 48);
  const FlsScore s = fls_score(peg, 48, 0, true);
  EXPECT_DOUBLE_EQ(s.raw, 252);
  EXPECT_DOUBLE_EQ(s.normalized, 100);
  EXPECT_TRUE(s.proficient);
}

TEST(FlsScore, SlowerOrPenalisedRunsScoreLinearlyLess) {
  const FlsTask cut = fls_pattern_cutting();
  const FlsScore slow = fls_score(cut, 150, 0, true);
  EXPECT_DOUBLE_EQ(slow.raw, 150);
  EXPECT_NEAR(slow.normalized, 100.0 * 150 / 202, 1e-12);
  EXPECT_FALSE(slow.proficient);
  const FlsScore penalised = fls_score(cut, 90, 20, true);
  EXPECT_DOUBLE_EQ(penalised.raw, 190);
  EXPECT_FALSE(penalised.proficient) << "fast enough but with errors";
  EXPECT_DOUBLE_EQ(fls_score(cut, 60, 0, true).normalized, 100)
      << "faster than proficiency is capped";
}

TEST(FlsScore, ReachingTheCutoffOrNotFinishingScoresZero) {
  const FlsTask peg = fls_peg_transfer();
  EXPECT_DOUBLE_EQ(fls_score(peg, 300, 0, true).raw, 0);
  EXPECT_DOUBLE_EQ(fls_score(peg, 120, 0, false).normalized, 0);
  EXPECT_DOUBLE_EQ(fls_score(peg, 250, 400, true).raw, 0)
      << "penalties never make a score negative";
}

}  // namespace
}  // namespace medvision::assess
