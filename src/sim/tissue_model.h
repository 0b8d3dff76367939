#pragma once
// TissueModel: the constant description of a piece of soft tissue (or a gauze
// sheet) for the XPBD solver: rest shape, masses, materials, constraints and
// the colouring that lets constraints be projected in parallel. It never
// changes while a session runs; everything that does lives in TissueState.
//
// Per-element data are flat arrays (structure of arrays), one group per
// constraint kind. Within a group the constraints are stored sorted by colour
// (see ConstraintColouring), so a colour is a contiguous index range.
//
// Build a model with make_tet_block / make_cloth, then edit it only through
// pin_particles / attach_particles, which keep masses and colouring right.

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/types.h"

namespace medvision::sim {

// An isotropic elastic material.
struct Material {
  Real youngs_modulus_Pa = 10e3;  // soft tissue: liver ~ 5-20 kPa
  Real poisson_ratio = 0.45;      // soft tissue is nearly incompressible
  Real lame_mu_Pa() const;        // shear modulus, E / (2 (1 + nu))
  Real lame_lambda_Pa() const;    // E nu / ((1 + nu) (1 - 2 nu))
};

// Constraints of one kind grouped by colour: constraints whose indices lie in
// [offsets[c], offsets[c + 1]) share no movable particle, so they may be
// projected at the same time, in any order, with the same result.
struct ConstraintColouring {
  std::vector<std::int32_t> offsets{0};
  int colours() const { return static_cast<int>(offsets.size()) - 1; }
};

inline constexpr Real kBodyTemperature_C = 37;

// Stable neo-Hookean tetrahedra (Macklin & Mueller 2021).
struct TetConstraints {
  std::vector<std::array<std::int32_t, 4>> vertices;  // positively oriented at rest
  std::vector<Mat3> inv_rest_shape;                   // Dm^-1, Dm = [x1-x0, x2-x0, x3-x0] at rest
  std::vector<Real> rest_volume;                      // m^3
  std::vector<Real> mu;                               // Lame mu of the tet's material, Pa
  std::vector<Real> lambda;                           // Lame lambda of the tet's material, Pa
  // Derived for the solver (see tissue_model.cpp for why lambda + mu):
  std::vector<Real> deviatoric_compliance;   // 1 / (mu V), 1/(Pa m^3)
  std::vector<Real> hydrostatic_compliance;  // 1 / ((lambda + mu) V)
  std::vector<Real> rest_volume_ratio;       // gamma = 1 + mu / (lambda + mu)
  // The tet's tissue temperature, deg C (body temperature as built; raised
  // by cautery, sim/cautery.h). Kept with the tets so cuts erase it with them.
  std::vector<Real> temperature_C;
  ConstraintColouring colouring;
  std::size_t size() const { return vertices.size(); }
};

// |x_i - x_j| = rest_length, compliance in m/N (1 / stiffness).
struct DistanceConstraints {
  std::vector<std::array<std::int32_t, 2>> particles;
  std::vector<Real> rest_length;
  std::vector<Real> compliance;
  ConstraintColouring colouring;
  std::size_t size() const { return particles.size(); }
};

// Dihedral angle between triangles (p0, p1, p2) and (p1, p0, p3), which share
// the edge p0-p1; bending energy 1/(2 compliance) (theta - rest_angle)^2, so
// compliance is in 1/(N m) per radian^2. Gradients: Bridson, Marino & Fedkiw
// 2003, "Simulation of clothing with folds and wrinkles", sec. 4.2.
struct BendingConstraints {
  std::vector<std::array<std::int32_t, 4>> particles;
  std::vector<Real> rest_angle;  // radians, in (-pi, pi]
  std::vector<Real> compliance;
  ConstraintColouring colouring;
  std::size_t size() const { return particles.size(); }
};

// Tissue fixed to anatomy. A point attachment holds the particle at target
// (C = |x - target|); a plane attachment lets it slide on the plane through
// target with unit normal `normal` (C = normal . (x - target)), as tissue
// sliding over a fascia or a symmetry boundary. Compliance in m/N.
enum class AttachmentKind : std::uint8_t { point, plane };

struct Attachments {
  std::vector<std::int32_t> particle;
  std::vector<AttachmentKind> kind;
  std::vector<Vec3> target;
  std::vector<Vec3> normal;  // plane attachments only
  std::vector<Real> compliance;
  ConstraintColouring colouring;
  std::size_t size() const { return particle.size(); }
};

struct TissueModel {
  // Particles.
  std::vector<Vec3> rest_position;  // m
  std::vector<Real> mass;           // kg, lumped from the elements
  std::vector<Real> inv_mass;       // 1/kg; 0 = pinned (moved only by whoever owns the state)

