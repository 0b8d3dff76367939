#pragma once
// The box trainer set up for the cholecystectomy-like dissection task (issue
// 4, task 3): a gallbladder-like organ fixed to its bed hides a duct; the
// trainee grasps and retracts the organ with the left grasper to expose the
// duct, closes two clips on it with the right instrument and cuts between
// them, without pulling too hard on the organ.
//
// The right instrument is a clip applier loaded with two clips; once both
// are placed it is exchanged for scissors (the exchange itself is not
// simulated). Closing the right jaws places a clip or cuts.
//
// The tissue (sim/dissection_anatomy.h) is simulated in its own frame (+Z
// up, the duct along +X); `anatomy_to_room` places it in the box (room
// coordinates, y up, trainee at +z), its bed away from the trainee and the
// duct under its belly, so the laparoscope above the ports sees the organ
// and, once its front is lifted and folded back, the duct.
//
// The instruments are those of the box trainer (BoxTrainerRun: driven
// through their ports, drawn as the scene's shafts and jaws). Their shafts
// push the tissue (moving capsules in the solver, with friction); their jaws
// act on it as the task says: the grasper holds, the clip applier clips, the
// scissors cut. Jaws that close on nothing are solid (a capsule as thick as
// the shaft) until they open, so a closed instrument pokes and pushes.
//
// One `step` is one 10 ms physics step with 20 substeps. With the
// rotation-invariant deviatoric projection (docs/sim.md, "Stability") the
// anatomy is still at 20; the organ sags 2.8 mm against 2.5 mm at 40
// (time-step bias). About 0.5 s of CPU per simulated second (-O2), so a live
// session keeps up with real time. Once a cut has removed elements the step
// takes 80 substeps: at 20 and at 40 the cut duct's stumps kept moving at
// 1-10 m/s (not traced: neither the clips' stiffness nor the bed's friction
// is the cause), at 80 they come to rest. A cut between the clips ends the
// task, so a live session runs at that cost only when the organ or the duct
// was cut elsewhere (about 1.7 s of CPU per simulated second: slower than
// real time).
// Copyable: copy it to snapshot.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "modules/laparoscopy/box_trainer.h"
#include "modules/laparoscopy/box_trainer_run.h"
#include "modules/laparoscopy/dissection_anatomy.h"
#include "modules/laparoscopy/peg_transfer_task.h"
#include "session/session_module.h"
#include "sim/duct_clip.h"
#include "sim/tet_cut.h"
#include "sim/tissue_damage.h"
#include "sim/tissue_grasp.h"
#include "sim/xpbd_solver.h"

namespace medvision::laparoscopy {

struct DissectionTrainer {
  // Floor, ports, the left grasper, the right clip applier, the laparoscope.
  BoxTrainer box;
  DissectionAnatomy anatomy;
  sim::Transform anatomy_to_room;
  sim::SolverSettings solver;
  int after_cut_substeps = 80;  // once a cut has removed elements (tissue_dissection_run.h)
  sim::StepInputs bed;          // the plane under the duct, anatomy frame
  sim::GraspJaws grasp;
  sim::ClipSpec clip;
  sim::DamageThresholds damage;
  int clips_loaded = 2;
  double exposed_fraction = 0.8;  // of the duct's middle seen by the scope: "exposed"
  double covered_fraction = 0.5;  // ... and, once exposed, "covered" again below this
};

DissectionTrainer make_dissection_trainer();

struct DissectionTally {
  bool organ_held = false;
  bool exposed = false;
  double exposure = 0;           // last measured, 0..1
  std::vector<double> clips;     // positions along the duct, 0 proximal .. 1 distal
  std::optional<double> cut_at;  // where the duct was cut, along it
  bool cut_between_clips = false;
  bool duct_divided = false;  // in two pieces
  int damage_events = 0;
  double organ_force_N = 0;  // what the grasper holds the organ with, now
  double max_organ_force_N = 0;
};

// What the right hand holds: the clip applier until its clips are placed,
// then the scissors (the exchange through the port is not simulated).
sim::InstrumentKind right_instrument(const DissectionTrainer& trainer,
                                     const DissectionTally& tally);

// What closing the scissors would cut now (sim::cut_tets on a copy).
struct TrialCut {
  int duct_tets = 0, organ_tets = 0;  // removed
  bool divides = false;               // the duct left in two pieces
};

class TissueDissectionRun {
 public:
  explicit TissueDissectionRun(std::shared_ptr<const DissectionTrainer> trainer);

