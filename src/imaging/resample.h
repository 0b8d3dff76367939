#pragma once
// Resampling a volume onto a grid of another spacing, in place in patient
// space: the new grid keeps the origin (centre of voxel 0) and direction and
// covers the same extent, so every position keeps its LPS meaning.

#include <Eigen/Core>

#include "core/result.h"
#include "imaging/volume.h"

namespace medvision::imaging {

enum class Interpolation {
  nearest,  // for labels: values are never mixed
  linear,   // trilinear, for intensities
};

// Linear for intensities, nearest for label volumes.
Interpolation default_interpolation(const Volume& volume);

// New dims along each axis: floor((n - 1) * old / new) + 1, so the last
// sample stays inside the old extent. The stored type is kept (integers are
// rounded). Fails for non-positive spacing or a grid over max_voxels.
Result<Volume> resample(const Volume& volume, const Eigen::Vector3d& spacing,
                        Interpolation interpolation);
Result<Volume> resample(const Volume& volume, const Eigen::Vector3d& spacing);

}  // namespace medvision::imaging
