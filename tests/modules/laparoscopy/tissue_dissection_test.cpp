// The dissection task's world driven by scripted hands: retract the organ,
// see the duct, clip it twice, cut between the clips.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/tissue_dissection_run.h"

namespace medvision::laparoscopy {
namespace {

using sim::Quat;
using sim::Vec3;

// A hand that holds the handle so that the tip is at `tip` and the jaws
// close along `closing` (made perpendicular to the shaft).
HandCommand hand_for(const sim::TrocarPort& port, const Vec3& tip, const Vec3& closing,
                     bool trigger) {
  const Vec3 shaft = (tip - port.fulcrum).normalized();
  const Vec3 x = (closing - closing.dot(shaft) * shaft).normalized();
  sim::Mat3 r;
  r.col(0) = x;
  r.col(1) = shaft.cross(x);
  r.col(2) = shaft;
  return HandCommand{handle_for_tip(port, tip), grip_from_handle(Quat(r)), trigger};
}

struct Script {
  std::shared_ptr<const DissectionTrainer> trainer =
      std::make_shared<DissectionTrainer>(make_dissection_trainer());
  TissueDissectionRun run{trainer};
  std::vector<TaskEvent> events;

  void steps(int n) {
    for (int i = 0; i < n; ++i) run.step(events);
  }
  // Moves a tool's tip in a straight line over `seconds`.
  void move(int tool, const Vec3& from, const Vec3& to, const Vec3& closing, bool trigger,
            double seconds) {
    const int n = static_cast<int>(seconds / kPhysicsStep_s);
    const auto& port = trainer->box.ports[static_cast<std::size_t>(tool)];
    for (int i = 1; i <= n; ++i) {
      run.command(tool, hand_for(port, from + (to - from) * i / n, closing, trigger));
      run.step(events);
    }
  }
  Vec3 duct_point(double fraction) const {
    const auto& a = trainer->anatomy;
    return run.to_room(a.duct_start + fraction * (a.duct_end - a.duct_start));
  }
  int count(const std::string& type) const {
    return static_cast<int>(std::count_if(events.begin(), events.end(),
                                          [&](const TaskEvent& e) { return e.type == type; }));
  }
  double duct_speed() const {
    double v = 0;
    const auto& st = run.tissue();
    for (std::size_t i = static_cast<std::size_t>(trainer->anatomy.duct_first);
         i < st.velocity.size(); ++i)
      v = std::max(v, st.velocity[i].norm());
    return v;
  }
  nlohmann::json last(const std::string& type) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->type == type) return nlohmann::json::parse(it->payload_json);
    }
    return {};
  }
};

