// Instrument motion metrics against closed forms.

#include "assess/kinematics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace medvision::assess {
namespace {

// A minimum-jerk reach (Flash & Hogan 1985): x = D (10 s^3 - 15 s^4 + 6 s^5), s = t/T.
std::vector<PathSample> minimum_jerk(double distance, double duration, int samples) {
  std::vector<PathSample> path;
  for (int i = 0; i < samples; ++i) {
    const double t = duration * i / (samples - 1), s = t / duration;
    const double x = distance * (10 * std::pow(s, 3) - 15 * std::pow(s, 4) + 6 * std::pow(s, 5));
    path.push_back({t, Eigen::Vector3d(x, 0, 0), Eigen::Vector3d::UnitZ()});
  }
  return path;
}

std::vector<PathSample> circle(double radius, double period, int samples, double phase = 0) {
  std::vector<PathSample> path;
  for (int i = 0; i < samples; ++i) {
    const double t = period * i / (samples - 1), a = 2 * std::numbers::pi * t / period + phase;
    path.push_back({t, Eigen::Vector3d(radius * std::cos(a), radius * std::sin(a), 0),
                    Eigen::Vector3d::UnitZ()});
  }
  return path;
}

TEST(Kinematics, PathLengthOfACircleIsItsCircumference) {
  const auto path = circle(0.05, 2.0, 4001);
  EXPECT_NEAR(path_length(path), 2 * std::numbers::pi * 0.05, 1e-7);
  EXPECT_NEAR(depth_path_length(path), 0.0, 1e-12) << "the circle lies across the shaft";
}

TEST(Kinematics, DepthPathCountsOnlyMotionAlongTheShaft) {
  std::vector<PathSample> path;
  for (int i = 0; i <= 100; ++i) {
    // In and out along z by 2 cm twice while sliding 3 cm sideways.
    const double s = i / 100.0;
    path.push_back(
        {s, Eigen::Vector3d(0.03 * s, 0, 0.02 * std::abs(std::sin(2 * std::numbers::pi * s))),
         Eigen::Vector3d::UnitZ()});
  }
  EXPECT_NEAR(depth_path_length(path), 4 * 0.02, 1e-3);
}

TEST(Kinematics, AStraightReachHasPerfectEconomyAndADetourLess) {
  const auto reach = minimum_jerk(0.1, 1.0, 501);
  const std::vector<Eigen::Vector3d> ends = {Eigen::Vector3d::Zero(), Eigen::Vector3d(0.1, 0, 0)};
  EXPECT_NEAR(economy_of_motion(reach, ends), 1.0, 1e-9);
  // Half a circle of radius r between two points 2r apart: 2r / (pi r).
  auto half = circle(0.05, 2.0, 2001);
  half.resize(1001);
  const std::vector<Eigen::Vector3d> across = {half.front().tip, half.back().tip};
  EXPECT_NEAR(economy_of_motion(half, across), 2 / std::numbers::pi, 1e-5);
}

TEST(Kinematics, IdleTimeCountsOnlyLongEnoughPauses) {
  std::vector<PathSample> path;
  double x = 0;
  for (int i = 0; i <= 400; ++i) {  // 4 s at 100 Hz
    const double t = i * 0.01;
    const bool still =
        (t > 1.0 && t <= 2.0) || (t > 3.0 && t <= 3.3);  // a 1 s pause, then a 0.3 s one
    if (i > 0 && !still) x += 0.001;                     // 10 cm/s
    path.push_back({t, Eigen::Vector3d(x, 0, 0), Eigen::Vector3d::UnitZ()});
  }
  EXPECT_NEAR(idle_time(path, 0.005, 0.5), 1.0, 0.011);
}

TEST(Kinematics, AMinimumJerkReachHasTheKnownLogDimensionlessJerk) {
  // Integral of jerk^2 for a minimum-jerk reach is 720 D^2 / T^5 and its
  // peak speed 1.875 D / T, so LDLJ = -ln(720 / 1.875^2) for any D and T.
  const double expected = -std::log(720.0 / (1.875 * 1.875));
  EXPECT_NEAR(log_dimensionless_jerk(minimum_jerk(0.1, 1.0, 2001)), expected, 0.01);
  EXPECT_NEAR(log_dimensionless_jerk(minimum_jerk(0.03, 2.5, 2001)), expected, 0.01);
  // A reach with a tremor on top is less smooth.
  auto shaky = minimum_jerk(0.1, 1.0, 2001);
  for (auto& s : shaky) s.tip.y() += 0.0005 * std::sin(2 * std::numbers::pi * 8 * s.t_s);
  EXPECT_LT(log_dimensionless_jerk(shaky), expected - 1.0);
}

TEST(Kinematics, BimanualDexterityIsTheCorrelationOfTheHandsSpeeds) {
  const auto left = minimum_jerk(0.1, 1.0, 201);
  auto together = left;
  for (auto& s : together)
    s.tip.y() = 0.05 + s.tip.x();  // the same speed profile, scaled by sqrt(2)
  EXPECT_NEAR(bimanual_dexterity(left, together), 1.0, 1e-9);
  std::vector<PathSample> still = left;
  for (auto& s : still) s.tip.setZero();
  EXPECT_DOUBLE_EQ(bimanual_dexterity(left, still), 0.0);
  // One hand moves while the other waits: anti-correlated speeds.
  std::vector<PathSample> a, b;
  for (int i = 0; i <= 200; ++i) {
    const double t = i * 0.01;
    const double first = t < 1 ? 0.1 * t : 0.1, second = t < 1 ? 0 : 0.1 * (t - 1);
    a.push_back({t, Eigen::Vector3d(first, 0, 0), Eigen::Vector3d::UnitZ()});
    b.push_back({t, Eigen::Vector3d(second, 0, 0), Eigen::Vector3d::UnitZ()});
  }
  EXPECT_LT(bimanual_dexterity(a, b), -0.9);
}

TEST(Kinematics, DwellTimeCountsWaitsEvenWithTremorAndIgnoresShortStops) {
  // 20 Hz: 2 s moving at 5 cm/s, 3 s waiting with 1.5 mm of 8 Hz tremor,
  // 1 s moving, 0.3 s waiting (too short to count), 0.7 s moving.
  std::vector<PathSample> path;
  double x = 0;
  for (int i = 0; i <= 140; ++i) {
    const double t = i * 0.05;
    const bool moving = t < 1.999 || (t > 4.999 && t < 5.999) || t > 6.299;
    if (moving && i > 0) x += 0.05 * 0.05;
    const double tremor =
        (t >= 2.0 && t <= 5.0) ? 0.0015 * std::sin(2 * std::numbers::pi * 8 * t) : 0.0;
    path.push_back({t, Eigen::Vector3d(x, tremor, 0)});
  }
  // The speed threshold misses the tremulous wait; dwell time finds it.
  EXPECT_LT(idle_time(path), 1.0);
  EXPECT_NEAR(dwell_time(path), 3.0, 0.06);
}

}  // namespace
}  // namespace medvision::assess
