#pragma once
// Triangle-count reduction that keeps a closed mesh closed.

#include "core/result.h"
#include "imaging/mesh.h"

namespace medvision::imaging {

struct DecimationOptions {
  double target_ratio = 0.25;        // wanted triangles / input triangles
  double max_error_relative = 0.01;  // largest allowed deviation, as a fraction of the mesh extent
};

// Quadric edge collapse by meshoptimizer (meshopt_simplify, borders locked so
// open edges stay where they are). If a collapse sequence breaks a watertight
// input (edges not shared by exactly two triangles), the attempt is discarded
// and retried less aggressively; the result is never less closed than the
// input. Unused vertices are dropped and normals recomputed when present.
Result<SurfaceMesh> decimate(const SurfaceMesh& mesh, const DecimationOptions& options = {});

}  // namespace medvision::imaging
