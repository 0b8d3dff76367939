// Patient physiology throughput: simulated seconds per wall second for one
// patient on one core ("x_real_time"), at rest and during CPR in VF (the
// busiest path: compressions, VF waveform, gas exchange in low flow).

#include <benchmark/benchmark.h>

#include "physio/patient.h"

namespace medvision::physio {
namespace {

void run(benchmark::State& bench, Patient& p) {
  for (auto _ : bench) {
    p.step();
    benchmark::DoNotOptimize(p.state.measurement.map_mmHg);
  }
  const double simulated_s = static_cast<double>(bench.iterations()) * kStepSeconds;
  bench.counters["ticks_per_s"] =
      benchmark::Counter(static_cast<double>(bench.iterations()), benchmark::Counter::kIsRate);
  bench.counters["x_real_time"] = benchmark::Counter(simulated_s, benchmark::Counter::kIsRate);
}

void BM_PhysioRest(benchmark::State& bench) {
  Patient p(*make_patient("standard-male"));
  run(bench, p);
}
BENCHMARK(BM_PhysioRest);

void BM_PhysioCprInVf(benchmark::State& bench) {
  Patient p(*make_patient("standard-male"));
  (void)set_airway(p.state, Airway::bag_valve_mask);
  (void)set_ventilation(p.state, 10, 500);
  (void)set_rhythm(p.state, Rhythm::vf_coarse);
  (void)start_cpr(p.state, 55, 110);
  (void)give_drug(p.state, Drug::epinephrine, 1.0);
  run(bench, p);
}
BENCHMARK(BM_PhysioCprInVf);

}  // namespace
}  // namespace medvision::physio

BENCHMARK_MAIN();
