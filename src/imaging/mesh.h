#pragma once
// SurfaceMesh: an indexed triangle mesh of one structure, in LPS patient
// space (millimetres), with its display name and colour.

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "imaging/rgb.h"

namespace medvision::imaging {

struct SurfaceMesh {
  std::string name;
  Rgb rgb{255, 255, 255};
  std::vector<Eigen::Vector3f> positions;  // LPS, mm
  std::vector<Eigen::Vector3f> normals;    // unit, outward; empty until computed
  std::vector<std::uint32_t> indices;  // three per triangle, counter-clockwise seen from outside

  std::size_t triangle_count() const { return indices.size() / 3; }
};

// Sum of triangle areas, mm^2.
double surface_area(const SurfaceMesh& mesh);
// Volume enclosed by a closed, outward-oriented mesh (divergence theorem), mm^3.
double enclosed_volume(const SurfaceMesh& mesh);
// Area-weighted vertex normals (sum of the un-normalised face normals).
void compute_normals(SurfaceMesh& mesh);
// Drops vertices no triangle uses, keeping the order of the others.
void remove_unused_vertices(SurfaceMesh& mesh);

}  // namespace medvision::imaging