  // Constraints, each kind sorted by colour.
  TetConstraints tets;
  DistanceConstraints distances;
  BendingConstraints bending;
  Attachments attachments;

  // Outward-facing surface triangles (counter-clockwise seen from outside):
  // the tets' boundary faces, or a sheet's triangles. For rendering and
  // collision.
  std::vector<std::array<std::int32_t, 3>> surface;

  // Unique tet edges (or sheet edges) with rest lengths: where stretch is
  // measured for StepOutputs::max_edge_stretch.
  std::vector<std::array<std::int32_t, 2>> edges;
  std::vector<Real> edge_rest_length;

  std::size_t particles() const { return rest_position.size(); }
};

// How make_tet_block splits each cube: five tetrahedra (one central, four
// corner; mirrored on alternate cubes so face diagonals match) or six around
// the cube's main diagonal (Kuhn's triangulation, the same in every cube).
enum class CubeSplit : std::uint8_t { five, six };

// A box [0, size.x] x [0, size.y] x [0, size.z] of nx * ny * nz cubes, split
// into positively oriented tetrahedra. Masses lumped from `density_kg_per_m3`.
TissueModel make_tet_block(int nx, int ny, int nz, const Vec3& size, const Material& material,
                           Real density_kg_per_m3, CubeSplit split = CubeSplit::five);

// A sheet [0, size.x] x [0, size.y] in the plane z = 0, nx * ny quads of two
// triangles each (alternating diagonals), with a distance constraint on every
// edge and a bending constraint on every interior edge (rest angle 0).
struct ClothSpec {
  int nx = 10, ny = 10;
  Vec3 size{0.1, 0.1, 0};
  Real areal_density_kg_per_m2 = 0.1;   // surgical gauze ~ 0.03-0.2
  Real stretch_compliance_m_per_N = 0;  // 0 = inextensible
  // Per interior edge. Fabric bending rigidity D ~ 1e-6 N m gives an edge of
  // a 1 cm mesh a stiffness ~ D 3 |e|^2 / area ~ 1e-5 N m, so limp gauze is
  // ~1e5; much stiffer values fight the inextensible edges (see docs/sim.md).
  Real bend_compliance_per_N_m = 1e5;
};
TissueModel make_cloth(const ClothSpec& spec);

using ParticleFilter = std::function<bool(const Vec3& rest_position)>;

// Pins every particle whose rest position passes `where` (inverse mass 0) and
// recolours. Returns how many were pinned.
int pin_particles(TissueModel& model, const ParticleFilter& where);

// Attaches every particle whose rest position passes `where` to its rest
// position shifted by `offset` (point), or to the plane through that point
// with unit `normal` (plane), and recolours. Returns how many were attached.
int attach_particles(TissueModel& model, const ParticleFilter& where, Real compliance_m_per_N,
                     const Vec3& offset = Vec3::Zero());
int attach_particles_to_plane(TissueModel& model, const ParticleFilter& where, const Vec3& normal,
                              Real compliance_m_per_N, const Vec3& offset = Vec3::Zero());

// Recomputes what is derived: tet compliances, surface, edges, colouring (and
// sorts every constraint group by colour). The builders and editors call it;
// call it yourself only after editing the arrays directly.
void finish_model(TissueModel& model);

// Removes the constraints whose `drop` flag is set (one flag per constraint),
// from every per-constraint column alike; run finish_model afterwards for
// the colourings (and, after tets are removed, the surface and edges).
void erase_constraints(TetConstraints& tets, const std::vector<bool>& drop);
void erase_constraints(DistanceConstraints& distances, const std::vector<bool>& drop);
void erase_constraints(BendingConstraints& bending, const std::vector<bool>& drop);
void erase_constraints(Attachments& attachments, const std::vector<bool>& drop);

// Total rest volume of the tets (m^3) and total mass (kg).
Real rest_volume(const TissueModel& model);
Real total_mass(const TissueModel& model);

}  // namespace medvision::sim
