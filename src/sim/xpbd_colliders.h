#pragma once
// Kinematic colliders the tissue meets: the operating table or an organ's
// bed (planes), tool tips and organs approximated by spheres, and instrument
// shafts (capsules). Each is given at its pose at the start of the step and
// moves with constant velocity during it (the substeps see it in between),
// so an instrument module sets velocity = (new pose - old pose) / dt.
// Friction is Coulomb's coefficient between the collider and tissue.

#include "sim/types.h"

namespace medvision::sim {

struct PlaneCollider {
  Vec3 point = Vec3::Zero();
  Vec3 normal = Vec3::UnitZ();  // unit, pointing to the free side
  Vec3 velocity = Vec3::Zero();
  Real friction = 0.5;
};

struct SphereCollider {
  Vec3 centre = Vec3::Zero();
  Real radius = 0.01;
  Vec3 velocity = Vec3::Zero();
  Real friction = 0.5;
};

// All points within `radius` of the segment a-b: a laparoscopic shaft or jaw.
struct CapsuleCollider {
  Vec3 a = Vec3::Zero();
  Vec3 b = Vec3::UnitX();
  Real radius = 0.005;  // a 10 mm instrument
  Vec3 velocity_a = Vec3::Zero();
  Vec3 velocity_b = Vec3::Zero();
  Real friction = 0.3;
};

// Where a point stands relative to a collider's surface at some instant.
struct SurfaceContact {
  Real distance = 0;                     // signed: negative inside
  Vec3 normal = Vec3::UnitZ();           // outward unit normal at the closest surface point
  Vec3 surface_velocity = Vec3::Zero();  // of the collider's material at that point
};

SurfaceContact surface_contact(const PlaneCollider& c, Real elapsed_s, const Vec3& x);
SurfaceContact surface_contact(const SphereCollider& c, Real elapsed_s, const Vec3& x);
SurfaceContact surface_contact(const CapsuleCollider& c, Real elapsed_s, const Vec3& x);

}  // namespace medvision::sim
