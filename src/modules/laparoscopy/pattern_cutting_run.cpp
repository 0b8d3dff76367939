#include "modules/laparoscopy/pattern_cutting_run.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <optional>

#include "core/hash.h"
#include "modules/laparoscopy/laparoscopy_module.h"

namespace medvision::laparoscopy {

using nlohmann::json;
using sim::Real;
using sim::Vec3;

namespace {

constexpr double kGripRadius_m = 0.003;  // what the grasper's jaws close on around their line
// A cut that reaches this many band half-widths off the line has left it.
constexpr double kStrayedBands = 2;
constexpr double kLooseWithin_m =
    1e-3;  // a loose piece already reported, if its centroid is this close

double mm(double m) { return std::round(m * 1e4) / 10; }  // 0.1 mm

json uv_mm(const Eigen::Vector2d& v) { return json::array({mm(v.x()), mm(v.y())}); }

sim::Transform jaw_frame(const sim::InstrumentPose& p) { return {p.tip, p.orientation}; }

}  // namespace

CutDeviation cut_deviation(const CirclePattern& pattern,
                           const std::vector<std::array<Vec3, 2>>& rest_segments) {
  // Midpoint rule on eight pieces per segment: segments are at most a
  // triangle (2.5 mm) long, so this is exact to well under 0.01 mm^2.
  constexpr int kPieces = 8;
  CutDeviation d;
  for (const auto& s : rest_segments) {
    const Eigen::Vector2d a = pattern_offset(pattern, s[0]), b = pattern_offset(pattern, s[1]);
    const double length = (b - a).norm();
    d.length_m += length;
    for (int k = 0; k < kPieces; ++k) {
      const Eigen::Vector2d p = a + (k + 0.5) / kPieces * (b - a);
      const double off = std::abs(p.norm() - pattern.radius_m);
      d.max_deviation_m = std::max(d.max_deviation_m, off);
      d.outside_band_m2 += std::max(0.0, off - pattern.band_half_width_m) * length / kPieces;
    }
    for (const auto& e : {a, b})
      d.max_deviation_m = std::max(d.max_deviation_m, std::abs(e.norm() - pattern.radius_m));
  }
  return d;
}

PatternCuttingRun::PatternCuttingRun()
    : setup_(std::make_shared<const PatternCuttingSetup>(make_pattern_cutting_setup())),
      box_(std::shared_ptr<const BoxTrainer>(setup_, &setup_->box)),
      gauze_(setup_->gauze),
      state_(sim::initial_state(gauze_)),
      solver_(std::make_unique<sim::XpbdSolver>(setup_->solver)) {
  for (int t = 0; t < 2; ++t) pose_before_[static_cast<std::size_t>(t)] = box_.pose(t);
  mesh_.id = kGauzeMeshId;
  mesh_.name = "gauze";
  mesh_.colour = {0.93f, 0.93f, 0.90f, 1.0f};
  const Vec3& c = setup_->pattern.centre;
  const double half = setup_->gauze_spec.side_m;
  mesh_.bounds_min = {static_cast<float>(c.x() - half),
                      static_cast<float>(setup_->box.floor_y - 0.01),
                      static_cast<float>(c.z() - half)};
  mesh_.bounds_max = {static_cast<float>(c.x() + half), static_cast<float>(c.y() + half),
                      static_cast<float>(c.z() + half)};
  update_mesh(true);
}

sim::StepInputs PatternCuttingRun::colliders() const {
  sim::StepInputs in;
  sim::PlaneCollider floor;
  floor.point = Vec3(0, setup_->box.floor_y, 0);
  floor.normal = Vec3::UnitY();
  in.planes.push_back(floor);
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    in.capsules.push_back(moving_shaft(pose_before_[i], box_.pose(t),
                                       setup_->box.tools[i].spec.shaft_radius_m, kPhysicsStep_s));
  }
  return in;
}

void PatternCuttingRun::step(std::vector<TaskEvent>& out) {
  std::vector<TaskEvent> rigid;  // the box trainer has no objects: nothing to report
  box_.step(rigid);
  grasp(out);
  snip(out);
  for (int t = 0; t < 2; ++t)
    closure_before_[static_cast<std::size_t>(t)] =
        box_.tools()[static_cast<std::size_t>(t)].closure;
  if (grip_.holding()) sim::carry_grip(grip_, state_, jaw_frame(box_.pose(kLeft)));
  const sim::StepOutputs& o = solver_->step(gauze_, state_, kPhysicsStep_s, colliders());
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    shaft_force_[i] = o.capsules[i].force_N;
    pose_before_[i] = box_.pose(t);
  }
  const Real h = kPhysicsStep_s / std::max(1, setup_->solver.substeps);
  grip_force_ = sim::grip_load(gauze_, state_, grip_, h);
  update_mesh(false);
}