TEST(TissueDissection, RetractClipTwiceAndCutBetween) {
  Script s;
  const Vec3 up(0, 1, 0);
  s.steps(50);
  EXPECT_LT(s.run.tally().exposure, 0.2);  // the organ hides the duct
  EXPECT_FALSE(s.run.tally().exposed);

  // Left: grasp the organ's front flank from above and fold it up and back
  // towards its bed.
  const Vec3 flank = s.run.to_room(Vec3(0, -0.012, 0.029));
  const Vec3 lifted = s.run.to_room(Vec3(0, -0.006, 0.055));
  s.move(kLeft, s.run.pose(kLeft).tip, flank, Vec3(1, 0, 0), false, 1.0);
  s.move(kLeft, flank, flank, Vec3(1, 0, 0), true, 0.3);
  ASSERT_EQ(s.count("organ_grasped"), 1);
  s.move(kLeft, flank, lifted, Vec3(1, 0, 0), true, 2.0);
  s.steps(50);
  std::printf("exposure retracted %.2f, organ force %.3f N (max %.3f)\n", s.run.tally().exposure,
              s.run.tally().organ_force_N, s.run.tally().max_organ_force_N);
  EXPECT_TRUE(s.run.tally().exposed);
  EXPECT_EQ(s.count("duct_exposed"), 1);
  // Holding the organ up takes more than its weight (~0.5 N) but stays
  // under the 5 N damage threshold.
  EXPECT_GT(s.run.tally().organ_force_N, 0.5);
  EXPECT_LT(s.run.tally().max_organ_force_N, 5.0);
  // This scripted lift stretches the organ just past 30% near its bed (1.305
  // when written): one stretch event, none for force. A gentler lift that
  // still exposes the duct is the planner's job (not written yet).
  EXPECT_LE(s.run.tally().damage_events, 1);
  EXPECT_EQ(s.count("tissue_damage"), s.run.tally().damage_events);

  // Right: two clips across the duct, a third of the way in from each end.
  for (double f : {0.35, 0.65}) {
    const Vec3 at = s.duct_point(f);
    const Vec3 shaft = (at - s.trainer->box.ports[kRight].fulcrum).normalized();
    const Vec3 hinge = at - 0.0045 * shaft;
    const Vec3 closing = shaft.cross(Vec3(1, 0, 0));
    s.move(kRight, s.run.pose(kRight).tip, hinge, closing, false, 1.0);
    s.move(kRight, hinge, hinge, closing, true, 0.3);
    s.move(kRight, hinge, hinge, closing, false, 0.2);
    EXPECT_NEAR(s.last("clip_applied")["along_duct"].get<double>(), f, 0.02);
  }
  ASSERT_EQ(s.count("clip_applied"), 2);
  // Then scissors, between them.
  {
    const Vec3 at = s.duct_point(0.5);
    const Vec3 shaft = (at - s.trainer->box.ports[kRight].fulcrum).normalized();
    const Vec3 hinge = at - 0.008 * shaft;  // the duct mid-blade
    const Vec3 opening = shaft.cross(Vec3(1, 0, 0));
    s.move(kRight, s.run.pose(kRight).tip, hinge, opening, false, 1.0);
    s.move(kRight, hinge, hinge, opening, false, 0.3);
    s.move(kRight, hinge, hinge, opening, true, 0.3);
  }
  ASSERT_EQ(s.count("duct_cut"), 1);
  const auto cut = s.last("duct_cut");
  EXPECT_NEAR(cut["along_duct"].get<double>(), 0.5, 0.03);
  EXPECT_TRUE(cut["between_clips"].get<bool>());
  EXPECT_TRUE(cut["divided"].get<bool>());
  EXPECT_EQ(cut["organ_elements_cut"].get<int>(), 0);
  EXPECT_TRUE(s.run.tally().duct_divided);
  const auto meshes = s.run.surface_meshes(1);
  EXPECT_EQ(meshes[1].topology_version, 1u);  // clients re-read the triangles
  // One of the 30 cubes is gone: two closed prisms of 29 cubes in all, four
  // sides of two triangles per cube and two ends of two triangles each.
  EXPECT_EQ(meshes[1].triangles.size() / 3, 4u * 2 * 29 + 2 * 2 * 2);
  // The scissors come out; the two stumps come to rest, held by their ends and clips.
  {
    const Vec3 tip = s.run.pose(kRight).tip;
    const Vec3 back = tip - 0.03 * (tip - s.trainer->box.ports[kRight].fulcrum).normalized();
    s.move(kRight, tip, back, Vec3(1, 0, 0), false, 0.5);
  }
  s.steps(200);
  EXPECT_LT(s.duct_speed(), 1e-3);
  for (const auto& e : s.events) std::printf("%s %s\n", e.type.c_str(), e.payload_json.c_str());
}

TEST(TissueDissection, YankingTheOrganAndCuttingOutsideTheClipsAreReported) {
  Script s;
  const Vec3 flank = s.run.to_room(Vec3(0, -0.012, 0.029));
  s.move(kLeft, s.run.pose(kLeft).tip, flank, Vec3(1, 0, 0), false, 0.5);
  s.move(kLeft, flank, flank, Vec3(1, 0, 0), true, 0.3);
  ASSERT_EQ(s.count("organ_grasped"), 1);
  // A 6 cm yank in 0.2 s.
  s.move(kLeft, flank, flank + Vec3(0, 0.06, -0.02), Vec3(1, 0, 0), true, 0.2);
  s.steps(10);
  EXPECT_GT(s.run.tally().max_organ_force_N, s.trainer->damage.grasp_force_N);
  bool force_event = false;
  for (const auto& e : s.events) {
    if (e.type == "tissue_damage" &&
        nlohmann::json::parse(e.payload_json)["cause"] == "grasp_force")
      force_event = true;
  }
  EXPECT_TRUE(force_event);
  // Clips close together near one end, then a cut beyond them.
  for (double f : {0.30, 0.40}) {
    const Vec3 at = s.duct_point(f);
    const Vec3 shaft = (at - s.trainer->box.ports[kRight].fulcrum).normalized();
    const Vec3 hinge = at - 0.0045 * shaft;
    const Vec3 closing = shaft.cross(Vec3(1, 0, 0));
    s.move(kRight, s.run.pose(kRight).tip, hinge, closing, false, 0.5);
    s.move(kRight, hinge, hinge, closing, true, 0.2);
    s.move(kRight, hinge, hinge, closing, false, 0.2);
  }
  ASSERT_EQ(s.count("clip_applied"), 2);
  const Vec3 at = s.duct_point(0.7);
  const Vec3 shaft = (at - s.trainer->box.ports[kRight].fulcrum).normalized();
  const Vec3 hinge = at - 0.008 * shaft;
  const Vec3 opening = shaft.cross(Vec3(1, 0, 0));
  s.move(kRight, s.run.pose(kRight).tip, hinge, opening, false, 0.5);
  s.move(kRight, hinge, hinge, opening, true, 0.2);
  ASSERT_EQ(s.count("duct_cut"), 1);
  EXPECT_FALSE(s.last("duct_cut")["between_clips"].get<bool>());
  EXPECT_FALSE(s.run.tally().cut_between_clips);
}

