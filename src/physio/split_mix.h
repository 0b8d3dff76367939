#pragma once
// Seeded generator, identical output on every platform (std distributions are
// not specified bit for bit). SplitMix64: Steele, Lea & Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014. Kept here as a
// plain value so a PatientState copy carries its generator with it; the
// session folder has the same generator but physio may only use core.

#include <cstdint>

namespace medvision::physio {

struct SplitMix {
  std::uint64_t state = 0;

  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

}  // namespace medvision::physio
