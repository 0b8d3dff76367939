// Session loop throughput: fixed ticks per second of wall time, for an idle
// world (bodies at rest, nobody connected) and a busy one (participants
// carrying bodies, inputs every 11 ticks as at 90 Hz, bodies falling).
// The reference is real time at the default 1 kHz tick: "x real time".

#include <benchmark/benchmark.h>

#include "modules/sandbox/sandbox_module.h"
#include "session/session.h"

namespace medvision {
namespace {

std::int64_t no_wall() { return 0; }

Session sandbox() {
  return Session({"sandbox", 1, 1000.0}, no_wall,
                 std::make_unique<modules::SandboxModule>(1, 1000.0));
}

void BM_SessionTickIdle(benchmark::State& state) {
  Session s = sandbox();
  for (auto _ : state) {
    s.step();
    if (s.tick() % 1024 == 0) s.drain_events();
  }
  state.counters["ticks_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["x_real_time"] = benchmark::Counter(
      static_cast<double>(state.iterations()) / 1000.0, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SessionTickIdle);

void BM_SessionTickBusy(benchmark::State& state) {
  const int participants = static_cast<int>(state.range(0));
  Session s = sandbox();
  std::vector<int> numbers;
  for (int p = 0; p < participants; ++p)
    numbers.push_back(s.add_participant("u", "user", "trainee"));
  std::uint32_t seq = 0;
  std::uint64_t frame = 0;
  for (auto _ : state) {
    if (s.tick() % 11 == 0) {
      ++frame;
      for (int p = 0; p < participants; ++p) {
        const std::size_t body = static_cast<std::size_t>(p) % s.world_state().bodies.size();
        InputFrame in;
        const auto& at = s.world_state().bodies[body].pose.position;
        // Hold for 60 frames, release for 30: bodies are carried, dropped, fall, rest.
        const bool grip = frame % 90 < 60;
        in.hands[1].pose.position =
            at + Eigen::Vector3d(0.001 * static_cast<double>(frame % 7), 0.002, 0);
        in.hands[1].buttons = grip ? kButtonGrip : 0;
        s.submit_input(numbers[static_cast<std::size_t>(p)], in, ++seq);
      }
    }
    s.step();
    if (s.tick() % 1024 == 0) s.drain_events();
  }
  state.counters["ticks_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["x_real_time"] = benchmark::Counter(
      static_cast<double>(state.iterations()) / 1000.0, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SessionTickBusy)->Arg(1)->Arg(4)->Arg(16);

}  // namespace
}  // namespace medvision

BENCHMARK_MAIN();
