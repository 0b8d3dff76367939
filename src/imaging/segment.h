#pragma once
// Segmentation: threshold masks, region growing and connected components.
// Masks are uint8 volumes (1 inside, 0 outside) with unit `label`, on the
// geometry of the volume they came from. Connectivity is 6 (face neighbours)
// throughout, which matches the closed surfaces the isosurface extractor
// builds around a mask.

#include <array>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "imaging/volume.h"

namespace medvision::imaging {

using VoxelIndex = std::array<std::int64_t, 3>;

// 1 where lo <= value <= hi.
Volume threshold(const Volume& volume, double lo, double hi);

// Voxels with lo <= value <= hi reachable from the seeds through face
// neighbours that are also in range. Seeds outside the volume are an error;
// seeds out of range contribute nothing.
Result<Volume> region_grow(const Volume& volume, const std::vector<VoxelIndex>& seeds, double lo,
                           double hi);

struct Components {
  Volume
      labels;  // uint16: 0 background, 1..n by decreasing size (ties: first voxel in storage order)
  std::vector<std::int64_t> sizes;  // sizes[n - 1] = voxels of component n
};

// Components of the non-zero voxels. More than 65535 components cannot be
// labelled in uint16 and is an error (threshold noise: open the mask first).
Result<Components> connected_components(const Volume& mask);

// The largest component of the non-zero voxels (an empty mask stays empty).
Volume keep_largest_component(const Volume& mask);

// Number of non-zero voxels.
std::int64_t count_nonzero(const Volume& volume);

}  // namespace medvision::imaging
