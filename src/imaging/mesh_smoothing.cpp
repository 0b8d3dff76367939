#include "imaging/mesh_smoothing.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace medvision::imaging {
namespace {

// Vertex neighbours as compressed rows (each undirected edge once per end).
struct Adjacency {
  std::vector<std::uint32_t> start;
  std::vector<std::uint32_t> neighbours;
};

Adjacency build_adjacency(const SurfaceMesh& mesh) {
  std::vector<std::uint64_t> edges;
  edges.reserve(2 * mesh.indices.size());
  for (std::size_t f = 0; f + 2 < mesh.indices.size(); f += 3) {
    for (int c = 0; c < 3; ++c) {
      const std::uint64_t a = mesh.indices[f + static_cast<std::size_t>(c)];
      const std::uint64_t b = mesh.indices[f + static_cast<std::size_t>((c + 1) % 3)];
      edges.push_back(a << 32 | b);
      edges.push_back(b << 32 | a);
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  Adjacency adj;
  adj.start.assign(mesh.positions.size() + 1, 0);
  adj.neighbours.reserve(edges.size());
  for (std::uint64_t e : edges) {
    ++adj.start[(e >> 32) + 1];
    adj.neighbours.push_back(static_cast<std::uint32_t>(e & 0xffffffffu));
  }
  for (std::size_t v = 1; v < adj.start.size(); ++v) adj.start[v] += adj.start[v - 1];
  return adj;
}

void laplacian_step(const Adjacency& adj, const std::vector<Eigen::Vector3d>& from,
                    std::vector<Eigen::Vector3d>& to, double factor) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, from.size(), 4096),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t v = r.begin(); v != r.end(); ++v) {
                        const std::uint32_t begin = adj.start[v], end = adj.start[v + 1];
                        if (begin == end) {
                          to[v] = from[v];
                          continue;
                        }
                        Eigen::Vector3d mean = Eigen::Vector3d::Zero();
                        for (std::uint32_t n = begin; n < end; ++n) mean += from[adj.neighbours[n]];
                        mean /= static_cast<double>(end - begin);
                        to[v] = from[v] + factor * (mean - from[v]);
                      }
                    });
}

}  // namespace

void smooth_taubin(SurfaceMesh& mesh, const TaubinOptions& options) {
  const Adjacency adj = build_adjacency(mesh);
  std::vector<Eigen::Vector3d> a(mesh.positions.size()), b(mesh.positions.size());
  for (std::size_t v = 0; v < a.size(); ++v) a[v] = mesh.positions[v].cast<double>();
  for (int it = 0; it < options.iterations; ++it) {
    laplacian_step(adj, a, b, options.lambda);
    laplacian_step(adj, b, a, options.mu);
  }
  for (std::size_t v = 0; v < a.size(); ++v) mesh.positions[v] = a[v].cast<float>();
  if (!mesh.normals.empty()) compute_normals(mesh);
}

}  // namespace medvision::imaging
