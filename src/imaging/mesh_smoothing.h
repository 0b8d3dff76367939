#pragma once
// Volume-keeping smoothing of surface meshes.

#include "imaging/mesh.h"

namespace medvision::imaging {

// Taubin's lambda|mu smoothing (G. Taubin, "A signal processing approach to
// fair surface design", SIGGRAPH 1995): each iteration is a Laplacian step
// with lambda > 0 followed by one with mu < -lambda. It is a low-pass filter
// with pass-band frequency k_PB = 1/lambda + 1/mu (here ~0.11), so staircase
// noise goes while the shape, and so the enclosed volume, stays (plain
// Laplacian smoothing shrinks). Uniform (umbrella) weights over edge
// neighbours, as in the paper.
struct TaubinOptions {
  int iterations = 10;
  double lambda = 0.5;
  double mu = -0.53;
};

// Moves vertices in place; recomputes normals when the mesh has them.
void smooth_taubin(SurfaceMesh& mesh, const TaubinOptions& options = {});

}  // namespace medvision::imaging
