#include "core/clock.h"

#include <gtest/gtest.h>

namespace medvision {
namespace {

using std::chrono::milliseconds;

TEST(FixedStepClock, GivesOneTickPerStepOfElapsedTime) {
  FixedStepClock clock(1000.0);
  EXPECT_EQ(clock.due(milliseconds(0)), 0u);
  EXPECT_EQ(clock.due(milliseconds(11)), 11u);
  EXPECT_EQ(clock.due(milliseconds(11)), 0u);  // nothing new is due
  EXPECT_EQ(clock.due(milliseconds(20)), 9u);
  EXPECT_DOUBLE_EQ(clock.step_seconds(), 0.001);
}

TEST(FixedStepClock, CapsCatchUpAfterAStallAndCountsWhatItDropped) {
  FixedStepClock clock(1000.0);
  EXPECT_EQ(clock.due(milliseconds(500), 100), 100u);
  EXPECT_EQ(clock.dropped(), 400u);
  EXPECT_EQ(clock.due(milliseconds(505), 100), 5u);  // resumes from the present, not the past
}

}  // namespace
}  // namespace medvision
