// TissueModel builders: the tet block and the gauze sheet have the geometry,
// masses, surface and constraint colouring the solver relies on.

#include "sim/tissue_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "sim/constraint_colouring.h"

namespace medvision::sim {
namespace {

const Material kLiver{10e3, 0.45};

template <std::size_t N>
std::vector<std::int32_t> flat(const std::vector<std::array<std::int32_t, N>>& items) {
  std::vector<std::int32_t> out;
  for (const auto& item : items) out.insert(out.end(), item.begin(), item.end());
  return out;
}

Real signed_volume(const TissueModel& m, std::size_t t) {
  const auto& v = m.tets.vertices[t];
  auto x = [&](int k) { return m.rest_position[v[k]]; };
  return (x(1) - x(0)).cross(x(2) - x(0)).dot(x(3) - x(0)) / 6.0;
}

TEST(TetBlock, FillsTheBoxWithPositivelyOrientedTetrahedra) {
  for (CubeSplit split : {CubeSplit::five, CubeSplit::six}) {
    const TissueModel m = make_tet_block(3, 2, 4, Vec3(0.03, 0.02, 0.05), kLiver, 1000, split);
    const std::size_t per_cube = split == CubeSplit::five ? 5 : 6;
    ASSERT_EQ(m.tets.size(), 3u * 2u * 4u * per_cube);
    EXPECT_EQ(m.particles(), 4u * 3u * 5u);
    for (std::size_t t = 0; t < m.tets.size(); ++t) {
      EXPECT_GT(signed_volume(m, t), 0) << "tet " << t;
      EXPECT_NEAR(signed_volume(m, t), m.tets.rest_volume[t], 1e-18);
    }
    EXPECT_NEAR(rest_volume(m), 0.03 * 0.02 * 0.05, 1e-15);
  }
}

TEST(TetBlock, LumpsItsMassFromTheDensity) {
  const TissueModel m = make_tet_block(3, 3, 3, Vec3(0.03, 0.03, 0.03), kLiver, 1060);
  EXPECT_NEAR(total_mass(m), 1060 * 0.03 * 0.03 * 0.03, 1e-12);
  for (std::size_t i = 0; i < m.particles(); ++i) {
    EXPECT_GT(m.mass[i], 0);
    EXPECT_DOUBLE_EQ(m.inv_mass[i], 1 / m.mass[i]);
  }
}

TEST(TetBlock, StoresTheLameParametersOfItsMaterial) {
  EXPECT_NEAR(kLiver.lame_mu_Pa(), 10e3 / 2.9, 1e-9);
  EXPECT_NEAR(kLiver.lame_lambda_Pa(), 10e3 * 0.45 / (1.45 * 0.1), 1e-9);
  const TissueModel m = make_tet_block(1, 1, 1, Vec3(0.01, 0.01, 0.01), kLiver, 1000);
  for (std::size_t t = 0; t < m.tets.size(); ++t) {
    EXPECT_DOUBLE_EQ(m.tets.mu[t], kLiver.lame_mu_Pa());
    EXPECT_DOUBLE_EQ(m.tets.lambda[t], kLiver.lame_lambda_Pa());
  }
}

TEST(TetBlock, SurfaceIsClosedAndFacesOutward) {
  const Vec3 size(0.04, 0.03, 0.02);
  const TissueModel m = make_tet_block(4, 3, 2, size, kLiver, 1000);
  EXPECT_EQ(m.surface.size(), 4u * (4 * 3 + 3 * 2 + 2 * 4));  // two triangles per cube face
  // Closed and consistently wound: every directed edge is matched by its reverse.
  std::map<std::pair<std::int32_t, std::int32_t>, int> directed;
  for (const auto& f : m.surface) {
    for (int k = 0; k < 3; ++k) ++directed[{f[k], f[(k + 1) % 3]}];
  }
  for (const auto& [edge, count] : directed) {
    EXPECT_EQ(count, 1);
    EXPECT_EQ(directed.count({edge.second, edge.first}), 1u);
  }
  // Outward: the divergence theorem gives +volume only for outward normals.
  Real volume = 0;
  for (const auto& f : m.surface) {
    const Vec3& a = m.rest_position[f[0]];
    const Vec3& b = m.rest_position[f[1]];
    const Vec3& c = m.rest_position[f[2]];
    volume += a.dot(b.cross(c)) / 6.0;
  }
  EXPECT_NEAR(volume, size.prod(), 1e-15);
}

TEST(TetBlock, ColouringKeepsConstraintsThatShareAMovableParticleApart) {
  TissueModel m = make_tet_block(5, 4, 3, Vec3(0.05, 0.04, 0.03), kLiver, 1000);
  EXPECT_TRUE(colouring_is_valid(flat(m.tets.vertices), 4, m.tets.colouring, m.inv_mass));
  EXPECT_EQ(static_cast<std::size_t>(m.tets.colouring.offsets.back()), m.tets.size());
  EXPECT_LE(m.tets.colouring.colours(), 40);
  const int before = m.tets.colouring.colours();

  // Sharing a pinned particle is no conflict: pinning never adds colours.
  EXPECT_EQ(pin_particles(m, [](const Vec3& p) { return p.z() == 0; }), 6 * 5);
  EXPECT_TRUE(colouring_is_valid(flat(m.tets.vertices), 4, m.tets.colouring, m.inv_mass));
  EXPECT_LE(m.tets.colouring.colours(), before);
  // Sorting by colour kept each tet's data together.
  for (std::size_t t = 0; t < m.tets.size(); ++t)
    EXPECT_NEAR(signed_volume(m, t), m.tets.rest_volume[t], 1e-18);
}

TEST(TetBlock, AttachmentsHoldParticlesAtTheirRestPositionPlusAnOffset) {
  TissueModel m = make_tet_block(2, 2, 2, Vec3(0.02, 0.02, 0.02), kLiver, 1000);
  const Vec3 offset(0, 0, 0.001);
  EXPECT_EQ(attach_particles(
                m, [](const Vec3& p) { return p.x() == 0; }, 1e-3, offset),
            9);
  EXPECT_EQ(attach_particles_to_plane(
                m, [](const Vec3& p) { return p.x() > 0.019; }, Vec3(2, 0, 0), 0),
            9);
  ASSERT_EQ(m.attachments.size(), 18u);
  for (std::size_t a = 0; a < m.attachments.size(); ++a) {
    const Vec3& rest = m.rest_position[m.attachments.particle[a]];
    if (m.attachments.kind[a] == AttachmentKind::point) {
      EXPECT_EQ(m.attachments.target[a], rest + offset);
      EXPECT_EQ(m.attachments.compliance[a], 1e-3);
    } else {
      EXPECT_EQ(m.attachments.target[a], rest);
      EXPECT_EQ(m.attachments.normal[a], Vec3::UnitX());  // normalised
    }
  }
  EXPECT_TRUE(colouring_is_valid(m.attachments.particle, 1, m.attachments.colouring, m.inv_mass));
}

TEST(Cloth, HasADistanceOnEveryEdgeAndABendOnEveryInteriorEdge) {
  ClothSpec spec;
  spec.nx = 6;
  spec.ny = 4;
  spec.size = Vec3(0.12, 0.08, 0);
  spec.areal_density_kg_per_m2 = 0.05;
  const TissueModel m = make_cloth(spec);
  const std::size_t edges = 7 * 4 + 5 * 6 + 6 * 4;  // horizontal, vertical, one diagonal per quad
  const std::size_t boundary = 2 * 6 + 2 * 4;
  EXPECT_EQ(m.particles(), 7u * 5u);
  EXPECT_EQ(m.surface.size(), 2u * 6u * 4u);
  EXPECT_EQ(m.distances.size(), edges);
  EXPECT_EQ(m.bending.size(), edges - boundary);
  EXPECT_NEAR(total_mass(m), 0.05 * 0.12 * 0.08, 1e-15);
  for (Real angle : m.bending.rest_angle) EXPECT_EQ(angle, 0);
  for (const auto& f : m.surface) {  // counter-clockwise seen from +z
    const Vec3 n = (m.rest_position[f[1]] - m.rest_position[f[0]])
                       .cross(m.rest_position[f[2]] - m.rest_position[f[0]]);
    EXPECT_GT(n.z(), 0);
  }
  EXPECT_TRUE(
      colouring_is_valid(flat(m.distances.particles), 2, m.distances.colouring, m.inv_mass));
  EXPECT_TRUE(colouring_is_valid(flat(m.bending.particles), 4, m.bending.colouring, m.inv_mass));
}

}  // namespace
}  // namespace medvision::sim