// The grasper pokes the organ's top 4 mm deep with the tips of its jaws.
double poke(bool closed, int& grasps) {
  Script s;
  s.steps(50);
  const auto& port = s.trainer->box.ports[kLeft];
  const double jaw = s.trainer->box.tools[kLeft].spec.jaw_length_m;
  const Vec3 top = s.run.to_room(Vec3(0, 0, 0.034));
  const Vec3 d = (top - port.fulcrum).normalized();
  const Vec3 above = top - (jaw + 0.01) * d, into = top + 0.004 * d - jaw * d;
  s.move(kLeft, s.run.pose(kLeft).tip, above, Vec3(1, 0, 0), false, 0.8);
  s.move(kLeft, above, above, Vec3(1, 0, 0), closed, 0.3);
  s.move(kLeft, above, into, Vec3(1, 0, 0), closed, 0.5);
  s.steps(20);
  grasps = s.count("organ_grasped");
  return s.run.sample(kLeft).force_N;
}

TEST(TissueDissection, JawsClosedOnNothingPokeTheOrganAndOpenOnesDoNot) {
  int grasps = 0;
  const double closed = poke(true, grasps);
  EXPECT_EQ(grasps, 0) << "jaws closed in the air hold nothing";
  const double open = poke(false, grasps);
  std::printf("poking 4 mm deep: closed jaws %.3f N, open jaws %.3f N\n", closed, open);
  // Hertz's sphere on a half-space, (4/3) E/(1 - nu^2) sqrt(R) d^1.5, gives
  // 0.21 N for the rod's 2.5 mm round end 4 mm into 10 kPa tissue. The top
  // sags a few millimetres under gravity before the poke (it is measured
  // from the rest shape) and the 6 mm tets are coarser than the rod, so this
  // asks for a clear push of that order, no more.
  EXPECT_GT(closed, 0.05);
  EXPECT_LT(closed, 1.0);
  // Open jaws straddle what they meet: only the shaft behind them pushes,
  // and here it stays clear of the organ.
  EXPECT_LT(open, 0.01);
}

TEST(TissueDissection, SurfaceMeshesFollowTheTissueAndChangeTopologyOnlyWhenCut) {
  Script s;
  s.steps(5);
  const auto meshes = s.run.surface_meshes(100);
  ASSERT_EQ(meshes.size(), 2u);
  EXPECT_EQ(meshes[0].name, "organ");
  EXPECT_EQ(meshes[1].id, 101u);
  const auto& model = s.run.tissue_model();
  const auto duct_first = static_cast<std::size_t>(s.trainer->anatomy.duct_first);
  EXPECT_EQ(meshes[0].positions.size(), 3 * duct_first);
  EXPECT_EQ(meshes[1].positions.size(), 3 * (model.particles() - duct_first));
  EXPECT_EQ((meshes[0].triangles.size() + meshes[1].triangles.size()) / 3, model.surface.size());
  // A duct vertex is its particle's position in the room, inside the bounds.
  const Vec3 room = s.run.to_room(s.run.tissue().position[duct_first]);
  for (int a = 0; a < 3; ++a) {
    EXPECT_FLOAT_EQ(meshes[1].positions[static_cast<std::size_t>(a)], static_cast<float>(room[a]));
    EXPECT_GT(room[a], meshes[1].bounds_min[static_cast<std::size_t>(a)]);
    EXPECT_LT(room[a], meshes[1].bounds_max[static_cast<std::size_t>(a)]);
  }
  EXPECT_EQ(meshes[0].topology_version, 0u);
  // Between cuts, moving the meshes gives what building them anew gives.
  auto moved = meshes;
  s.steps(5);
  s.run.move_surface_meshes(moved);
  const auto fresh = s.run.surface_meshes(100);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(moved[k].positions, fresh[k].positions);
    EXPECT_EQ(moved[k].triangles, fresh[k].triangles);
  }
  EXPECT_NE(moved[0].positions, meshes[0].positions) << "the organ settles under gravity";
}

}  // namespace
}  // namespace medvision::laparoscopy
