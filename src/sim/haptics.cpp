#include "sim/haptics.h"

#include <chrono>
#include <cmath>

namespace medvision::sim {

HapticLoop::HapticLoop(HapticDevice& device, CouplingSettings settings, const Vec3& start)
    : device_(device),
      settings_(settings),
      damping_(2.0 * std::sqrt(settings.stiffness_N_per_m * settings.proxy_mass_kg)),
      dt_(1.0 / settings.rate_hz),
      proxy_(start),
      last_device_(start),
      published_proxy_(start) {}

HapticTick HapticLoop::tick() {
  HapticTick out;
  const DeviceSample sample = device_.read();
  if (!sample.position.allFinite()) {
    // A device that reports nonsense gets no force at all, and the proxy stays.
    ++faults_;
    device_.apply_force(Vec3::Zero());
    out.device_fault = true;
    out.proxy = proxy_;
    ++ticks_;
    return out;
  }
  const Vec3 device = sample.position;
  const Vec3 device_velocity = have_device_ ? Vec3((device - last_device_) / dt_) : Vec3::Zero();
  last_device_ = device;
  have_device_ = true;

  ContactModel contact;
  {
    std::lock_guard lock(exchange_mu_);
    contact = contact_;
  }

  // The coupling pulls the proxy towards the device; the tissue pushes it out.
  const Vec3 coupling = settings_.stiffness_N_per_m * (device - proxy_) +
                        damping_ * (device_velocity - proxy_velocity_);
  Vec3 force_on_proxy = coupling + contact.load_N;
  const bool soft = contact.active && contact.stiffness_N_per_m > 0;
  if (soft) {
    const double depth = (contact.point - proxy_).dot(contact.normal);
    if (depth > 0) force_on_proxy += contact.stiffness_N_per_m * depth * contact.normal;
  }
  // Semi-implicit Euler: stable for sqrt(k/m) dt well below 2.
  proxy_velocity_ += force_on_proxy / settings_.proxy_mass_kg * dt_;
  proxy_ += proxy_velocity_ * dt_;
  if (contact.active && !soft) {
    // A rigid surface: the proxy is kept on it (god-object), moving only along it.
    const double depth = (contact.point - proxy_).dot(contact.normal);
    if (depth > 0) {
      proxy_ += depth * contact.normal;
      const double into = proxy_velocity_.dot(contact.normal);
      if (into < 0) proxy_velocity_ -= into * contact.normal;
    }
  }

  // The user feels the coupling's reaction: pulled towards the proxy.
  Vec3 force = settings_.stiffness_N_per_m * (proxy_ - device) +
               damping_ * (proxy_velocity_ - device_velocity);
  const double magnitude = force.norm();
  if (!std::isfinite(magnitude)) {
    force.setZero();
    out.device_fault = true;
  } else if (magnitude > settings_.max_force_N) {
    force *= settings_.max_force_N / magnitude;
    out.saturated = true;
  }
  device_.apply_force(force);

  {
    std::lock_guard lock(exchange_mu_);
    published_proxy_ = proxy_;
    published_sample_ = sample;
  }
  out.device = device;
  out.proxy = proxy_;
  out.force_N = force;
  ++ticks_;
  return out;
}

Vec3 HapticLoop::exchange(const ContactModel& contact) {
  std::lock_guard lock(exchange_mu_);
  contact_ = contact;
  return published_proxy_;
}

DeviceSample HapticLoop::last_sample() const {
  std::lock_guard lock(exchange_mu_);
  return published_sample_;
}

}  // namespace medvision::sim
