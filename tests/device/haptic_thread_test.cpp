// The device layer's wall clock: a haptic loop ticks on its own thread
// until stopped, and never after.

#include "device/haptic_thread.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace medvision::device {
namespace {

using sim::ContactModel;
using sim::CouplingSettings;
using sim::DeviceSample;
using sim::HapticLoop;
using sim::ScriptedDevice;
using sim::Vec3;

DeviceSample at(const Vec3& p) { return DeviceSample{p, 0, 0}; }

TEST(HapticThread, TicksTheLoopOnItsOwnThreadUntilStopped) {
  CouplingSettings s;
  ScriptedDevice device([](double) { return at(Vec3::Zero()); }, 1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3::Zero());
  HapticThread thread(loop);
  thread.start();
  while (loop.ticks() < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  thread.stop();
  EXPECT_FALSE(thread.running());
  const std::uint64_t after_stop = loop.ticks();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(loop.ticks(), after_stop) << "no tick after stop()";
  EXPECT_NEAR(loop.exchange(ContactModel{}).norm(), 0.0, 1e-12);
}

}  // namespace
}  // namespace medvision::device
