// The machinery that spreads a step over threads: every chunk of every phase
// runs exactly once, phases never overlap, and a thread that never shows up
// cannot stall the others.

#include "sim/xpbd_parallel.h"

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <cstdio>
#include <vector>

namespace medvision::sim {
namespace {

constexpr std::size_t kPhases = 40, kItems = 1000, kGrain = 16;

// Counts how often each phase touched each item, and whether an item ever
// saw phase p before phase p - 1 had touched it.
struct Ledger {
  std::vector<std::atomic<int>> runs = std::vector<std::atomic<int>>(kPhases * kItems);
  std::vector<std::atomic<std::size_t>> phases_done = std::vector<std::atomic<std::size_t>>(kItems);
  std::atomic<int> out_of_order{0};
  std::atomic<int> by_thread[2] = {0, 0};
};

void walk(Phases& phases, Ledger& ledger, int thread) {
  for (std::size_t p = 0; p < kPhases; ++p) {
    phases.range(0, kItems, [&](std::size_t b, std::size_t e) {
      ++ledger.by_thread[thread];
      // Chunks of some microseconds, as in the solver, so a second thread has time to join.
      std::atomic<int> spin{0};
      while (spin.fetch_add(1, std::memory_order_relaxed) < 2000) {
      }
      for (std::size_t i = b; i < e; ++i) {
        if (ledger.phases_done[i].exchange(p + 1) != p) ++ledger.out_of_order;
        ++ledger.runs[p * kItems + i];
      }
    });
  }
}

TEST(XpbdParallel, EveryChunkRunsOnceAndPhasesNeverOverlap) {
  Ledger ledger;
  PhaseBoard board;
  board.reset(kPhases, 2);
  tbb::task_arena arena(2);
  arena.execute([&] {
    tbb::parallel_for(0, 2, [&](int t) {
      Phases phases(&board, static_cast<std::size_t>(t), kGrain);
      walk(phases, ledger, t);
    });
  });
  for (const auto& r : ledger.runs) ASSERT_EQ(r.load(), 1);
  EXPECT_EQ(ledger.out_of_order.load(), 0);
  std::printf("chunks run by the two walkers: %d and %d\n", ledger.by_thread[0].load(),
              ledger.by_thread[1].load());
}

TEST(XpbdParallel, AThreadThatNeverArrivesCannotStallTheStep) {
  Ledger ledger;
  PhaseBoard board;
  board.reset(kPhases, 2);  // room for two walkers, but only one walks
  Phases alone(&board, 1, kGrain);
  walk(alone, ledger, 1);
  for (const auto& r : ledger.runs) ASSERT_EQ(r.load(), 1);
  EXPECT_EQ(ledger.out_of_order.load(), 0);
}

}  // namespace
}  // namespace medvision::sim
