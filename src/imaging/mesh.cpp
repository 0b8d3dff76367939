#include "imaging/mesh.h"

#include <Eigen/Geometry>

namespace medvision::imaging {
namespace {

template <class F>
void for_each_triangle(const SurfaceMesh& mesh, F&& f) {
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    f(mesh.positions[mesh.indices[t]].cast<double>(),
      mesh.positions[mesh.indices[t + 1]].cast<double>(),
      mesh.positions[mesh.indices[t + 2]].cast<double>());
  }
}

}  // namespace

double surface_area(const SurfaceMesh& mesh) {
  double area = 0;
  for_each_triangle(
      mesh, [&area](const Eigen::Vector3d& a, const Eigen::Vector3d& b, const Eigen::Vector3d& c) {
        area += 0.5 * (b - a).cross(c - a).norm();
      });
  return area;
}

double enclosed_volume(const SurfaceMesh& mesh) {
  if (mesh.positions.empty()) return 0;
  // Relative to a point near the mesh, so that far-away coordinates lose no precision.
  const Eigen::Vector3d o = mesh.positions.front().cast<double>();
  double six_volume = 0;
  for_each_triangle(
      mesh, [&](const Eigen::Vector3d& a, const Eigen::Vector3d& b, const Eigen::Vector3d& c) {
        six_volume += (a - o).dot((b - o).cross(c - o));
      });
  return six_volume / 6.0;
}

void compute_normals(SurfaceMesh& mesh) {
  std::vector<Eigen::Vector3d> sum(mesh.positions.size(), Eigen::Vector3d::Zero());
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const std::uint32_t i0 = mesh.indices[t], i1 = mesh.indices[t + 1], i2 = mesh.indices[t + 2];
    const Eigen::Vector3d a = mesh.positions[i0].cast<double>();
    // Twice the area times the unit normal: weighting by area is the plain sum.
    const Eigen::Vector3d n =
        (mesh.positions[i1].cast<double>() - a).cross(mesh.positions[i2].cast<double>() - a);
    sum[i0] += n;
    sum[i1] += n;
    sum[i2] += n;
  }
  mesh.normals.resize(mesh.positions.size());
  for (std::size_t v = 0; v < sum.size(); ++v) {
    const double length = sum[v].norm();
    mesh.normals[v] =
        length > 0 ? Eigen::Vector3f((sum[v] / length).cast<float>()) : Eigen::Vector3f(0, 0, 1);
  }
}

void remove_unused_vertices(SurfaceMesh& mesh) {
  constexpr std::uint32_t unused = 0xffffffffu;
  std::vector<std::uint32_t> remap(mesh.positions.size(), unused);
  for (std::uint32_t i : mesh.indices) remap[i] = 0;
  std::uint32_t next = 0;
  for (std::size_t v = 0; v < remap.size(); ++v) {
    if (remap[v] == unused) continue;
    remap[v] = next;
    mesh.positions[next] = mesh.positions[v];
    if (v < mesh.normals.size()) mesh.normals[next] = mesh.normals[v];
    ++next;
  }
  mesh.positions.resize(next);
  if (!mesh.normals.empty()) mesh.normals.resize(next);
  for (std::uint32_t& i : mesh.indices) i = remap[i];
}

}  // namespace medvision::imaging
