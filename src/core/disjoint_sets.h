#pragma once
// Disjoint sets over the indices 0..n-1 (union-find with path halving,
// Tarjan & van Leeuwen 1984): the connected pieces of a cut sheet or tissue,
// the fans of triangles around a mesh vertex, a surface's components.

#include <cstddef>
#include <numeric>
#include <vector>

namespace medvision {

template <class Index>
class DisjointSets {
 public:
  explicit DisjointSets(std::size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), Index{0});
  }

  // The representative of x's set; equal for two indices exactly when they
  // have been joined (directly or through others).
  Index find(Index x) {
    while (parent_[at(x)] != x) x = parent_[at(x)] = parent_[at(parent_[at(x)])];
    return x;
  }

  void join(Index a, Index b) { parent_[at(find(a))] = find(b); }

 private:
  static std::size_t at(Index i) { return static_cast<std::size_t>(i); }
  std::vector<Index> parent_;
};

}  // namespace medvision
