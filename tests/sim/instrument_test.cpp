// A grasper holds what lies between its jaws, carries it, and lets it go.

#include "sim/instrument.h"

#include <gtest/gtest.h>

namespace medvision::sim {
namespace {

struct Scene {
  RigidWorldModel model;
  int plate = -1;
  Instrument grasper;
  RigidWorldState world;
};

InstrumentPose down_at(const Vec3& tip);

// A thin plate standing on the floor (4 mm thick along x), and a grasper above it.
Scene make_scene(const Vec3& plate_centre) {
  Scene s;
  ShapeInstance floor;
  floor.shape = Plane{};
  add_body(s.model, make_fixed_body("floor", {floor}, RigidMaterial{}));
  ShapeInstance plate;
  plate.shape = make_box(Vec3(0.002, 0.01, 0.01));
  RigidBodyModel body = make_dynamic_body_of_mass("plate", {plate}, 0.004, RigidMaterial{});
  body.initial_pose.translation = plate_centre;
  s.plate = add_body(s.model, std::move(body));
  s.grasper = add_instrument(s.model, InstrumentSpec{}, "left", down_at(Vec3(0, 0.028, 0)));
  s.world = make_state(s.model);
  return s;
}

// Pointing straight down, the jaws opening along world x.
InstrumentPose down_at(const Vec3& tip) {
  InstrumentPose p;
  p.tip = tip;
  p.orientation = Quat::FromTwoVectors(Vec3::UnitZ(), -Vec3::UnitY());
  return p;
}

void run(Scene& s, InstrumentState& st, const Vec3& from, const Vec3& to, Real closure, int steps,
         std::vector<GraspChange>* changes = nullptr) {
  for (int i = 1; i <= steps; ++i) {
    const Vec3 tip = from + (to - from) * (Real(i) / steps);
    if (auto c = drive_instrument(s.grasper, st, s.model, s.world, down_at(tip), closure);
        c && changes)
      changes->push_back(*c);
    step(s.model, s.world, 0.01);
  }
}

TEST(Instrument, AGrasperHoldsWhatIsBetweenItsJawsCarriesItAndLetsItGo) {
  Scene s = make_scene(Vec3(0, 0.01, 0));
  InstrumentState st;
  std::vector<GraspChange> changes;
  const Vec3 over(0, 0.028, 0);  // the jaws reach 16 mm down: they straddle the plate's top
  run(s, st, over, over, 0.0, 10);
  run(s, st, over, over, 1.0, 5, &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, GraspChange::grasped);
  EXPECT_EQ(changes[0].body, s.plate);
  EXPECT_EQ(st.held, s.plate);

  const Vec3 lifted = over + Vec3(0.03, 0.05, 0);
  run(s, st, over, lifted, 1.0, 50);
  run(s, st, lifted, lifted, 1.0, 20);
  const Vec3 carried = s.world.bodies[static_cast<std::size_t>(s.plate)].pose.translation;
  EXPECT_NEAR(carried.y(), 0.01 + 0.05, 2e-3) << "lifted with the jaws";
  EXPECT_NEAR(carried.x(), 0.03, 2e-3);
  // Held still, the grasp carries the plate's weight.
  const RigidAttachment* a = find_attachment(s.world, st.attachment);
  ASSERT_NE(a, nullptr);
  EXPECT_NEAR(a->force.norm(), 0.004 * 9.81, 0.1 * 0.004 * 9.81);

  run(s, st, lifted, lifted, 0.0, 1, &changes);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].kind, GraspChange::released);
  run(s, st, lifted, lifted, 0.0, 100);
  // Dropped: it lies on the floor (on whichever face it landed), at rest.
  const RigidBodyState& fallen = s.world.bodies[static_cast<std::size_t>(s.plate)];
  Real lowest = 1;
  for (int corner = 0; corner < 8; ++corner) {
    const Vec3 local((corner & 1 ? 1 : -1) * 0.002, (corner & 2 ? 1 : -1) * 0.01,
                     (corner & 4 ? 1 : -1) * 0.01);
    lowest = std::min(lowest, fallen.pose.apply(local).y());
  }
  EXPECT_NEAR(lowest, 0.0, 1e-3);
  EXPECT_LT(fallen.linear_velocity.norm(), 1e-2);
}

TEST(Instrument, ClosingOnNothingOrBesideAnObjectHoldsNothing) {
  Scene s = make_scene(Vec3(0.05, 0.01, 0));  // 5 cm to the side of the jaws
  InstrumentState st;
  std::vector<GraspChange> changes;
  const Vec3 over(0, 0.028, 0);
  run(s, st, over, over, 0.0, 5);
  run(s, st, over, over, 1.0, 5, &changes);
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(st.held, -1);
  // Closing again after opening still finds nothing; the floor is not an object.
  run(s, st, over, Vec3(0, 0.012, 0), 0.0, 10);
  run(s, st, Vec3(0, 0.012, 0), Vec3(0, 0.012, 0), 1.0, 5, &changes);
  EXPECT_TRUE(changes.empty());
}

TEST(Instrument, JawGapFollowsTheClosure) {
  const InstrumentSpec spec;
  EXPECT_NEAR(jaw_gap(spec, 0), 2 * spec.jaw_length_m * std::sin(spec.max_jaw_angle_rad), 1e-15);
  EXPECT_DOUBLE_EQ(jaw_gap(spec, 1), 0);
  EXPECT_LT(jaw_gap(spec, 0.7), jaw_gap(spec, 0.3));
}

}  // namespace
}  // namespace medvision::sim
