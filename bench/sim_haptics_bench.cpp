// The haptic loop: the cost of one tick (Google Benchmark), then the rate and
// period jitter its own thread achieves against the 1 kHz target over two
// seconds with a scripted device, as a ratio to that target.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <vector>

#include "device/haptic_thread.h"
#include "sim/haptics.h"

namespace medvision::sim {
namespace {

DeviceSample circle(double t) {
  return DeviceSample{Vec3(0.02 * std::cos(6 * t), -0.002, 0.02 * std::sin(6 * t)), 0, 0};
}

void BM_HapticTickInContact(benchmark::State& bench) {
  CouplingSettings s;
  ScriptedDevice device(circle, 1.0 / s.rate_hz);
  HapticLoop loop(device, s, Vec3::Zero());
  loop.exchange(ContactModel{true, Vec3::Zero(), Vec3::UnitY(), 500.0});
  for (auto _ : bench) benchmark::DoNotOptimize(loop.tick().force_N);
  bench.counters["ticks_per_s"] =
      benchmark::Counter(static_cast<double>(bench.iterations()), benchmark::Counter::kIsRate);
  bench.counters["x_1kHz_budget"] = benchmark::Counter(
      static_cast<double>(bench.iterations()) / s.rate_hz, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HapticTickInContact);

// A device that notes when it is read, to measure the loop's real periods.
class TimedDevice final : public HapticDevice {
 public:
  DeviceSample read() override {
    stamps.push_back(std::chrono::steady_clock::now());
    return circle(static_cast<double>(stamps.size()) * 1e-3);
  }
  void apply_force(const Vec3&) override {}
  std::vector<std::chrono::steady_clock::time_point> stamps;
};

void report_threaded_rate() {
  TimedDevice device;
  device.stamps.reserve(4000);
  CouplingSettings s;
  HapticLoop loop(device, s, Vec3::Zero());
  const auto start = std::chrono::steady_clock::now();
  medvision::device::HapticThread thread(loop);
  thread.start();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  thread.stop();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> periods_ms;
  for (std::size_t i = 1; i < device.stamps.size(); ++i) {
    periods_ms.push_back(
        std::chrono::duration<double, std::milli>(device.stamps[i] - device.stamps[i - 1]).count());
  }
  std::sort(periods_ms.begin(), periods_ms.end());
  const auto pct = [&](double p) {
    return periods_ms[static_cast<std::size_t>(p * static_cast<double>(periods_ms.size() - 1))];
  };
  const double rate = static_cast<double>(loop.ticks()) / seconds;
  std::printf(
      "haptic thread: %.0f ticks/s over %.1f s = %.3f x the %.0f Hz target; period ms median %.3f, "
      "p99 %.3f, max %.3f\n",
      rate, seconds, rate / s.rate_hz, s.rate_hz, pct(0.5), pct(0.99), periods_ms.back());
}

}  // namespace
}  // namespace medvision::sim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  medvision::sim::report_threaded_rate();
  return 0;
}
