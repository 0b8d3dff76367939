#pragma once
// Isosurfaces of a volume as closed, indexed triangle meshes in LPS (mm).
//
// Our own extractor in the flying-edges style (Schroeder, Maynard & Geveci,
// "Flying edges: a high-performance scalable isocontouring algorithm", IEEE
// LDAV 2015): one pass classifies grid points and counts edge crossings per
// row, a second counts triangles per row of cells, prefix sums give every row
// its output range, and the last passes write vertices and triangles in
// parallel (TBB) straight into place. Rows without crossings are trimmed.
// Every crossing of a grid edge is one vertex shared by the cells around it,
// and the cube cases (isosurface_cases.h) join faces consistently, so the
// surface of a closed input is watertight, manifold and outward-oriented.
// Output is identical whatever the thread count.

#include <vector>

#include "imaging/label_map.h"
#include "imaging/mesh.h"
#include "imaging/volume.h"

namespace medvision::imaging {

struct IsosurfaceOptions {
  // Voxels beyond the volume count as outside, so a structure touching the
  // border still gives a closed surface (its cap lies half a voxel outside).
  // Off, the surface is open where it meets the border (as VTK's filters do).
  bool close_at_boundary = true;
};

// The surface where values cross `iso`; inside is value >= iso. Vertices are
// placed by linear interpolation along grid edges.
SurfaceMesh extract_isosurface(const Volume& volume, double iso,
                               const IsosurfaceOptions& options = {});

// The surface around the voxels whose value equals `label` (vertices at edge
// midpoints), extracted over the label's bounding box only.
SurfaceMesh extract_label_surface(const Volume& labels, int label,
                                  const IsosurfaceOptions& options = {});

// One mesh per entry of `map` that has voxels, with the entry's name and colour.
std::vector<SurfaceMesh> extract_label_surfaces(const LabelMap& map,
                                                const IsosurfaceOptions& options = {});

}  // namespace medvision::imaging
