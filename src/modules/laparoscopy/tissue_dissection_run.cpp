#include "modules/laparoscopy/tissue_dissection_run.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "modules/laparoscopy/laparoscopy_module.h"
#include "sim/geometry.h"

namespace medvision::laparoscopy {

using nlohmann::json;
using sim::Quat;
using sim::Real;
using sim::Transform;
using sim::Vec3;

namespace {

constexpr Real kBedHeight = 0.78;  // m: the box floor, where the anatomy's z = 0 lies

json point(const Vec3& p) { return json::array({p.x(), p.y(), p.z()}); }

// The tets of one structure (organ or duct): a tet's four particles all
// belong to the same one.
std::size_t tets_of(const sim::TissueModel& model, const std::vector<bool>& mine) {
  std::size_t n = 0;
  for (const auto& t : model.tets.vertices) n += mine[static_cast<std::size_t>(t[0])] ? 1 : 0;
  return n;
}

}  // namespace

DissectionTrainer make_dissection_trainer() {
  DissectionTrainer t;
  // The duct runs under the organ's belly, as the cystic duct lies under
  // the gallbladder's neck until it is lifted.
  OrganSpec organ;
  organ.bed_fraction = 0.65;
  DuctSpec duct;
  duct.start.y() = -0.009;
  t.anatomy = make_dissection_anatomy(organ, duct);
  // Anatomy x -> room x, y -> room -z (its bed away from the trainee), z -> room y.
  sim::Mat3 r;
  r.col(0) = Vec3(1, 0, 0);
  r.col(1) = Vec3(0, 0, -1);
  r.col(2) = Vec3(0, 1, 0);
  t.anatomy_to_room.rotation = Quat(r);
  t.anatomy_to_room.translation = Vec3(0, kBedHeight, -0.01);
  t.grasp.radius_m = 0.005;  // a 5 mm grasper's bite, about one element of the organ
  t.solver.substeps = 20;    // see tissue_dissection_run.h
  t.after_cut_substeps = 80;
  t.solver.damping_per_s = 2;  // blood-filled tissue in a fluid bed: some damping
  t.bed.planes.push_back(sim::PlaneCollider{
      Vec3(0, 0, t.anatomy.duct_start.z() - t.anatomy.duct_width_m / 2), Vec3::UnitZ()});

  t.box = make_tissue_box_trainer(kBedHeight, Vec3(0, kBedHeight + 0.02, -0.01),
                                  Vec3(0, kBedHeight, -0.01), sim::InstrumentKind::clip_applier);
  // The laparoscope closer than the box trainer's, about 13 cm from the
  // organ, as a scope is brought in for dissection: the organ fills about
  // half the image's width.
  t.box.scope.position = Vec3(0, 0.90, 0.07);
  t.box.scope.look_at = Vec3(0, kBedHeight + 0.015, -0.01);
  return t;
}

sim::InstrumentKind right_instrument(const DissectionTrainer& trainer,
                                     const DissectionTally& tally) {
  return static_cast<int>(tally.clips.size()) < trainer.clips_loaded
             ? sim::InstrumentKind::clip_applier
             : sim::InstrumentKind::scissors;
}

TissueDissectionRun::TissueDissectionRun(std::shared_ptr<const DissectionTrainer> trainer)
    : trainer_(std::move(trainer)),
      model_(trainer_->anatomy.model),
      tissue_(sim::initial_state(model_)),
      box_(std::shared_ptr<const BoxTrainer>(trainer_, &trainer_->box)),
      solver_(std::make_shared<sim::XpbdSolver>(trainer_->solver)),
      after_cut_solver_(std::make_shared<sim::XpbdSolver>([&] {
        sim::SolverSettings fine = trainer_->solver;
        fine.substeps = trainer_->after_cut_substeps;
        return fine;
      }())) {
  damage_.thresholds = trainer_->damage;
  organ_.resize(model_.particles());
  duct_.resize(model_.particles());
  for (std::size_t i = 0; i < model_.particles(); ++i) {
    duct_[i] = trainer_->anatomy.is_duct(static_cast<std::int32_t>(i));
    organ_[i] = !duct_[i];
  }
  organ_wall_.assign(model_.particles(), false);
  for (const auto& t : model_.surface) {
    for (const std::int32_t v : t)
      organ_wall_[static_cast<std::size_t>(v)] = organ_[static_cast<std::size_t>(v)];
  }
  for (int t = 0; t < 2; ++t) pose_before_[static_cast<std::size_t>(t)] = box_.pose(t);
}

Vec3 TissueDissectionRun::to_anatomy(const Vec3& room) const {
  const Transform& a = trainer_->anatomy_to_room;
  return a.rotation.conjugate() * (room - a.translation);
}

Vec3 TissueDissectionRun::to_room(const Vec3& anatomy) const {
  return trainer_->anatomy_to_room.apply(anatomy);
}

double TissueDissectionRun::along_duct(const Vec3& anatomy_point) const {
  return fraction_along_duct(trainer_->anatomy, anatomy_point);
}

Transform TissueDissectionRun::jaws_in_anatomy(int tool) const {
  const sim::InstrumentPose& p = box_.pose(tool);
  Transform t;
  t.translation = to_anatomy(p.tip);
  t.rotation = (trainer_->anatomy_to_room.rotation.conjugate() * p.orientation).normalized();
  return t;
}

sim::BladeSweep TissueDissectionRun::blades_of(const Transform& jaws) const {
  const sim::InstrumentSpec& spec = trainer_->box.tools[kRight].spec;
  sim::BladeSweep blades;
  blades.hinge = jaws.translation;
  blades.along = jaws.rotation * Vec3::UnitZ();
  blades.across = jaws.rotation * Vec3::UnitX();
  blades.half_angle_rad = spec.max_jaw_angle_rad;
  blades.length_m = spec.jaw_length_m;
  return blades;
}

TrialCut TissueDissectionRun::try_cut(const Vec3& hinge, const Quat& jaws) const {
  Transform in_anatomy;
  in_anatomy.translation = to_anatomy(hinge);
  in_anatomy.rotation = (trainer_->anatomy_to_room.rotation.conjugate() * jaws).normalized();
  sim::TissueModel model = model_;
  sim::TissueState state = tissue_;
  sim::cut_tets(model, state, blades_of(in_anatomy));
  TrialCut trial;
  trial.organ_tets = static_cast<int>(tets_of(model_, organ_) - tets_of(model, organ_));
  trial.duct_tets = static_cast<int>(tets_of(model_, duct_) - tets_of(model, duct_));
  trial.divides = sim::tet_pieces(model, duct_).size() >= 2;
  return trial;
}

// The bed under the duct and both shafts, in the anatomy's frame. The shafts
// stop a grasp's reach short of the jaws' hinge: what the jaws take is theirs.
sim::StepInputs TissueDissectionRun::colliders() const {
  sim::StepInputs in = trainer_->bed;
  const Quat to_anatomy_rotation = trainer_->anatomy_to_room.rotation.conjugate();
  const auto add = [&](sim::CapsuleCollider c) {
    c.a = to_anatomy(c.a);
    c.b = to_anatomy(c.b);
    c.velocity_a = to_anatomy_rotation * c.velocity_a;
    c.velocity_b = to_anatomy_rotation * c.velocity_b;
    in.capsules.push_back(c);
  };
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    add(moving_shaft(pose_before_[i], box_.pose(t), trainer_->box.tools[i].spec.shaft_radius_m,
                     kPhysicsStep_s, trainer_->grasp.radius_m));
  }
  // Closed jaws that took nothing are a rod as thick as the shaft.
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    if (!jaws_solid_[i]) continue;
    const sim::InstrumentSpec& spec = trainer_->box.tools[i].spec;
    add(moving_capsule(pose_before_[i], box_.pose(t), spec.shaft_radius_m, kPhysicsStep_s, 0,
                       spec.jaw_length_m));
  }
  return in;
}

