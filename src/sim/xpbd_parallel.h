#pragma once
// How the solver spreads a step over threads without changing its result.
// Internal to src/sim.
//
// A step is a fixed sequence of phases (predict; each colour of each
// constraint kind; contacts; velocities), and each phase is cut into fixed
// chunks. Chunks of one phase touch disjoint data (constraints of one colour
// share no movable particle; reductions write one slot per chunk), so they
// may run in any order on any thread and give the same bits as a serial loop;
// phases run strictly one after another (Gauss-Seidel between colours).
//
// Rather than a tbb::parallel_for per phase (dozens per substep, each paying
// for waking the workers), every thread of the solver's task_arena walks the
// whole sequence: it claims chunks of the current phase from atomic counters
// (its own contiguous share first, so each thread keeps working on the same
// part of the mesh and its particles stay in that core's cache), then waits
// until all of the phase's chunks are done. A thread that starts late, or
// never, only means the others claim more chunks, so this cannot deadlock;
// with one thread it is a plain serial loop.

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>

#include "sim/tissue_model.h"

namespace medvision::sim {

// The counters of every phase of one step, shared by its threads. Each
// phase's chunks are dealt into one contiguous share per thread, claimed
// front to back from a counter per share.
class PhaseBoard {
 public:
  // Makes room for `phases` phases of `threads` shares each, all unclaimed.
  void reset(std::size_t phases, std::size_t threads) {
    const std::size_t needed = phases * (threads + 1);
    if (needed > capacity_) {
      counters_ = std::make_unique<Counter[]>(needed);
      capacity_ = needed;
    }
    for (std::size_t i = 0; i < needed; ++i) counters_[i].value.store(0, std::memory_order_relaxed);
    threads_ = threads;
  }
  std::size_t threads() const { return threads_; }
  // Chunks claimed from thread t's share of phase p (t < threads), or done (t == threads).
  std::atomic<std::size_t>& counter(std::size_t p, std::size_t t) {
    return counters_[p * (threads_ + 1) + t].value;
  }

 private:
  struct alignas(64) Counter {
    std::atomic<std::size_t> value{0};
  };
  std::unique_ptr<Counter[]> counters_;
  std::size_t capacity_ = 0, threads_ = 1;
};

// One thread's walk through a step's phases. Every thread must issue the
// same phases in the same order.
class Phases {
 public:
  // board == nullptr: run everything on this thread.
  Phases(PhaseBoard* board, std::size_t thread, std::size_t grain)
      : board_(board), thread_(thread), grain_(grain > 0 ? grain : 1) {}

  // body(chunk, begin, end) for the fixed chunks [k size, (k + 1) size) of [0, count).
  template <class Body>
  void chunks(std::size_t count, std::size_t size, const Body& body) {
    const std::size_t n = (count + size - 1) / size;
    if (n == 0) return;
    auto run_chunk = [&](std::size_t k) {
      body(k, k * size, k * size + size < count ? k * size + size : count);
    };
    if (board_ == nullptr) {
      for (std::size_t k = 0; k < n; ++k) run_chunk(k);
      return;
    }
    const std::size_t p = next_++, threads = board_->threads();
    std::atomic<std::size_t>& done = board_->counter(p, threads);
    // Our own share first, front to back (it is the part of the mesh this
    // thread touched last phase, still in its core's cache), then what the
    // others have not reached yet, back to front.
    for (std::size_t i = 0; i < threads; ++i) {
      const std::size_t share = (thread_ + i) % threads;
      const std::size_t first = n * share / threads,
                        size_of_share = n * (share + 1) / threads - first;
      std::atomic<std::size_t>& claimed = board_->counter(p, share);
      for (std::size_t k; claim(claimed, size_of_share, /*from_front=*/i == 0, k);) {
        run_chunk(first + k);
        done.fetch_add(1, std::memory_order_release);
      }
    }
    for (int spins = 0; done.load(std::memory_order_acquire) < n; ++spins) {
      if (spins > 64) std::this_thread::yield();
    }
  }

  // body(begin, end) over [begin, end) in chunks of the solver's grain.
  template <class Body>
  void range(std::size_t begin, std::size_t end, const Body& body) {
    chunks(end - begin, grain_,
           [&](std::size_t, std::size_t b, std::size_t e) { body(begin + b, begin + e); });
  }

  // kernel(i) for every constraint, colour by colour.
  template <class Kernel>
  void per_colour(const ConstraintColouring& colouring, const Kernel& kernel) {
    for (std::size_t c = 0; c + 1 < colouring.offsets.size(); ++c) {
      range(static_cast<std::size_t>(colouring.offsets[c]),
            static_cast<std::size_t>(colouring.offsets[c + 1]),
            [&kernel](std::size_t b, std::size_t e) {
              for (std::size_t i = b; i < e; ++i) kernel(i);
            });
    }
  }

 private:
  // A share's counter packs how many chunks were taken from its front (high
  // half) and from its back (low half); claiming is one compare-exchange.
  static bool claim(std::atomic<std::size_t>& counter, std::size_t size, bool from_front,
                    std::size_t& chunk) {
    static_assert(sizeof(std::size_t) == 8, "two 32-bit halves");
    constexpr std::size_t kFront = std::size_t{1} << 32;
    std::size_t seen = counter.load(std::memory_order_relaxed);
    for (;;) {
      const std::size_t front = seen >> 32, back = seen & (kFront - 1);
      if (front + back >= size) return false;
      if (counter.compare_exchange_weak(seen, seen + (from_front ? kFront : 1),
                                        std::memory_order_relaxed)) {
        chunk = from_front ? front : size - 1 - back;
        return true;
      }
    }
  }

  PhaseBoard* board_;
  std::size_t thread_;
  std::size_t grain_;
  std::size_t next_ = 0;
};

}  // namespace medvision::sim
