// TissueState is a plain value: it starts at rest, copying it snapshots it,
// and its hash tells two states apart by a single bit.

#include "sim/tissue_state.h"

#include <gtest/gtest.h>

#include <cmath>

namespace medvision::sim {
namespace {

TissueModel small_block() {
  return make_tet_block(2, 2, 2, Vec3(0.02, 0.02, 0.02), Material{}, 1000);
}

TEST(TissueState, StartsAtTheRestShapeAtRest) {
  const TissueModel m = small_block();
  const TissueState s = initial_state(m);
  EXPECT_EQ(s.position, m.rest_position);
  EXPECT_EQ(s.previous_position, m.rest_position);
  ASSERT_EQ(s.velocity.size(), m.particles());
  for (const Vec3& v : s.velocity) EXPECT_EQ(v, Vec3::Zero());
  EXPECT_EQ(s.lambda_hydrostatic.size(), m.tets.size());
  EXPECT_EQ(s.lambda_deviatoric.size(), m.tets.size());
  EXPECT_EQ(s.time_s, 0);
}

TEST(TissueState, ACopyIsASnapshotWithTheSameHash) {
  const TissueModel m = small_block();
  TissueState s = initial_state(m);
  const TissueState snapshot = s;
  EXPECT_EQ(state_hash(snapshot), state_hash(s));
  s.position[3].x() += 1e-3;
  EXPECT_NE(state_hash(snapshot), state_hash(s));
  EXPECT_EQ(snapshot.position[3], m.rest_position[3]) << "the snapshot does not share storage";
}

TEST(TissueState, HashSeesTheSmallestChangeInAnyArray) {
  const TissueModel m = small_block();
  const TissueState base = initial_state(m);
  const std::uint64_t h = state_hash(base);
  auto bumped = [](Real x) { return std::nextafter(x, 1.0); };
  TissueState s = base;
  s.velocity[0].z() = bumped(s.velocity[0].z());
  EXPECT_NE(state_hash(s), h);
  s = base;
  s.previous_position[5].y() = bumped(s.previous_position[5].y());
  EXPECT_NE(state_hash(s), h);
  s = base;
  s.lambda_deviatoric[1] = bumped(s.lambda_deviatoric[1]);
  EXPECT_NE(state_hash(s), h);
  s = base;
  s.time_s = bumped(s.time_s);
  EXPECT_NE(state_hash(s), h);
}

}  // namespace
}  // namespace medvision::sim
