#pragma once
// The pattern-cutting box trainer in motion: the two instruments driven
// through their ports (BoxTrainerRun), the gauze (XPBD sheet) pushed by
// their shafts, held by the grasper's jaws and cut by the scissors' blades,
// and what the task makes of it. One `step` is one 10 ms physics step.
//
// The scissors cut when their jaws shut: the sector the blades swept, as
// wide as they were open when the closing began (sim/sheet_cut.h). Each cut
// is an event with its line in the gauze's frame, how far it strayed from
// the marked circle and the area it cut outside the band around the line.
// When the piece inside the circle hangs by nothing but the grasper, the
// circle is free.

#include <cstdint>
#include <memory>
#include <vector>

#include "modules/laparoscopy/box_trainer_run.h"
#include "modules/laparoscopy/pattern_cutting_trainer.h"
#include "session/session_module.h"
#include "sim/sheet_cut.h"
#include "sim/sheet_grip.h"
#include "sim/tissue_state.h"
#include "sim/xpbd_solver.h"

namespace medvision::laparoscopy {

// How one cut's line (rest coordinates) lies against the pattern.
struct CutDeviation {
  double length_m = 0;
  double max_deviation_m = 0;  // farthest from the marked line
  double outside_band_m2 = 0;  // integral of the distance beyond the band along the line
};
CutDeviation cut_deviation(const CirclePattern& pattern,
                           const std::vector<std::array<sim::Vec3, 2>>& rest_segments);

struct PatternCuttingTally {
  int cuts = 0;                // snips that cut the gauze
  double outside_band_m2 = 0;  // summed over the cuts
  bool circle_freed = false;
  bool gauze_held = false;
};

class PatternCuttingRun {
 public:
  PatternCuttingRun();

  void command(int tool, const HandCommand& hand) { box_.command(tool, hand); }
  void step(std::vector<TaskEvent>& out);

  ToolSample sample(int tool) const;
  const BoxTrainerRun& box() const { return box_; }
  const PatternCuttingSetup& setup() const { return *setup_; }
  const sim::TissueModel& gauze() const { return gauze_; }
  const sim::TissueState& gauze_state() const { return state_; }
  const PatternCuttingTally& tally() const { return tally_; }
  const SceneMesh& mesh() const { return mesh_; }
  std::uint64_t state_hash() const;

  // The room position of a point of the gauze given by its rest position
  // (interpolated in the remaining triangle that holds it, or the nearest).
  sim::Vec3 where_is(const sim::Vec3& rest) const;
  // Whether a remaining triangle holds that rest point (it has not been cut away).
  bool on_gauze(const sim::Vec3& rest) const;

  static constexpr std::uint32_t kGauzeMeshId = 1000;

 private:
  void grasp(std::vector<TaskEvent>& out);
  void snip(std::vector<TaskEvent>& out);
  void find_freed_pieces(std::vector<TaskEvent>& out);
  sim::StepInputs colliders() const;
  void update_mesh(bool topology);

  std::shared_ptr<const PatternCuttingSetup> setup_;
  BoxTrainerRun box_;
  sim::TissueModel gauze_;
  sim::TissueState state_;
  std::unique_ptr<sim::XpbdSolver> solver_;
  sim::SheetGrip grip_;
  std::array<double, 2> closure_before_{0, 0};
  double scissors_widest_ = 0;  // the scissors' opening (1 - closure) since they last shut
  std::array<sim::InstrumentPose, 2> pose_before_;  // at the last step's start
  std::array<sim::Vec3, 2> shaft_force_{sim::Vec3::Zero(), sim::Vec3::Zero()};
  sim::Vec3 grip_force_ = sim::Vec3::Zero();
  std::vector<sim::Vec3> loose_pieces_;  // rest centroids of the pieces reported loose
  PatternCuttingTally tally_;
  SceneMesh mesh_;
};

}  // namespace medvision::laparoscopy