  void command(int tool, const HandCommand& hand) { box_.command(tool, hand); }
  void step(std::vector<TaskEvent>& out);

  ToolSample sample(int tool) const;
  const DissectionTrainer& trainer() const { return *trainer_; }
  const BoxTrainerRun& box() const { return box_; }
  const sim::TissueModel& tissue_model() const { return model_; }
  const sim::TissueState& tissue() const { return tissue_; }
  const DissectionTally& tally() const { return tally_; }
  const sim::InstrumentPose& pose(int tool) const { return box_.pose(tool); }
  // A room point in the anatomy's frame, and back.
  sim::Vec3 to_anatomy(const sim::Vec3& room) const;
  sim::Vec3 to_room(const sim::Vec3& anatomy) const;
  std::uint64_t state_hash() const;
  // What the scissors would cut if they closed now with their hinge at
  // `hinge` and jaws oriented `jaws` (room frame; the world is untouched).
  TrialCut try_cut(const sim::Vec3& hinge, const sim::Quat& jaws) const;

  // The organ's and the duct's surfaces for clients (room coordinates), with
  // ids first_id and first_id + 1. Vertices are the structure's particles
  // in index order (fixed for the run); the triangles change, and
  // topology_version with them, only when a cut removes elements. Bounds:
  // the anatomy's rest box grown by kMeshMargin_m.
  std::vector<SceneMesh> surface_meshes(std::uint32_t first_id) const;
  // Moves meshes made by surface_meshes to where the tissue is now, when the
  // topology has not changed since (topology_version()).
  void move_surface_meshes(std::vector<SceneMesh>& meshes) const;
  std::uint32_t topology_version() const { return topology_version_; }
  static constexpr double kMeshMargin_m = 0.08;

  static constexpr int kExposureEvery = 10;  // steps between exposure checks

 private:
  sim::Transform jaws_in_anatomy(int tool) const;
  sim::StepInputs colliders() const;
  sim::BladeSweep blades_of(const sim::Transform& jaws_in_anatomy) const;
  void update_solid_jaws();
  void drive_grasper(std::vector<TaskEvent>& out, double previous_closure);
  void drive_right(std::vector<TaskEvent>& out, double previous_closure);
  void after_step(std::vector<TaskEvent>& out);
  double along_duct(const sim::Vec3& anatomy_point) const;

  std::shared_ptr<const DissectionTrainer> trainer_;
  sim::TissueModel model_;  // grasps, clips and cuts edit it
  sim::TissueState tissue_;
  BoxTrainerRun box_;
  sim::XpbdSolver& solver() const { return topology_version_ > 0 ? *after_cut_solver_ : *solver_; }
  std::shared_ptr<sim::XpbdSolver> solver_;  // stateless between steps apart from scratch
  std::shared_ptr<sim::XpbdSolver> after_cut_solver_;
  std::vector<bool> organ_, duct_;
  std::vector<bool> organ_wall_;                    // the organ's surface particles at rest
  std::array<sim::InstrumentPose, 2> pose_before_;  // at the last step's start
  std::array<double, 2> closure_before_{0, 0};
  std::array<bool, 2> jaws_solid_{false, false};  // closed on nothing: they push tissue
  std::array<sim::Vec3, 2> shaft_force_{sim::Vec3::Zero(), sim::Vec3::Zero()};  // room frame
  sim::Vec3 grasp_pull_ = sim::Vec3::Zero();  // the organ's pull on the grasper, room frame
  sim::TissueGrasp grasp_;
  sim::DamageMonitor damage_;
  DissectionTally tally_;
  std::uint64_t steps_ = 0;
  std::uint32_t topology_version_ = 0;  // cuts that removed elements
};

}  // namespace medvision::laparoscopy
