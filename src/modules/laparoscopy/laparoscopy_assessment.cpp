#include "modules/laparoscopy/laparoscopy_assessment.h"

#include <algorithm>
#include <array>
#include <optional>

#include "assess/kinematics.h"
#include "assess/log_view.h"
#include "modules/laparoscopy/fls.h"
#include "modules/laparoscopy/pattern_cutting_metrics.h"
#include "modules/laparoscopy/tissue_dissection_metrics.h"
#include "modules/scenario_assessment.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;

Eigen::Vector3d vec(const json& a) {
  if (!a.is_array() || a.size() != 3) return Eigen::Vector3d::Zero();
  return {a[0].get<double>(), a[1].get<double>(), a[2].get<double>()};
}

// The FLS task a scenario is, if it is one (dissection is not).
std::optional<assess::FlsTask> fls_task(const std::string& id) {
  if (id == "peg-transfer") return assess::fls_peg_transfer();
  if (id == "pattern-cutting") return assess::fls_pattern_cutting();
  return std::nullopt;
}

}  // namespace

assess::Measurements laparoscopy_metrics(const scenario::ScenarioDef& def,
                                         std::span<const Event> log, double tick_rate_hz) {
  const assess::LogView view(log, tick_rate_hz);
  assess::Measurements m;
  const assess::LoggedEvent* started = view.first("scenario_started");
  const assess::LoggedEvent* ended = view.first("scenario_ended");
  const double t0 = started ? started->t_s : 0.0;
  const bool completed = ended && ended->payload.value("outcome", "") == "completed";
  const double time_s = (ended ? ended->t_s : view.end_s()) - t0;
  if (completed) m["completion_time_s"] = {time_s, "s"};

  const auto count = [&](const std::string& type, auto pred) {
    const auto all = view.of_type(type);
    return static_cast<double>(std::count_if(all.begin(), all.end(), pred));
  };
  // MISTELS peg transfer: the penalty is the percentage of objects dropped
  // out of the field of view (Fraser et al. 2003); pattern cutting's is the
  // area cut off the line. Dissection is not an FLS task: no FLS score.
  double penalty = 0;
  if (def.id == "tissue-dissection") {
    add_tissue_dissection_metrics(view, t0, m);
  } else if (def.id == "pattern-cutting") {
    penalty = add_pattern_cutting_metrics(view, m);
  } else {
    const double drops = count("dropped", [](const auto*) { return true; });
    const double lost =
        count("dropped", [](const auto* e) { return !e->payload.value("in_view", true); });
    m["drops"] = {drops, "count"};
    m["drops_out_of_view"] = {lost, "count"};
    m["transfers"] = {count("transferred", [](const auto*) { return true; }), "count"};
    m["objects_placed"] = {count("placed", [](const auto*) { return true; }), "count"};
    penalty = 100.0 * lost / 6.0;
  }
  if (const auto task = fls_task(def.id)) {
    const assess::FlsScore fls = assess::fls_score(*task, time_s, penalty, completed);
    m["fls_score"] = {fls.normalized, "points"};
    m["fls_raw_score"] = {fls.raw, "points"};
  }

  // Tip paths, and where the work had to go (grasps and releases) for economy of motion.
  std::array<std::vector<assess::PathSample>, 2> paths;
  std::array<std::vector<std::pair<double, Eigen::Vector3d>>, 2> waypoints;
  double max_force = 0;
  for (const auto* e : view.of_type("tool_sample")) {
    for (int t = 0; t < 2; ++t) {
      const json& s = e->payload.value(t == 0 ? "left" : "right", json::object());
      if (!s.is_object() || !s.contains("tip")) continue;
      paths[static_cast<std::size_t>(t)].push_back(
          {e->t_s, vec(s["tip"]), vec(s.value("shaft", json::array({0, 0, 1})))});
      max_force = std::max(max_force, s.value("force_N", 0.0));
    }
  }
  const auto nearest_tip = [&](int tool, double t) {
    const auto& p = paths[static_cast<std::size_t>(tool)];
    const auto it = std::lower_bound(
        p.begin(), p.end(), t, [](const assess::PathSample& s, double x) { return s.t_s < x; });
    return it == p.end() ? p.back().tip : it->tip;
  };
  // Where each task's work is: peg transfer's grasps and releases,
  // dissection's grasp of the organ, its clips and its cut.
  for (const char* type :
       {"grasped", "released", "organ_grasped", "organ_released", "clip_applied", "duct_cut"}) {
    for (const auto* e : view.of_type(type)) {
      const int tool = e->payload.value("tool", "left") == "left" ? 0 : 1;
      if (!paths[static_cast<std::size_t>(tool)].empty())
        waypoints[static_cast<std::size_t>(tool)].emplace_back(e->t_s, nearest_tip(tool, e->t_s));
    }
  }
  double path = 0, depth = 0, idle = 0;
  for (int t = 0; t < 2; ++t) {
    const auto& p = paths[static_cast<std::size_t>(t)];
    if (p.size() < 2) continue;
    const std::string side = t == 0 ? "left" : "right";
    const double length = assess::path_length(p);
    path += length;
    depth += assess::depth_path_length(p);
    idle += assess::dwell_time(p);
    m["path_length_" + side + "_m"] = {length, "m"};
    m["smoothness_" + side] = {assess::log_dimensionless_jerk(p), "LDLJ"};
    auto& w = waypoints[static_cast<std::size_t>(t)];
    if (w.size() >= 2) {
      // In time order from where the tool started: grasps and releases interleave.
      std::sort(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<Eigen::Vector3d> points{p.front().tip};
      for (const auto& [when, tip] : w) points.push_back(tip);
      m["economy_of_motion_" + side] = {assess::economy_of_motion(p, points), "ratio"};
    }
  }
  if (!paths[0].empty() || !paths[1].empty()) {
    m["path_length_m"] = {path, "m"};
    m["depth_path_m"] = {depth, "m"};
    m["idle_time_s"] = {idle, "s"};
    m["max_force_N"] = {max_force, "N"};
  }
  if (paths[0].size() >= 2 && paths[0].size() == paths[1].size()) {
    m["bimanual_dexterity"] = {assess::bimanual_dexterity(paths[0], paths[1]), "correlation"};
  }
  return m;
}

namespace {
constexpr double kAttemptPath_m = 0.05;
}  // namespace

json assess_laparoscopy_session(const scenario::ScenarioDef& def, std::span<const Event> log,
                                double tick_rate_hz) {
  const assess::Measurements metrics = laparoscopy_metrics(def, log, tick_rate_hz);
  // Attempted: the instrument tips travelled at least kAttemptPath_m together
  // (a trainee who holds still, hands resting on the controllers, moves them
  // a few millimetres).
  const auto path = metrics.find("path_length_m");
  const bool attempted = path != metrics.end() && path->second.value >= kAttemptPath_m;
  return modules::assessment_payload(def, "", log, metrics, attempted);
}

}  // namespace medvision::laparoscopy
