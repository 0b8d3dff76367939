#include "imaging/mesh_topology.h"

#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

#include "core/disjoint_sets.h"

namespace medvision::imaging {
namespace {

using DisjointSets = medvision::DisjointSets<std::uint32_t>;

struct DirectedEdge {
  std::uint64_t key;  // smaller vertex << 32 | larger
  bool forward;       // runs from the smaller vertex to the larger
  bool operator<(const DirectedEdge& o) const {
    return key < o.key || (key == o.key && forward < o.forward);
  }
};

void count_edges(const SurfaceMesh& mesh, MeshTopology& t) {
  std::vector<DirectedEdge> edges;
  edges.reserve(mesh.indices.size());
  for (std::size_t f = 0; f + 2 < mesh.indices.size(); f += 3) {
    for (int c = 0; c < 3; ++c) {
      const std::uint32_t a = mesh.indices[f + static_cast<std::size_t>(c)];
      const std::uint32_t b = mesh.indices[f + static_cast<std::size_t>((c + 1) % 3)];
      const std::uint64_t lo = std::min(a, b), hi = std::max(a, b);
      edges.push_back({lo << 32 | hi, a < b});
    }
  }
  std::sort(edges.begin(), edges.end());
  for (std::size_t i = 0; i < edges.size();) {
    std::size_t j = i;
    std::size_t forward = 0;
    while (j < edges.size() && edges[j].key == edges[i].key) forward += edges[j++].forward ? 1 : 0;
    const std::size_t uses = j - i;
    ++t.edges;
    if (uses == 1) ++t.boundary_edges;
    if (uses > 2) ++t.nonmanifold_edges;
    if (uses == 2 && forward != 1) ++t.misoriented_edges;
    i = j;
  }
}

// A vertex is manifold when the edges opposite it (its link) form one
// connected chain or cycle.
void count_vertex_fans(const SurfaceMesh& mesh, MeshTopology& t) {
  const std::size_t n = mesh.positions.size();
  std::vector<std::uint32_t> start(n + 1, 0);
  for (std::uint32_t v : mesh.indices) ++start[v + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> link(mesh.indices.size());
  std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
  for (std::size_t f = 0; f + 2 < mesh.indices.size(); f += 3) {
    for (int c = 0; c < 3; ++c) {
      const std::uint32_t v = mesh.indices[f + static_cast<std::size_t>(c)];
      link[fill[v]++] = {mesh.indices[f + static_cast<std::size_t>((c + 1) % 3)],
                         mesh.indices[f + static_cast<std::size_t>((c + 2) % 3)]};
    }
  }
  std::vector<std::uint32_t> local;
  for (std::size_t v = 0; v < n; ++v) {
    if (start[v] == start[v + 1]) continue;
    local.clear();
    for (std::uint32_t e = start[v]; e < start[v + 1]; ++e) {
      local.push_back(link[e].first);
      local.push_back(link[e].second);
    }
    std::sort(local.begin(), local.end());
    local.erase(std::unique(local.begin(), local.end()), local.end());
    DisjointSets sets(local.size());
    auto at = [&local](std::uint32_t x) {
      return static_cast<std::uint32_t>(std::lower_bound(local.begin(), local.end(), x) -
                                        local.begin());
    };
    for (std::uint32_t e = start[v]; e < start[v + 1]; ++e)
      sets.join(at(link[e].first), at(link[e].second));
    std::size_t fans = 0;
    for (std::uint32_t i = 0; i < local.size(); ++i) fans += sets.find(i) == i ? 1 : 0;
    if (fans != 1) ++t.nonmanifold_vertices;
  }
}

}  // namespace

MeshTopology analyze_topology(const SurfaceMesh& mesh) {
  MeshTopology t;
  t.triangles = mesh.indices.size() / 3;
  std::vector<bool> used(mesh.positions.size(), false);
  DisjointSets sets(mesh.positions.size());
  for (std::size_t f = 0; f + 2 < mesh.indices.size(); f += 3) {
    sets.join(mesh.indices[f], mesh.indices[f + 1]);
    sets.join(mesh.indices[f], mesh.indices[f + 2]);
  }
  for (std::uint32_t v : mesh.indices) used[v] = true;
  for (std::uint32_t v = 0; v < used.size(); ++v) {
    if (!used[v]) continue;
    ++t.vertices;
    if (sets.find(v) == v) ++t.components;
  }
  count_edges(mesh, t);
  count_vertex_fans(mesh, t);
  return t;
}

}  // namespace medvision::imaging
