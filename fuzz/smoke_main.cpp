// Runs a fuzz target without libFuzzer, as a test: every file of its seed
// corpus, then a fixed number of inputs mutated from them by a seeded
// generator (bit flips, truncation, insertion, splicing). The real fuzzing
// is `cmake --preset fuzz` (clang, libFuzzer); this keeps the targets honest
// in every `make test`.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/random.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int run(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutate(std::string s, medvision::SplitMix64& rng,
                   const std::vector<std::string>& corpus) {
  const int edits = 1 + static_cast<int>(rng.next() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::uint64_t pick = rng.next() % 5;
    const std::size_t at = s.empty() ? 0 : rng.next() % s.size();
    if (pick == 0 && !s.empty()) {
      s[at] = static_cast<char>(s[at] ^ (1u << (rng.next() % 8)));
    } else if (pick == 1) {
      s.resize(at);
    } else if (pick == 2) {
      s.insert(at, 1 + rng.next() % 8, static_cast<char>(rng.next()));
    } else if (pick == 3 && !corpus.empty()) {
      const std::string& other = corpus[rng.next() % corpus.size()];
      s = s.substr(0, at) + other.substr(other.empty() ? 0 : rng.next() % other.size());
    } else if (!s.empty()) {
      s[at] = static_cast<char>(rng.next());
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR ITERATIONS\n", argv[0]);
    return 2;
  }
  std::vector<std::string> corpus;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    corpus.push_back(ss.str());
  }
  corpus.emplace_back();
  for (const auto& c : corpus) run(c);
  const long iterations = std::atol(argv[2]);
  medvision::SplitMix64 rng(20261124);
  for (long i = 0; i < iterations; ++i)
    run(mutate(corpus[rng.next() % corpus.size()], rng, corpus));
  std::printf("%zu corpus inputs and %ld mutations ran without a crash\n", corpus.size(),
              iterations);
  return 0;
}
