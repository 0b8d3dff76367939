#pragma once
// Binary morphology on masks (non-zero = foreground): dilation, erosion,
// opening and closing with a cross or ball structuring element. Results are
// uint8 masks on the same geometry.
//
// Beyond the volume counts as background for dilation and as foreground for
// erosion (ITK's default), so a structure cut by the border is not eaten
// from the border inwards.

#include "imaging/volume.h"

namespace medvision::imaging {

enum class ElementShape {
  cross,  // the voxel and its 6 face neighbours
  ball,   // voxels whose centre lies within radius_mm (in mm, so anisotropic voxels give an
          // ellipsoid of voxels)
};

struct StructuringElement {
  ElementShape shape = ElementShape::ball;
  double radius_mm = 1.0;  // ball only
};

Volume dilate(const Volume& mask, const StructuringElement& element);
Volume erode(const Volume& mask, const StructuringElement& element);
// Erode then dilate: removes specks and thin bridges smaller than the element.
Volume opening(const Volume& mask, const StructuringElement& element);
// Dilate then erode: fills holes and gaps smaller than the element.
Volume closing(const Volume& mask, const StructuringElement& element);

}  // namespace medvision::imaging
