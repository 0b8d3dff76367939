#include "modules/laparoscopy/pattern_cutting_trainer.h"

#include <cmath>

#include "sim/shapes.h"

namespace medvision::laparoscopy {

using sim::Quat;
using sim::Real;
using sim::Transform;
using sim::Vec3;

namespace {

constexpr Real kFloorY = 0.78;

sim::TissueModel make_gauze(const GauzeSpec& g, const Vec3& centre) {
  sim::ClothSpec spec;
  spec.nx = spec.ny = g.cells;
  spec.size = Vec3(g.side_m, g.side_m, 0);
  spec.areal_density_kg_per_m2 = g.areal_density_kg_per_m2;
  spec.bend_compliance_per_N_m = g.bend_compliance_per_N_m;
  sim::TissueModel m = sim::make_cloth(spec);
  // The sheet's x stays x; its y runs towards -z (away from the trainee), so
  // its counter-clockwise triangles face up.
  for (Vec3& p : m.rest_position) {
    p = Vec3(centre.x() - g.side_m / 2 + p.x(), centre.y(), centre.z() + g.side_m / 2 - p.y());
  }
  // Each clip holds a patch of gauze, not a single particle: one corner
  // particle would carry a quarter of the sheet through its two or three
  // edges, which one XPBD iteration per substep leaves far too stretchy.
  for (const Real sx : {-1.0, 1.0}) {
    for (const Real sz : {-1.0, 1.0}) {
      const Vec3 corner = centre + Vec3(sx * g.side_m / 2, 0, sz * g.side_m / 2);
      const Vec3 inward = Vec3(-sx, 0, -sz).normalized() * g.corner_slack_m;
      sim::attach_particles(
          m, [&](const Vec3& p) { return (p - corner).norm() < g.clip_radius_m; }, 0, inward);
    }
  }
  return m;
}

}  // namespace

Eigen::Vector2d pattern_offset(const CirclePattern& pattern, const Vec3& rest) {
  return {rest.x() - pattern.centre.x(), rest.z() - pattern.centre.z()};
}

PatternCuttingSetup make_pattern_cutting_setup() {
  PatternCuttingSetup s;
  const Vec3 centre(0, s.gauze_spec.height_m, -0.01);
  // Laparoscopic Metzenbaum scissors on the right: curved 15-16 mm blades.
  s.box = make_tissue_box_trainer(kFloorY, Vec3(0, centre.y() - 0.02, centre.z()), centre,
                                  sim::InstrumentKind::scissors);

  s.gauze = make_gauze(s.gauze_spec, centre);
  s.pattern.centre = centre;
  s.solver.substeps = 10;
  s.solver.gravity = Vec3(0, -9.81, 0);
  s.solver.damping_per_s = 1;
  return s;
}

}  // namespace medvision::laparoscopy
