#pragma once
// Mass, centre of mass and inertia tensor of shapes of uniform density, and
// of compounds of them, for building rigid bodies.

#include <span>

#include "sim/shapes.h"
#include "sim/types.h"

namespace medvision::sim {

struct MassProperties {
  Real mass = 0;                       // kg
  Vec3 center_of_mass = Vec3::Zero();  // m, in the frame the shape is described in
  Mat3 inertia = Mat3::Zero();         // kg m^2, about the centre of mass, axes of that frame
};

// One shape at `density` (kg/m^3) in its own frame. A Plane has no mass.
MassProperties mass_properties(const Shape& shape, Real density);
// A compound: each piece placed by its instance transform (body frame).
MassProperties mass_properties(std::span<const ShapeInstance> pieces, Real density);
// Sum of parts that may overlap nothing (parallel-axis theorem).
MassProperties combined(std::span<const MassProperties> parts);
// The same body described in another frame: x_new = pose.apply(x_old).
MassProperties transformed(const MassProperties& m, const Transform& pose);

}  // namespace medvision::sim
