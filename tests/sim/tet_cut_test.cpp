// Cutting tetrahedra with scissors: which elements go, what is rebuilt, and
// that a cut across a body leaves two pieces, checked against box counts.

#include "sim/tet_cut.h"

#include <gtest/gtest.h>

#include <map>

#include "modules/laparoscopy/dissection_anatomy.h"
#include "sim/duct_clip.h"
#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

using namespace laparoscopy;  // the task scenes the engine is tested on

constexpr Real kCell = 0.005;

TissueModel block() {  // 10 x 2 x 2 cubes of 5 mm
  return make_tet_block(10, 2, 2, Vec3(10 * kCell, 2 * kCell, 2 * kCell), Material{10e3, 0.45},
                        1000);
}

// Blades closing in the plane x = x0 from 2 cm beside the block (so their
// sector is wider than the block there), opening along Z, long enough to
// cross it all unless `length` says otherwise.
BladeSweep blades_at(Real x0, Real length = 0.05) {
  BladeSweep b;
  b.hinge = Vec3(x0, -0.02, kCell);
  b.along = Vec3::UnitY();
  b.across = Vec3::UnitZ();
  b.half_angle_rad = 0.6;
  b.length_m = length;
  return b;
}

// A closed surface: every directed edge's twin appears exactly once.
bool closed_and_oriented(const TissueModel& m) {
  std::map<std::pair<int, int>, int> directed;
  for (const auto& t : m.surface) {
    for (int k = 0; k < 3; ++k) ++directed[{t[k], t[(k + 1) % 3]}];
  }
  for (const auto& [e, n] : directed) {
    const auto twin = directed.find({e.second, e.first});
    if (n != 1 || twin == directed.end() || twin->second != 1) return false;
  }
  return true;
}

// Closed, though perhaps not manifold: element deletion can leave two tets
// touching along an edge only, whose four faces then share it.
bool closed(const TissueModel& m) {
  std::map<std::pair<int, int>, int> directed;
  for (const auto& t : m.surface) {
    for (int k = 0; k < 3; ++k) ++directed[{t[k], t[(k + 1) % 3]}];
  }
  for (const auto& [e, n] : directed) {
    const auto twin = directed.find({e.second, e.first});
    if (twin == directed.end() || twin->second != n) return false;
  }
  return true;
}

// Surface triangles of a box of n x 2 x 2 cubes: two per square face.
std::size_t box_surface(int n) { return static_cast<std::size_t>(2 * 2 * (n * 2 + n * 2 + 2 * 2)); }

TEST(TetCut, CutAcrossACubeLayerRemovesExactlyThatLayerAndLeavesTwoClosedBoxes) {
  TissueModel m = block();
  TissueState s = initial_state(m);
  const Real mass_before = total_mass(m);
  const TetCut cut = cut_tets(m, s, blades_at(4.5 * kCell));  // through the fifth layer of cubes
  EXPECT_EQ(cut.tets_removed, 5 * 2 * 2);
  EXPECT_EQ(cut.particles_freed, 0);
  EXPECT_NEAR(cut.rest_centre.x(), 4.5 * kCell, 1e-12);
  const auto pieces = tet_pieces(m);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].size() + pieces[1].size(), 5u * 2 * 2 * 9);
  EXPECT_EQ(m.surface.size(), box_surface(4) + box_surface(5));
  EXPECT_TRUE(closed_and_oriented(m));
  // No particle was freed, so the mass stays (the kerf's with its neighbours).
  EXPECT_NEAR(total_mass(m), mass_before, 1e-15);
  EXPECT_EQ(s.lambda_hydrostatic.size(), m.tets.size());
}

TEST(TetCut, CutThroughALayerOfVerticesStillSeparatesThePieces) {
  TissueModel m = block();
  TissueState s = initial_state(m);
  const TetCut cut = cut_tets(m, s, blades_at(5 * kCell));  // exactly on grid points
  EXPECT_GT(cut.tets_removed, 0);
  const auto pieces = tet_pieces(m);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_TRUE(closed_and_oriented(m));
  // Every remaining tet lies wholly on one side.
  for (const auto& v : m.tets.vertices) {
    int below = 0;
    for (std::int32_t p : v) below += s.position[static_cast<std::size_t>(p)].x() < 5 * kCell;
    EXPECT_TRUE(below == 0 || below == 4);
  }
}

TEST(TetCut, BladesThatReachHalfwayNotchButDoNotSever) {
  TissueModel m = block();
  TissueState s = initial_state(m);
  // The hinge is 2 cm beside the block; 26 mm blades reach 6 mm into its 10 mm.
  const TetCut cut = cut_tets(m, s, blades_at(4.5 * kCell, 0.026));
  EXPECT_GT(cut.tets_removed, 0);
  EXPECT_LT(cut.tets_removed, 20);
  EXPECT_EQ(tet_pieces(m).size(), 1u);
  EXPECT_TRUE(closed(m));
}

TEST(TetCut, BladesMissingTheTissueChangeNothing) {
  TissueModel m = block();
  TissueState s = initial_state(m);
  const std::size_t tets = m.tets.size();
  EXPECT_EQ(cut_tets(m, s, blades_at(0.2)).tets_removed, 0);
  EXPECT_EQ(m.tets.size(), tets);
}

TEST(TetCut, CuttingTheDuctBetweenTwoClipsSplitsItAndKeepsTheClipsAndTheOrgan) {
  DissectionAnatomy a = make_dissection_anatomy();
  TissueState s = initial_state(a.model);
  std::vector<bool> duct(a.model.particles()), organ(a.model.particles());
  for (std::size_t i = 0; i < duct.size(); ++i) {
    duct[i] = a.is_duct(static_cast<std::int32_t>(i));
    organ[i] = !duct[i];
  }
  const auto organ_tets = tet_pieces(a.model, organ);
  ASSERT_EQ(organ_tets.size(), 1u);
  ASSERT_EQ(tet_pieces(a.model, duct).size(), 1u);
  Mat3 r;
  r.col(0) = Vec3::UnitZ();
  r.col(1) = Vec3::UnitX();
  r.col(2) = Vec3::UnitY();
  for (Real f : {0.35, 0.65}) {
    Transform jaws;
    jaws.rotation = Quat(r);
    jaws.translation = a.duct_start + f * (a.duct_end - a.duct_start) - Vec3(0, 0.004, 0);
    ASSERT_TRUE(apply_clip(a.model, s, jaws, {}, duct).has_value());
  }
  const std::size_t clip_constraints = a.model.distances.size();
  // Scissors from the side across the duct's middle, blades in the plane x = 0.001.
  BladeSweep b;
  b.hinge = Vec3(0.001, -0.03, 0.002);
  b.along = Vec3::UnitY();
  b.across = Vec3::UnitZ();
  b.half_angle_rad = 0.3;
  b.length_m = 0.0175;  // reaches the duct's far side (y = -12.5 mm), not the organ (y >= -12 mm)
  const TetCut cut = cut_tets(a.model, s, b);
  EXPECT_EQ(cut.tets_removed, 5);  // one 3 mm cube of the duct
  EXPECT_NEAR(fraction_along_duct(a, cut.rest_centre), (0.001 + 0.03) / 0.06, 1e-9);
  EXPECT_EQ(tet_pieces(a.model, duct).size(), 2u);
  EXPECT_EQ(tet_pieces(a.model, organ)[0].size(), organ_tets[0].size());
  EXPECT_EQ(a.model.distances.size(), clip_constraints);
  EXPECT_TRUE(closed_and_oriented(a.model));
}

}  // namespace
}  // namespace medvision::sim
