#pragma once
// Binary STL for 3D printing: millimetres, one facet normal per triangle.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/mesh.h"

namespace medvision::imaging {

// All meshes into one file, in LPS millimetres (80-byte header, triangle
// count, then per triangle a normal, three corners and a zero attribute).
// The same file as bytes.
Result<std::string> encode_stl(const std::vector<SurfaceMesh>& meshes);
Status write_stl(const std::filesystem::path& path, const std::vector<SurfaceMesh>& meshes);

// Reads a binary STL back as an unindexed mesh (three vertices per triangle;
// no vertex merging). Rejects a size that disagrees with the triangle count.
Result<SurfaceMesh> read_stl(const std::filesystem::path& path);

}  // namespace medvision::imaging
