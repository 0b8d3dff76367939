#pragma once
// The wall clock of a haptic device: runs a HapticLoop's tick() on its own
// thread at the loop's period until stopped. The physics engine (sim/) keeps
// no clock and starts no thread; this device layer does both.

#include <atomic>
#include <thread>

#include "sim/haptics.h"

namespace medvision::device {

class HapticThread {
 public:
  explicit HapticThread(sim::HapticLoop& loop) : loop_(loop) {}
  ~HapticThread() { stop(); }
  HapticThread(const HapticThread&) = delete;
  HapticThread& operator=(const HapticThread&) = delete;

  // Ticks the loop every period (catching up from now, not in a burst, when
  // it falls more than a period behind) until stop().
  void start();
  void stop();
  bool running() const { return running_.load(); }

 private:
  sim::HapticLoop& loop_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace medvision::device
