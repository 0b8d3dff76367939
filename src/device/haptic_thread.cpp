#include "device/haptic_thread.h"

#include <chrono>

namespace medvision::device {

void HapticThread::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] {
    using clock = std::chrono::steady_clock;
    const auto period = std::chrono::duration_cast<clock::duration>(
        std::chrono::duration<double>(loop_.period_s()));
    auto next = clock::now();
    while (running_.load()) {
      loop_.tick();
      next += period;
      const auto now = clock::now();
      // Behind by more than a tick: start again from now rather than burst.
      if (next < now - period) next = now;
      std::this_thread::sleep_until(next);
    }
  });
}

void HapticThread::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
}

}  // namespace medvision::device