// Jaws that close on nothing become solid until they open; jaws that close
// on tissue (a grasp, a clip, a cut) leave it to what they did.
void TissueDissectionRun::update_solid_jaws() {
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    const sim::InstrumentSpec& spec = trainer_->box.tools[i].spec;
    const double closure = box_.tools()[i].closure;
    if (closure < spec.grasp_closure || (t == kLeft && grasp_.holding())) {
      jaws_solid_[i] = false;
    } else if (closure_before_[i] < spec.grasp_closure) {
      const Transform jaws = jaws_in_anatomy(t);
      const Vec3 a = jaws.translation;
      const Vec3 b = a + spec.jaw_length_m * (jaws.rotation * Vec3::UnitZ());
      const double reach = spec.shaft_radius_m + 0.001;
      bool touching = false;
      for (std::size_t p = 0; p < model_.particles() && !touching; ++p) {
        if (model_.inv_mass[p] == 0 && model_.mass[p] == 0) continue;  // cut free
        const Vec3& x = tissue_.position[p];
        touching = (sim::closest_point_on_segment(x, a, b).point - x).norm() < reach;
      }
      jaws_solid_[i] = !touching;
    }
  }
}

void TissueDissectionRun::drive_grasper(std::vector<TaskEvent>& out, double previous) {
  const sim::InstrumentSpec& spec = trainer_->box.tools[kLeft].spec;
  const double closure = box_.tools()[kLeft].closure;
  const Transform jaws = jaws_in_anatomy(kLeft);
  if (!grasp_.holding() && previous < spec.grasp_closure && closure >= spec.grasp_closure) {
    grasp_ = sim::grasp_tissue(model_, tissue_, jaws, trainer_->grasp, organ_);
    if (grasp_.holding()) {
      tally_.organ_held = true;
      out.push_back(
          {"organ_grasped", json{{"tool", tool_name(kLeft)},
                                 {"particles", grasp_.particles.size()},
                                 {"position", point(box_.pose(kLeft).tip)}}
                                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
  } else if (grasp_.holding() && closure < spec.release_closure) {
    sim::release_tissue_grasp(model_, tissue_, grasp_);
    tally_.organ_held = false;
    out.push_back(
        {"organ_released", json{{"tool", tool_name(kLeft)}}.dump(
                               -1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  if (grasp_.holding()) sim::carry_tissue_grasp(model_, grasp_, jaws);
}

void TissueDissectionRun::drive_right(std::vector<TaskEvent>& out, double previous) {
  const sim::InstrumentSpec& spec = trainer_->box.tools[kRight].spec;
  if (!(previous < spec.grasp_closure && box_.tools()[kRight].closure >= spec.grasp_closure))
    return;
  const Transform jaws = jaws_in_anatomy(kRight);
  if (right_instrument(*trainer_, tally_) == sim::InstrumentKind::clip_applier) {
    const auto clip = sim::apply_clip(model_, tissue_, jaws, trainer_->clip, duct_);
    if (!clip) {
      out.push_back(
          {"clip_missed",
           json{{"tool", tool_name(kRight)}, {"position", point(box_.pose(kRight).tip)}}.dump(
               -1, ' ', false, nlohmann::json::error_handler_t::replace)});
      return;
    }
    const double at = along_duct(clip->rest_centre);
    tally_.clips.push_back(at);
    out.push_back(
        {"clip_applied", json{{"tool", tool_name(kRight)},
                              {"clip", tally_.clips.size()},
                              {"along_duct", at},
                              {"pairs", clip->pinched.size()},
                              {"position", point(to_room(clip->world_centre))}}
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    return;
  }
  const sim::BladeSweep blades = blades_of(jaws);
  const std::size_t organ_tets_before = tets_of(model_, organ_);
  const sim::TetCut cut = sim::cut_tets(model_, tissue_, blades);
  if (cut.tets_removed == 0) {
    out.push_back(
        {"cut_missed",
         json{{"tool", tool_name(kRight)}, {"position", point(box_.pose(kRight).tip)}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace)});
    return;
  }
  ++topology_version_;
  const std::size_t organ_tets_after = tets_of(model_, organ_);
  const double at = along_duct(cut.rest_centre);
  const bool between = tally_.clips.size() >= 2 &&
                       at > std::min(tally_.clips[0], tally_.clips[1]) &&
                       at < std::max(tally_.clips[0], tally_.clips[1]);
  const bool divided = sim::tet_pieces(model_, duct_).size() >= 2;
  if (!tally_.cut_at) {
    tally_.cut_at = at;
    tally_.cut_between_clips = between;
  }
  tally_.duct_divided = tally_.duct_divided || divided;
  out.push_back({"duct_cut", json{{"tool", tool_name(kRight)},
                                  {"along_duct", at},
                                  {"between_clips", between},
                                  {"divided", divided},
                                  {"organ_elements_cut", organ_tets_before - organ_tets_after},
                                  {"position", point(to_room(cut.world_centre))}}
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void TissueDissectionRun::step(std::vector<TaskEvent>& out) {
  std::vector<TaskEvent> rigid;  // the box has no rigid objects: nothing to report
  box_.step(rigid);
  drive_grasper(out, closure_before_[kLeft]);
  drive_right(out, closure_before_[kRight]);
  update_solid_jaws();
  const sim::StepOutputs& o = solver().step(model_, tissue_, kPhysicsStep_s, colliders());
  std::size_t next = trainer_->bed.capsules.size();
  for (int t = 0; t < 2; ++t) {
    shaft_force_[static_cast<std::size_t>(t)] =
        trainer_->anatomy_to_room.rotation * o.capsules[next++].force_N;
  }
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    if (jaws_solid_[i])
      shaft_force_[i] += trainer_->anatomy_to_room.rotation * o.capsules[next++].force_N;
    closure_before_[i] = box_.tools()[i].closure;
    pose_before_[i] = box_.pose(t);
  }
  after_step(out);
}

void TissueDissectionRun::after_step(std::vector<TaskEvent>& out) {
  ++steps_;
  const Real h = kPhysicsStep_s / solver().settings().substeps;
  const Vec3 force = sim::tissue_grasp_force(model_, tissue_, grasp_, h);
  grasp_pull_ = -(trainer_->anatomy_to_room.rotation * force);  // the tissue pulls back
  tally_.organ_force_N = force.norm();
  tally_.max_organ_force_N = std::max(tally_.max_organ_force_N, tally_.organ_force_N);
  const sim::StretchPeak stretch = sim::peak_edge_stretch(model_, tissue_, organ_wall_);
  for (const sim::DamageEvent& e :
       damage_.check(tally_.organ_force_N, box_.pose(kLeft).tip, stretch)) {
    ++tally_.damage_events;
    const Vec3 where = e.cause == sim::DamageCause::stretch ? to_room(e.where) : e.where;
    out.push_back(
        {"tissue_damage", json{{"cause", sim::to_string(e.cause)},
                               {"value", e.value},
                               {"threshold", e.threshold},
                               {"position", point(where)}}
                              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  if (steps_ % kExposureEvery == 0) {
    tally_.exposure =
        duct_exposure(trainer_->anatomy, tissue_, to_anatomy(trainer_->box.scope.position));
    // With some hysteresis: a duct in view stays "exposed" until clearly
    // covered again, rather than flickering as its cut stumps settle.
    const bool now = tally_.exposed ? tally_.exposure >= trainer_->covered_fraction
                                    : tally_.exposure >= trainer_->exposed_fraction;
    if (now != tally_.exposed) {
      tally_.exposed = now;
      out.push_back({now ? "duct_exposed" : "duct_covered",
                     json{{"exposure", tally_.exposure}}.dump(
                         -1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
  }
}

ToolSample TissueDissectionRun::sample(int tool) const {
  ToolSample s = box_.sample(tool);  // the shaft against the (empty) rigid box
  s.holding = tool == kLeft && grasp_.holding();
  const Vec3 shaft = shaft_force_[static_cast<std::size_t>(tool)];
  s.force_N = shaft.norm() + (tool == kLeft ? tally_.organ_force_N : 0.0);
  s.load_N = shaft + (tool == kLeft ? grasp_pull_ : Vec3::Zero());
  return s;
}

std::vector<SceneMesh> TissueDissectionRun::surface_meshes(std::uint32_t first_id) const {
  std::vector<SceneMesh> meshes(2);
  const std::array<const char*, 2> names{"organ", "duct"};
  // Gallbladder green-grey and bile-duct yellow, linear RGB.
  const std::array<std::array<float, 4>, 2> colours{
      {{0.20f, 0.35f, 0.18f, 1}, {0.75f, 0.65f, 0.25f, 1}}};
  Vec3 lo = Vec3::Constant(1e9), hi = Vec3::Constant(-1e9);
  for (const Vec3& p : model_.rest_position) {
    lo = lo.cwiseMin(to_room(p));
    hi = hi.cwiseMax(to_room(p));
  }
  std::vector<std::uint32_t> index(model_.particles());
  for (int k = 0; k < 2; ++k) {
    SceneMesh& m = meshes[static_cast<std::size_t>(k)];
    m.id = first_id + static_cast<std::uint32_t>(k);
    m.name = names[static_cast<std::size_t>(k)];
    m.colour = colours[static_cast<std::size_t>(k)];
    m.topology_version = topology_version_;
    for (int a = 0; a < 3; ++a) {
      m.bounds_min[static_cast<std::size_t>(a)] = static_cast<float>(lo[a] - kMeshMargin_m);
      m.bounds_max[static_cast<std::size_t>(a)] = static_cast<float>(hi[a] + kMeshMargin_m);
    }
    const std::vector<bool>& mine = k == 0 ? organ_ : duct_;
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < model_.particles(); ++i) {
      if (!mine[i]) continue;
      index[i] = n++;
      const Vec3 x = to_room(tissue_.position[i]);
      for (int a = 0; a < 3; ++a) m.positions.push_back(static_cast<float>(x[a]));
    }
    for (const auto& t : model_.surface) {
      if (!mine[static_cast<std::size_t>(t[0])]) continue;
      for (std::int32_t v : t) m.triangles.push_back(index[static_cast<std::size_t>(v)]);
    }
  }
  return meshes;
}

void TissueDissectionRun::move_surface_meshes(std::vector<SceneMesh>& meshes) const {
  for (std::size_t k = 0; k < 2 && k < meshes.size(); ++k) {
    const std::vector<bool>& mine = k == 0 ? organ_ : duct_;
    std::size_t out = 0;
    for (std::size_t i = 0; i < model_.particles(); ++i) {
      if (!mine[i]) continue;
      const Vec3 x = to_room(tissue_.position[i]);
      for (int a = 0; a < 3; ++a) meshes[k].positions[out++] = static_cast<float>(x[a]);
    }
  }
}

std::uint64_t TissueDissectionRun::state_hash() const {
  Fnv1a h;
  h.add(sim::state_hash(tissue_));
  h.add(box_.state_hash());
  h.add(model_.tets.size());
  h.add(model_.attachments.size());
  h.add(model_.distances.size());
  return h.value();
}

}  // namespace medvision::laparoscopy
