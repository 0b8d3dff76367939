// The haptic loop's virtual coupling and local contact model, against the
// closed forms of a critically damped oscillator and of springs in series.

#include "sim/haptics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

namespace medvision::sim {
namespace {

DeviceSample at(const Vec3& p) { return DeviceSample{p, 0, 0}; }

TEST(HapticLoop, TheProxyFollowsTheDeviceCriticallyDampedWithoutOvershoot) {
  CouplingSettings s;
  ScriptedDevice device([](double) { return at(Vec3::Zero()); }, 1.0 / s.rate_hz);
  const double x0 = 0.01;  // the proxy starts 1 cm from the device
  HapticLoop loop(device, s, Vec3(x0, 0, 0));
  const double w = std::sqrt(s.stiffness_N_per_m / s.proxy_mass_kg);
  EXPECT_DOUBLE_EQ(loop.damping(), 2 * std::sqrt(s.stiffness_N_per_m * s.proxy_mass_kg));
  double worst = 0, lowest = x0;
  for (int i = 1; i <= 200; ++i) {
    const HapticTick t = loop.tick();
    const double time = i / s.rate_hz;
    const double exact =
        x0 * (1 + w * time) * std::exp(-w * time);  // critically damped, released at rest
    worst = std::max(worst, std::abs(t.proxy.x() - exact));
    lowest = std::min(lowest, t.proxy.x());
  }
  EXPECT_LT(worst, 0.03 * x0) << "semi-implicit Euler at w dt = " << w / s.rate_hz;
  EXPECT_GT(lowest, -1e-4 * x0) << "critically damped: no overshoot past the device";
}

TEST(HapticLoop, PushingIntoARigidSurfaceIsFeltAsTheCouplingSpring) {
  CouplingSettings s;
  s.max_force_N = 10;
  // The device goes 5 mm below the surface y = 0 over half a second and stays.
  ScriptedDevice device(
      [](double t) { return at(Vec3(0, 0.002 - 0.007 * std::min(t / 0.5, 1.0), 0)); },
      1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3(0, 0.002, 0));
  loop.exchange(ContactModel{true, Vec3::Zero(), Vec3::UnitY(), 0.0});
  HapticTick t;
  double deepest_proxy = 0;
  for (int i = 0; i < 1500; ++i) {
    t = loop.tick();
    deepest_proxy = std::min(deepest_proxy, t.proxy.y());
  }
  EXPECT_GE(deepest_proxy, -1e-12) << "the proxy never enters a rigid surface";
  EXPECT_NEAR(t.force_N.y(), s.stiffness_N_per_m * 0.005, 0.01)
      << "k times the device's depth, pushing out";
  EXPECT_NEAR(t.force_N.x(), 0, 1e-9);
}

TEST(HapticLoop, SoftTissueIsFeltAsTheCouplingAndTheTissueInSeries) {
  CouplingSettings s;
  s.max_force_N = 10;
  const double tissue = 300.0;  // N/m
  ScriptedDevice device([](double t) { return at(Vec3(0, -0.004 * std::min(t / 0.3, 1.0), 0)); },
                        1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3::Zero());
  loop.exchange(ContactModel{true, Vec3::Zero(), Vec3::UnitY(), tissue});
  HapticTick t;
  for (int i = 0; i < 3000; ++i) t = loop.tick();
  const double series = s.stiffness_N_per_m * tissue / (s.stiffness_N_per_m + tissue);
  EXPECT_NEAR(t.force_N.y(), series * 0.004, 1e-3 * series * 0.004 + 1e-6);
  EXPECT_NEAR(t.proxy.y(), -s.stiffness_N_per_m * 0.004 / (s.stiffness_N_per_m + tissue), 1e-6);
}

TEST(HapticLoop, ForceIsSaturatedForSafety) {
  CouplingSettings s;
  s.max_force_N = 3.0;
  ScriptedDevice device([](double t) { return at(Vec3(0, -0.03 * std::min(t / 0.2, 1.0), 0)); },
                        1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3::Zero());
  loop.exchange(ContactModel{true, Vec3::Zero(), Vec3::UnitY(), 0.0});
  bool saturated = false;
  double strongest = 0;
  for (int i = 0; i < 1000; ++i) {
    const HapticTick t = loop.tick();
    saturated = saturated || t.saturated;
    strongest = std::max(strongest, t.force_N.norm());
  }
  EXPECT_TRUE(saturated) << "3 cm deep at 400 N/m asks for 12 N";
  EXPECT_NEAR(strongest, s.max_force_N, 1e-12);
  for (const Vec3& f : device.forces()) EXPECT_LE(f.norm(), s.max_force_N + 1e-12);
}

TEST(HapticLoop, ADeviceReportingNonsenseGetsNoForceAndTheLoopGoesOn) {
  CouplingSettings s;
  ScriptedDevice device(
      [](double t) {
        const long tick = std::lround(t * 1000);  // ticks 50 to 59 report NaN
        if (tick >= 50 && tick < 60)
          return at(Vec3(std::numeric_limits<double>::quiet_NaN(), 0, 0));
        return at(Vec3(0, 0.001, 0));
      },
      1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3(0, 0.001, 0));
  for (int i = 0; i < 200; ++i) loop.tick();
  EXPECT_EQ(loop.device_faults(), 10u);
  for (const Vec3& f : device.forces()) EXPECT_TRUE(f.allFinite());
  EXPECT_EQ(loop.ticks(), 200u);
}

TEST(HapticLoop, ForceStaysSmoothWhileTheSolverUpdatesTheContactAtItsOwnRate) {
  // The solver publishes a new contact plane 60 times a second as the
  // instrument slides over a slope; the force the hand feels must not jump
  // at those updates by more than the coupling allows in one tick.
  CouplingSettings s;
  s.max_force_N = 10;
  ScriptedDevice device([](double t) { return at(Vec3(0.05 * t, -0.003, 0)); }, 1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3(0, 0, 0));
  Vec3 previous = Vec3::Zero();
  double largest_step = 0;
  for (int i = 0; i < 2000; ++i) {
    if (i % 17 == 0) {
      const double x = 0.05 * i / s.rate_hz;
      loop.exchange(
          ContactModel{true, Vec3(x, 0.0005 * std::sin(40 * x), 0), Vec3::UnitY(), 800.0});
    }
    const HapticTick t = loop.tick();
    if (i > 500) largest_step = std::max(largest_step, (t.force_N - previous).norm());
    previous = t.force_N;
  }
  EXPECT_LT(largest_step, 0.05) << "newtons per millisecond";
}

}  // namespace
}  // namespace medvision::sim
