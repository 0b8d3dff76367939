#pragma once
// Surface models of an image, as `medvision model` and the server's library
// build them: one isosurface at a threshold, or one named, coloured mesh per
// label of a label volume; each smoothed (Taubin), decimated (meshoptimizer)
// and given normals, ready for glTF or STL export.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/label_map.h"
#include "imaging/mesh.h"
#include "imaging/volume.h"

namespace medvision::imaging {

struct SurfaceModelOptions {
  bool largest = false;  // threshold: keep only the largest connected region
  int smooth_iterations = 10;
  double decimate_ratio = 0.5;  // in (0, 1]; 1 keeps every triangle
};

// Called after each structure: its index (1-based), the count, the finished
// mesh and how many triangles it had before smoothing and decimation.
using StructureDone = std::function<void(std::size_t n, std::size_t count, const SurfaceMesh& mesh,
                                         std::size_t extracted)>;
// Warnings a person should read (a label without voxels, decimation that
// kept more than asked).
using SurfaceWarning = std::function<void(const std::string& message)>;

Status check_surface_options(const SurfaceModelOptions& options);

// One mesh at `iso` (inside: value >= iso), named "threshold <iso>".
Result<std::vector<SurfaceMesh>> threshold_surfaces(const Volume& volume, double iso,
                                                    const SurfaceModelOptions& options,
                                                    const StructureDone& done = {},
                                                    const SurfaceWarning& warn = {});

// Voxel count per non-zero label; an error for values that are not integers.
Result<std::map<int, std::int64_t>> label_counts(const Volume& labels);

// The structures to build: with `names`, the named labels that have voxels
// (others are warned about); without, every label present, named label_<n>.
Result<std::vector<LabelEntry>> present_labels(const Volume& labels,
                                               const std::optional<std::vector<LabelEntry>>& names,
                                               const SurfaceWarning& warn = {});

// One mesh per entry, named and coloured after it.
Result<std::vector<SurfaceMesh>> label_surfaces(const Volume& labels,
                                                const std::vector<LabelEntry>& entries,
                                                const SurfaceModelOptions& options,
                                                const StructureDone& done = {},
                                                const SurfaceWarning& warn = {});

std::size_t total_triangles(const std::vector<SurfaceMesh>& meshes);

}  // namespace medvision::imaging
