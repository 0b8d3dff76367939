#pragma once
// A seeded generator whose output is the same on every platform and library
// (std::uniform_real_distribution is not specified bit for bit), so that a
// replay draws the same numbers. SplitMix64: Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014.
//
// A plain value: a copied state (a snapshot) carries its generator with it.

#include <cstdint>

namespace medvision {

struct SplitMix64 {
  std::uint64_t state = 0;

  SplitMix64() = default;
  explicit SplitMix64(std::uint64_t seed) : state(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

}  // namespace medvision
