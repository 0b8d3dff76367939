// Damage events: stretch measured on edges, and one event per overload.

#include "sim/tissue_damage.h"

#include <gtest/gtest.h>

namespace medvision::sim {
namespace {

TEST(TissueDamage, PeakStretchOfAUniaxiallyStretchedBlockIsTheStretchRatio) {
  const TissueModel m = make_tet_block(4, 2, 2, Vec3(0.04, 0.02, 0.02), Material{}, 1000);
  TissueState s = initial_state(m);
  // x -> 1.4 x: an edge (dx, dy, dz) stretches by sqrt(1.96 dx^2 + dy^2 + dz^2) / |d|,
  // at most 1.4, reached by the edges along x.
  for (Vec3& x : s.position) x.x() *= 1.4;
  const StretchPeak peak = peak_edge_stretch(m, s);
  EXPECT_NEAR(peak.stretch, 1.4, 1e-12);
  ASSERT_GE(peak.edge, 0);
  const auto [a, b] = m.edges[static_cast<std::size_t>(peak.edge)];
  EXPECT_NEAR(std::abs(m.rest_position[a].x() - m.rest_position[b].x()),
              m.edge_rest_length[static_cast<std::size_t>(peak.edge)], 1e-12);
  // Restricted to a single particle no edge qualifies: no stretch.
  std::vector<bool> one(m.particles(), false);
  one[0] = true;
  EXPECT_EQ(peak_edge_stretch(m, s, one).stretch, 1.0);
}

TEST(TissueDamage, AnOverloadIsOneEventAndReArmsOnlyBelowNinetyPercent) {
  DamageMonitor monitor;
  const StretchPeak relaxed;
  const Vec3 at(0.01, 0, 0);
  EXPECT_TRUE(monitor.check(4.9, at, relaxed).empty());
  const auto first = monitor.check(5.2, at, relaxed);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].cause, DamageCause::grasp_force);
  EXPECT_DOUBLE_EQ(first[0].value, 5.2);
  EXPECT_DOUBLE_EQ(first[0].threshold, 5.0);
  EXPECT_TRUE(monitor.check(7.0, at, relaxed).empty());  // still the same overload
  EXPECT_TRUE(monitor.check(4.6, at, relaxed).empty());  // dipped, not re-armed
  EXPECT_TRUE(monitor.check(5.5, at, relaxed).empty());
  EXPECT_TRUE(monitor.check(4.4, at, relaxed).empty());  // below 4.5: re-armed
  EXPECT_EQ(monitor.check(5.1, at, relaxed).size(), 1u);
}

TEST(TissueDamage, StretchPastThirtyPercentIsAnEventWhereTheEdgeIs) {
  DamageMonitor monitor;
  StretchPeak peak;
  peak.stretch = 1.29;
  EXPECT_TRUE(monitor.check(0, Vec3::Zero(), peak).empty());
  peak.stretch = 1.35;
  peak.midpoint = Vec3(0.01, 0.02, 0.03);
  const auto events = monitor.check(0, Vec3::Zero(), peak);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].cause, DamageCause::stretch);
  EXPECT_EQ(events[0].where, peak.midpoint);
  EXPECT_STREQ(to_string(events[0].cause), "stretch");
}

}  // namespace
}  // namespace medvision::sim