void PatternCuttingRun::grasp(std::vector<TaskEvent>& out) {
  const sim::InstrumentSpec& spec = setup_->box.tools[kLeft].spec;
  const double before = closure_before_[kLeft], now = box_.tools()[kLeft].closure;
  if (!grip_.holding() && before < spec.grasp_closure && now >= spec.grasp_closure) {
    grip_ = sim::grip_sheet(gauze_, state_, jaw_frame(box_.pose(kLeft)), spec.jaw_length_m,
                            kGripRadius_m);
    if (grip_.holding()) {
      tally_.gauze_held = true;
      out.push_back(
          {"gauze_grasped", json{{"tool", "left"}, {"particles", grip_.particles.size()}}.dump(
                                -1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
  } else if (grip_.holding() && now < spec.release_closure) {
    sim::release_grip(gauze_, grip_);
    tally_.gauze_held = false;
    out.push_back(
        {"gauze_released",
         json{{"tool", "left"}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
}

void PatternCuttingRun::snip(std::vector<TaskEvent>& out) {
  const sim::InstrumentSpec& spec = setup_->box.tools[kRight].spec;
  const double before = closure_before_[kRight], now = box_.tools()[kRight].closure;
  scissors_widest_ = std::max(scissors_widest_, 1 - now);
  if (!(before < 1 && now >= 1)) return;
  const auto& pose = box_.pose(kRight);
  sim::BladeSector blades;
  blades.hinge = pose.tip;
  blades.along = pose.orientation * Vec3::UnitZ();
  blades.across = pose.orientation * Vec3::UnitX();
  blades.half_angle_rad = spec.max_jaw_angle_rad * scissors_widest_;
  blades.length_m = spec.jaw_length_m;
  scissors_widest_ = 0;
  if (blades.half_angle_rad <= 0) return;
  const sim::SheetCut cut = sim::cut_sheet(gauze_, state_, blades);
  if (cut.triangles_removed == 0) return;
  // A cut inside the grasper's hold frees some of its particles: it keeps the rest.
  if (grip_.holding()) {
    sim::SheetGrip kept;
    for (std::size_t k = 0; k < grip_.particles.size(); ++k) {
      if (gauze_.mass[static_cast<std::size_t>(grip_.particles[k])] == 0) continue;
      kept.particles.push_back(grip_.particles[k]);
      kept.local.push_back(grip_.local[k]);
    }
    grip_ = std::move(kept);
    tally_.gauze_held = grip_.holding();
  }
  ++tally_.cuts;
  const CutDeviation d = cut_deviation(setup_->pattern, cut.rest_segments);
  tally_.outside_band_m2 += d.outside_band_m2;
  // The cut line's two ends: the pair of segment ends farthest apart.
  Eigen::Vector2d from = Eigen::Vector2d::Zero(), to = from;
  double widest = -1;
  std::vector<Eigen::Vector2d> ends;
  for (const auto& s : cut.rest_segments)
    for (const Vec3& p : s) ends.push_back(pattern_offset(setup_->pattern, p));
  for (const auto& a : ends) {
    for (const auto& b : ends) {
      if ((b - a).norm() > widest) widest = (b - a).norm(), from = a, to = b;
    }
  }
  out.push_back({"cut", json{{"tool", "right"},
                             {"triangles", cut.triangles_removed},
                             {"from_mm", uv_mm(from)},
                             {"to_mm", uv_mm(to)},
                             {"length_mm", mm(d.length_m)},
                             {"max_deviation_mm", mm(d.max_deviation_m)},
                             {"strayed", d.max_deviation_m >
                                             kStrayedBands * setup_->pattern.band_half_width_m},
                             {"outside_band_mm2", std::round(d.outside_band_m2 * 1e8) / 100}}
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  update_mesh(true);
  find_freed_pieces(out);
}

void PatternCuttingRun::find_freed_pieces(std::vector<TaskEvent>& out) {
  std::vector<bool> anchored(gauze_.particles(), false);
  for (std::int32_t p : gauze_.attachments.particle) anchored[static_cast<std::size_t>(p)] = true;
  for (const auto& piece : sim::sheet_pieces(gauze_)) {
    bool held_by_clip = false;
    Vec3 centroid = Vec3::Zero();
    double area = 0;
    for (std::int32_t t : piece) {
      const auto& tri = gauze_.surface[static_cast<std::size_t>(t)];
      const double a = sim::rest_area(gauze_, {t});
      for (std::int32_t p : tri) {
        held_by_clip |= anchored[static_cast<std::size_t>(p)];
        centroid += a / 3 * gauze_.rest_position[static_cast<std::size_t>(p)];
      }
      area += a;
    }
    if (held_by_clip || area <= 0) continue;
    centroid /= area;
    const bool known = std::any_of(loose_pieces_.begin(), loose_pieces_.end(), [&](const Vec3& c) {
      return (c - centroid).norm() < kLooseWithin_m;
    });
    if (known) continue;
    loose_pieces_.push_back(centroid);
    const CirclePattern& pattern = setup_->pattern;
    const bool circle =
        !tally_.circle_freed && pattern_offset(pattern, centroid).norm() < pattern.radius_m / 2;
    const double circle_area = std::numbers::pi * pattern.radius_m * pattern.radius_m;
    if (circle) {
      tally_.circle_freed = true;
      out.push_back(
          {"circle_freed",
           json{{"area_mm2", std::round(area * 1e7) / 10},
                {"circle_area_mm2", std::round(circle_area * 1e7) / 10},
                {"outside_band_mm2", std::round(tally_.outside_band_m2 * 1e8) / 100},
                {"deviation_pct", std::round(1e4 * tally_.outside_band_m2 / circle_area) / 100},
                {"cuts", tally_.cuts}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    } else {
      out.push_back(
          {"piece_cut_off", json{{"area_mm2", std::round(area * 1e7) / 10},
                                 {"centre_mm", uv_mm(pattern_offset(pattern, centroid))}}
                                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
  }
}

ToolSample PatternCuttingRun::sample(int tool) const {
  ToolSample s = box_.sample(tool);
  Vec3 f = shaft_force_[static_cast<std::size_t>(tool)];
  if (tool == kLeft) {
    f += grip_force_;
    s.holding = grip_.holding();
  }
  s.force_N = f.norm();
  return s;
}

namespace {

// The remaining triangle holding a rest point, with its barycentric
// coordinates in the level rest plane (x, z).
std::optional<std::pair<std::array<std::int32_t, 3>, Eigen::Vector2d>> holding_triangle(
    const sim::TissueModel& gauze, const Vec3& rest) {
  const auto& x0 = gauze.rest_position;
  const Eigen::Vector2d p(rest.x(), rest.z());
  for (const auto& t : gauze.surface) {
    const Eigen::Vector2d a(x0[t[0]].x(), x0[t[0]].z()), b(x0[t[1]].x(), x0[t[1]].z()),
        c(x0[t[2]].x(), x0[t[2]].z());
    Eigen::Matrix2d m;
    m.col(0) = b - a;
    m.col(1) = c - a;
    const Eigen::Vector2d w = m.inverse() * (p - a);
    if (w.x() >= 0 && w.y() >= 0 && w.x() + w.y() <= 1) return std::make_pair(t, w);
  }
  return std::nullopt;
}

}  // namespace

bool PatternCuttingRun::on_gauze(const Vec3& rest) const {
  return holding_triangle(gauze_, rest).has_value();
}

Vec3 PatternCuttingRun::where_is(const Vec3& rest) const {
  const auto& x0 = gauze_.rest_position;
  if (const auto held = holding_triangle(gauze_, rest)) {
    const auto& [t, w] = *held;
    return (1 - w.x() - w.y()) * state_.position[t[0]] + w.x() * state_.position[t[1]] +
           w.y() * state_.position[t[2]];
  }
  // Cut away (in a kerf): the middle of the gap, weighing the gauze around
  // it by closeness at rest.
  constexpr double kAround_m = 0.005;
  std::vector<bool> used(gauze_.particles(), false);
  for (const auto& t : gauze_.surface)
    for (std::int32_t i : t) used[static_cast<std::size_t>(i)] = true;
  Vec3 sum = Vec3::Zero();
  double weights = 0;
  for (std::size_t i = 0; i < gauze_.particles(); ++i) {
    const double d = (x0[i] - rest).norm();
    if (!used[i] || d > kAround_m) continue;
    const double w = 1 / (d + 1e-4);
    sum += w * state_.position[i];
    weights += w;
  }
  return weights > 0 ? Vec3(sum / weights) : rest;
}

void PatternCuttingRun::update_mesh(bool topology) {
  mesh_.positions.resize(3 * gauze_.particles());
  for (std::size_t i = 0; i < gauze_.particles(); ++i) {
    for (int r = 0; r < 3; ++r)
      mesh_.positions[3 * i + static_cast<std::size_t>(r)] =
          static_cast<float>(state_.position[i][r]);
  }
  if (!topology) return;
  ++mesh_.topology_version;
  mesh_.triangles.clear();
  for (const auto& t : gauze_.surface)
    for (std::int32_t p : t) mesh_.triangles.push_back(static_cast<std::uint32_t>(p));
}

std::uint64_t PatternCuttingRun::state_hash() const {
  Fnv1a h;
  h.add(box_.state_hash());
  h.add(sim::state_hash(state_));
  h.add(gauze_.surface.size());
  h.add(grip_.particles.size());
  h.add(tally_.cuts);
  return h.value();
}

}  // namespace medvision::laparoscopy
