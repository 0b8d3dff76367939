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
// open edges stay where they are) down to target_ratio of the triangles, or
// fewer removed where the error bound stops it first (callers compare the
// counts and say so). meshoptimizer 0.18 does not check the link condition,
// so on large surfaces a few collapses fold slivers into zero-volume fins or
// pinch two sheets together at an edge or vertex; fins are removed and
// pinched vertices split (one copy per fan of triangles, positions
// unchanged), so a closed, manifold, consistently oriented input stays so.
// If it still would not, the result is an error, never a silently
// undecimated mesh. Unused vertices are dropped and normals recomputed when
// present.
Result<SurfaceMesh> decimate(const SurfaceMesh& mesh, const DecimationOptions& options = {});

}  // namespace medvision::imaging
