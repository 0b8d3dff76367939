// The fulcrum effect of a trocar port, against plain geometry.

#include "sim/trocar.h"

#include <gtest/gtest.h>

#include <cmath>

namespace medvision::sim {
namespace {

TrocarPort port_at_origin() {
  TrocarPort port;
  port.fulcrum = Vec3(0, 0, 0);
  port.inward = Vec3(0, -1, 0);
  port.shaft_length_m = 0.36;
  port.min_depth_m = 0.02;
  port.max_depth_m = 0.30;
  return port;
}

// A handle orientation whose +Z points from `handle` to the fulcrum.
Quat aimed(const Vec3& handle, const Vec3& fulcrum) {
  return Quat::FromTwoVectors(Vec3::UnitZ(), (fulcrum - handle).normalized());
}

TEST(Trocar, TheShaftPassesThroughTheFulcrumAndTheTipIsTheShaftLengthFromTheHandle) {
  const TrocarPort port = port_at_origin();
  const Vec3 handle(0.03, 0.16, -0.02);
  const InstrumentPose pose = instrument_through_port(port, handle, aimed(handle, port.fulcrum));
  EXPECT_FALSE(pose.clamped);
  // Collinear: the fulcrum lies on the segment handle-tip.
  const Vec3 along = (pose.tip - pose.handle).normalized();
  EXPECT_LT((port.fulcrum - pose.handle).cross(along).norm(), 1e-12);
  EXPECT_NEAR((pose.tip - pose.handle).norm(), port.shaft_length_m, 1e-12);
  EXPECT_NEAR(pose.depth_m, port.shaft_length_m - handle.norm(), 1e-12);
  EXPECT_NEAR((pose.handle - handle).norm(), 0.0, 1e-12);
  // The instrument's +Z runs along the shaft towards the tip.
  EXPECT_NEAR((pose.orientation * Vec3::UnitZ() - along).norm(), 0.0, 1e-12);
}

TEST(Trocar, MovingTheHandleOneWayMovesTheTipTheOtherWayScaledByTheLever) {
  const TrocarPort port = port_at_origin();
  const Vec3 handle(0, 0.16, 0);  // 16 cm outside, so 20 cm inside
  const InstrumentPose a = instrument_through_port(port, handle, aimed(handle, port.fulcrum));
  const Vec3 nudge(0.001, 0, 0);  // 1 mm to the right
  const InstrumentPose b =
      instrument_through_port(port, handle + nudge, aimed(handle + nudge, port.fulcrum));
  const Vec3 tip_move = b.tip - a.tip;
  EXPECT_LT(tip_move.x(), 0) << "the tip moves left when the handle moves right";
  // Similar triangles: 20 cm inside over 16 cm outside.
  EXPECT_NEAR(lever_ratio(port, a), 0.20 / 0.16, 1e-12);
  EXPECT_NEAR(-tip_move.x() / nudge.x(), 0.20 / 0.16, 2e-3);  // first order in the 1 mm nudge
}

TEST(Trocar, InsertionDepthIsLimitedByThePort) {
  const TrocarPort port = port_at_origin();
  const Vec3 pushed_in(0, 0.01, 0);  // handle 1 cm from the fulcrum: 35 cm deep wanted
  const InstrumentPose deep =
      instrument_through_port(port, pushed_in, aimed(pushed_in, port.fulcrum));
  EXPECT_TRUE(deep.clamped);
  EXPECT_DOUBLE_EQ(deep.depth_m, port.max_depth_m);
  EXPECT_NEAR(deep.tip.y(), -port.max_depth_m, 1e-12);
  EXPECT_NEAR((deep.handle - port.fulcrum).norm(), port.shaft_length_m - port.max_depth_m, 1e-12);

  const Vec3 pulled_out(0, 0.5, 0);  // further out than the shaft is long
  const InstrumentPose shallow =
      instrument_through_port(port, pulled_out, aimed(pulled_out, port.fulcrum));
  EXPECT_TRUE(shallow.clamped);
  EXPECT_DOUBLE_EQ(shallow.depth_m, port.min_depth_m);
}

TEST(Trocar, TiltIsLimitedToThePortsCone) {
  TrocarPort port = port_at_origin();
  port.max_angle_rad = 0.5;
  const Vec3 sideways(0.16, 0.01, 0);  // almost horizontal: ~86 degrees off the port's axis
  const InstrumentPose pose =
      instrument_through_port(port, sideways, aimed(sideways, port.fulcrum));
  EXPECT_TRUE(pose.clamped);
  const Vec3 shaft = (pose.tip - port.fulcrum).normalized();
  EXPECT_NEAR(std::acos(shaft.dot(port.inward)), 0.5, 1e-9);
  EXPECT_LT(shaft.x(), 0) << "still tilted away from the handle's side";
}

TEST(Trocar, TheHandlesRollAboutTheShaftIsKept) {
  const TrocarPort port = port_at_origin();
  const Vec3 handle(0, 0.16, 0);
  const Quat base = aimed(handle, port.fulcrum);
  const Quat rolled = base * Quat(Eigen::AngleAxis<Real>(0.7, Vec3::UnitZ()));
  const InstrumentPose a = instrument_through_port(port, handle, base);
  const InstrumentPose b = instrument_through_port(port, handle, rolled);
  const Vec3 xa = a.orientation * Vec3::UnitX(), xb = b.orientation * Vec3::UnitX();
  const Vec3 shaft = a.orientation * Vec3::UnitZ();
  EXPECT_NEAR(std::atan2(xa.cross(xb).dot(shaft), xa.dot(xb)), 0.7, 1e-9);
}

}  // namespace
}  // namespace medvision::sim
