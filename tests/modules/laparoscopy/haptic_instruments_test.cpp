// A scripted haptic device at the dissection task's grasper: its 1 kHz loop
// drives the instrument through the virtual coupling while the tissue steps
// at 100 Hz, and what the hand feels is what the tissue does.

#include "modules/laparoscopy/haptic_instruments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/scripted_trainee.h"
#include "modules/laparoscopy/tissue_dissection_module.h"
#include "modules/laparoscopy/tissue_dissection_run.h"

namespace medvision::laparoscopy {
namespace {

using sim::Vec3;

Vec3 between(const Vec3& a, const Vec3& b, double t0, double t1, double t) {
  return a + min_jerk((t - t0) / (t1 - t0)) * (b - a);
}

TEST(HapticInstruments, AScriptedDeviceRetractsTheOrganAndFeelsItsPull) {
  const DissectionTrainer trainer = make_dissection_trainer();
  const sim::CouplingSettings coupling;  // 1 kHz, 400 N/m, 3 N saturation
  auto task = make_tissue_dissection_task();
  const Vec3 start = task->sample(kLeft).tip;
  // The jaws' middle on the organ's front flank, as the planner bites it.
  const sim::TrocarPort& port = trainer.box.ports[kLeft];
  const Vec3 bite = trainer.anatomy_to_room.apply(Vec3(0, -0.018, 0.018));
  const double reach = 0.5 * trainer.box.tools[kLeft].spec.jaw_length_m;
  Vec3 hinge = bite;
  for (int i = 0; i < 4; ++i) hinge = bite - reach * (hinge - port.fulcrum).normalized();
  const Vec3 approach = hinge - 0.012 * (hinge - port.fulcrum).normalized();
  const Vec3 lift(0, 0.012, -0.004);  // up and back towards the organ's bed
  sim::ScriptedDevice device(
      [&](double t) {
        sim::DeviceSample s;
        s.grip = t >= 1.6 ? 1.0 : 0.0;
        if (t < 1.0)
          s.position = between(start, approach, 0, 1.0, t);
        else if (t < 1.5)
          s.position = between(approach, hinge, 1.0, 1.5, t);
        else
          s.position = between(hinge, hinge + lift, 2.0, 3.5, t);
        return s;
      },
      1.0 / coupling.rate_hz);
  HapticInstruments haptics(*task, {&device, nullptr}, coupling);
  ASSERT_TRUE(haptics.has(kLeft));
  ASSERT_FALSE(haptics.has(kRight));

  std::vector<TaskEvent> events;
  const int ticks_per_step = static_cast<int>(std::lround(coupling.rate_hz * kPhysicsStep_s));
  ASSERT_EQ(ticks_per_step, 10);
  sim::HapticTick last;
  for (int step = 0; step < 600; ++step) {  // 6 s
    for (int k = 0; k < ticks_per_step; ++k) last = haptics.loop(kLeft).tick();
    haptics.exchange();
    task->step(events);
  }
  const bool grasped = std::any_of(events.begin(), events.end(),
                                   [](const TaskEvent& e) { return e.type == "organ_grasped"; });
  ASSERT_TRUE(grasped) << "the device's grip closed the jaws on the organ";
  const ToolSample s = task->sample(kLeft);
  ASSERT_TRUE(s.holding);
  // The instrument's tip is where the proxy is (commanded through the port).
  EXPECT_LT((s.tip - last.proxy).norm(), 1e-6);
  // Lifted, the organ pulls the grasper back down towards its bed.
  const Vec3 felt = last.force_N;
  std::printf("load %.3f N, felt %.3f N, proxy lag %.2f mm\n", s.load_N.norm(), felt.norm(),
              1000 * (last.device - last.proxy).norm());
  EXPECT_GT(s.load_N.norm(), 0.3);
  EXPECT_LT(felt.y(), 0);
  EXPECT_LT(felt.dot(lift), 0);
  // At rest the proxy is in equilibrium: the coupling spring carries the
  // load, so the hand feels the tissue's pull on the jaws, and the proxy
  // trails the device by load / stiffness.
  EXPECT_LT((felt - s.load_N).norm(), 0.05 * s.load_N.norm())
      << felt.transpose() << " vs " << s.load_N.transpose();
  EXPECT_NEAR((last.device - last.proxy).norm(), s.load_N.norm() / coupling.stiffness_N_per_m,
              0.05 * s.load_N.norm() / coupling.stiffness_N_per_m);
  // A gentle retraction: never saturated, and the device got a force every tick.
  EXPECT_EQ(device.forces().size(), 6000u);
  for (const Vec3& f : device.forces()) EXPECT_LE(f.norm(), coupling.max_force_N + 1e-12);
  EXPECT_FALSE(last.saturated);
}

}  // namespace
}  // namespace medvision::laparoscopy
