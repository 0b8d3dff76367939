#pragma once
// Force feedback for an instrument. The haptic loop runs at 1 kHz, much
// faster than the tissue solver, and is decoupled from it (Colgate, Stanley
// & Brown 1995, "Issues in the haptic display of tool use", IROS):
//
// - a tool proxy of small mass follows the device through a virtual
//   coupling, a critically damped spring-damper (b = 2 sqrt(k m)); the user
//   feels the coupling's force, never the solver's raw contact impulses;
// - between solver steps the proxy is kept out of the tissue by a local
//   contact model the solver leaves behind (a plane at the contact with the
//   tissue's stiffness there; Mark et al. 1996, "Adding force feedback to
//   graphics systems: issues and solutions", SIGGRAPH);
// - the force sent to the device is saturated for safety, and a device that
//   reports nonsense (non-finite positions) gets zero force.
//
// The solver reads the proxy as the instrument's position and writes the
// contact model back: `exchange()` is the one place the two rates meet.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "sim/types.h"

namespace medvision::sim {

struct DeviceSample {
  Vec3 position = Vec3::Zero();  // metres, in the simulation's frame
  std::uint32_t buttons = 0;
  double grip = 0;  // 0 open .. 1 closed
};

// A haptic device (a desktop arm, a VR controller with vibration, or a script).
class HapticDevice {
 public:
  virtual ~HapticDevice() = default;
  virtual DeviceSample read() = 0;
  virtual void apply_force(const Vec3& force_N) = 0;
};

// Plays a path in time (one call per haptic tick advances its clock) and
// records the forces it was sent.
class ScriptedDevice final : public HapticDevice {
 public:
  ScriptedDevice(std::function<DeviceSample(double t_s)> path, double tick_s)
      : path_(std::move(path)), tick_s_(tick_s) {}
  DeviceSample read() override { return path_(static_cast<double>(ticks_++) * tick_s_); }
  void apply_force(const Vec3& force_N) override { forces_.push_back(force_N); }
  const std::vector<Vec3>& forces() const { return forces_; }

 private:
  std::function<DeviceSample(double)> path_;
  double tick_s_;
  std::uint64_t ticks_ = 0;
  std::vector<Vec3> forces_;
};

struct CouplingSettings {
  double rate_hz = 1000.0;
  double stiffness_N_per_m = 400.0;  // coupling spring; desktop devices render ~0.5-2 N/mm stably
  double proxy_mass_kg = 0.05;
  double max_force_N = 3.0;  // e.g. the continuous force of common 3-DOF desktop devices
};

// What the solver leaves for the haptic loop after each of its steps.
struct ContactModel {
  bool active = false;
  Vec3 point = Vec3::Zero();    // a point on the contact surface
  Vec3 normal = Vec3::UnitY();  // out of the tissue
  double stiffness_N_per_m =
      0;  // the tissue's local stiffness; 0 means rigid (proxy simply kept out)
  // What the instrument carries between solver steps: the pull of tissue
  // its jaws hold (and any push the solver measured on its shaft), applied
  // to the proxy as it is. At rest the hand then feels exactly that force
  // through the coupling spring, displaced by load / stiffness.
  Vec3 load_N = Vec3::Zero();
};

struct HapticTick {
  Vec3 device = Vec3::Zero();
  Vec3 proxy = Vec3::Zero();
  Vec3 force_N = Vec3::Zero();  // sent to the device (after saturation)
  bool saturated = false;
  bool device_fault = false;
};

class HapticLoop {
 public:
  HapticLoop(HapticDevice& device, CouplingSettings settings, const Vec3& start);

  // One haptic tick: read the device, move the proxy, send the force.
  HapticTick tick();

  // The solver's side, at its own rate: hands over the latest contact model
  // and returns the proxy position to drive the instrument with.
  Vec3 exchange(const ContactModel& contact);
  // The device's last reading (its buttons and grip, for the solver's side).
  DeviceSample last_sample() const;

  // The tick period (1 / settings.rate_hz). The engine keeps no clock: a
  // device layer (src/device/haptic_thread.h) calls tick() at this period.
  double period_s() const { return dt_; }
  std::uint64_t ticks() const { return ticks_.load(); }
  std::uint64_t device_faults() const { return faults_.load(); }

  double damping() const { return damping_; }

 private:
  HapticDevice& device_;
  CouplingSettings settings_;
  double damping_;  // critically damped: 2 sqrt(k m)
  double dt_;

  // Haptic-thread state.
  Vec3 proxy_, proxy_velocity_ = Vec3::Zero();
  Vec3 last_device_;
  bool have_device_ = false;

  mutable std::mutex exchange_mu_;
  ContactModel contact_;
  Vec3 published_proxy_;
  DeviceSample published_sample_;

  std::atomic<std::uint64_t> ticks_{0};
  std::atomic<std::uint64_t> faults_{0};
};

}  // namespace medvision::sim
