#include "imaging/mesh_decimation.h"

#include <meshoptimizer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "imaging/mesh_topology.h"

namespace medvision::imaging {
namespace {

// Edge collapse can fold a thin region into two triangles on the same three
// vertices, facing opposite ways (a zero-volume fin whose edges then have four
// triangles). Such pairs enclose nothing: both go.
void remove_opposite_triangle_pairs(std::vector<std::uint32_t>& indices) {
  struct Keyed {
    std::array<std::uint32_t, 3> key;
    std::size_t triangle;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(indices.size() / 3);
  for (std::size_t t = 0; t + 2 < indices.size(); t += 3) {
    std::array<std::uint32_t, 3> key{indices[t], indices[t + 1], indices[t + 2]};
    std::sort(key.begin(), key.end());
    keyed.push_back({key, t / 3});
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
  std::vector<bool> drop(indices.size() / 3, false);
  bool any = false;
  for (std::size_t i = 0; i + 1 < keyed.size(); ++i) {
    if (keyed[i].key != keyed[i + 1].key) continue;
    drop[keyed[i].triangle] = drop[keyed[i + 1].triangle] = true;
    any = true;
    ++i;
  }
  if (!any) return;
  std::size_t out = 0;
  for (std::size_t t = 0; t < drop.size(); ++t) {
    if (drop[t]) continue;
    for (std::size_t c = 0; c < 3; ++c) indices[out++] = indices[3 * t + c];
  }
  indices.resize(out);
}

}  // namespace

Result<SurfaceMesh> decimate(const SurfaceMesh& mesh, const DecimationOptions& options) {
  if (options.target_ratio <= 0 || options.target_ratio > 1) {
    return make_error(ErrorCode::invalid_input, "decimation target ratio must be in (0, 1], got " +
                                                    std::to_string(options.target_ratio));
  }
  if (mesh.indices.empty()) return mesh;
  const MeshTopology before = analyze_topology(mesh);
  double ratio = options.target_ratio;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const std::size_t target =
        3 * static_cast<std::size_t>(std::ceil(ratio * static_cast<double>(mesh.triangle_count())));
    SurfaceMesh out;
    out.name = mesh.name;
    out.rgb = mesh.rgb;
    out.positions = mesh.positions;
    out.indices.resize(mesh.indices.size());
    const std::size_t count = meshopt_simplify(
        out.indices.data(), mesh.indices.data(), mesh.indices.size(), mesh.positions.front().data(),
        mesh.positions.size(), sizeof(Eigen::Vector3f), target,
        static_cast<float>(options.max_error_relative), meshopt_SimplifyLockBorder, nullptr);
    out.indices.resize(count);
    remove_opposite_triangle_pairs(out.indices);
    const MeshTopology after = analyze_topology(out);
    const bool kept = (!before.watertight() || after.watertight()) &&
                      (!before.manifold() || after.manifold()) &&
                      (!before.consistently_oriented() || after.consistently_oriented());
    if (kept) {
      remove_unused_vertices(out);
      if (!mesh.normals.empty()) compute_normals(out);
      return out;
    }
    ratio = std::min(1.0, ratio * 1.5);
  }
  return make_error(ErrorCode::internal,
                    "decimation of \"" + mesh.name + "\" kept breaking the closed surface");
}

}  // namespace medvision::imaging
