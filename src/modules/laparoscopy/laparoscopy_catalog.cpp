#include "modules/laparoscopy/laparoscopy_catalog.h"

namespace medvision::laparoscopy {

namespace sc = scenario;

namespace {

sc::SignalSpec count_signal(std::string name, double max) {
  return sc::number_signal(std::move(name), 0, max, "count");
}

}  // namespace

sc::Catalog laparoscopy_catalog() {
  const auto tool = sc::enum_param("tool", {"left", "right"});
  const auto object = sc::number_param("object", 1, 6);
  sc::Catalog c;
  c.module = "laparoscopy";
  c.events = {
      {"box_trainer_ready",
       {sc::string_param("task"), sc::number_param("objects", 0, 100),
        sc::number_param("pegs", 0, 100)}},
      {"grasped", {tool, object}},
      {"released", {tool, object}},
      {"transferred",
       {object, sc::enum_param("from", {"left", "right"}),
        sc::enum_param("to", {"left", "right"})}},
      {"placed",
       {object, sc::number_param("peg", 1, 12), sc::enum_param("side", {"left", "right"})}},
      {"dropped", {object, sc::bool_param("in_view")}},
      // Pattern cutting (pattern_cutting_run.h).
      {"gauze_ready", {}},
      {"gauze_grasped", {tool}},
      {"gauze_released", {tool}},
      {"cut", {tool, sc::bool_param("strayed")}},
      {"circle_freed", {sc::number_param("deviation_pct", 0, 1e6, "%")}},
      {"piece_cut_off", {}},
      // Tissue dissection (tissue_dissection_run.h).
      {"dissection_ready", {}},
      {"organ_grasped", {tool}},
      {"organ_released", {tool}},
      {"duct_exposed", {sc::number_param("exposure", 0, 1)}},
      {"duct_covered", {sc::number_param("exposure", 0, 1)}},
      {"clip_applied",
       {tool, sc::number_param("clip", 1, 2), sc::number_param("along_duct", 0, 1)}},
      {"clip_missed", {tool}},
      {"duct_cut",
       {tool, sc::number_param("along_duct", 0, 1), sc::bool_param("between_clips"),
        sc::bool_param("divided")}},
      {"cut_missed", {tool}},
      {"tissue_damage", {sc::enum_param("cause", {"grasp_force", "stretch"})}},
  };
  c.signals = {
      count_signal("on_left", 6),
      count_signal("on_right", 6),
      count_signal("not_on_left", 6),
      count_signal("not_on_right", 6),
      count_signal("held", 6),
      count_signal("drops", 1e6),
      count_signal("drops_out_of_view", 6),
      count_signal("transfers", 1e6),
      count_signal("circle_freed", 1),
      count_signal("cuts", 1e6),
      count_signal("gauze_held", 1),
      [] {
        sc::SignalSpec s = count_signal("outside_band_mm2", 1e6);
        s.unit = "mm2";
        return s;
      }(),
      count_signal("organ_held", 1),
      count_signal("duct_exposed", 1),
      count_signal("clips_applied", 2),
      count_signal("duct_divided", 1),
      count_signal("cut_between_clips", 1),
      count_signal("damage_events", 1e6),
      [] {
        sc::SignalSpec s = count_signal("organ_force_N", 1e3);
        s.unit = "N";
        return s;
      }(),
  };
  // What laparoscopy_assessment.cpp computes (src/assess/kinematics, the tasks' tallies).
  c.metrics = {
      {"area_outside_band_mm2", "mm2", "Cut area outside the band"},
      {"bimanual_dexterity", "correlation", "Bimanual dexterity"},
      {"circle_freed", "count", "Circle freed"},
      {"clip_spacing_mm", "mm", "Clip spacing"},
      {"clips_applied", "count", "Clips applied"},
      {"clips_missed", "count", "Clips missed"},
      {"completion_time_s", "s", "Completion time"},
      {"cut_between_clips", "count", "Cut between the clips"},
      {"cut_deviation_pct", "%", "Cut deviation"},
      {"cuts", "count", "Cuts"},
      {"cuts_missed", "count", "Missed cuts"},
      {"damage_by_grasp_force", "count", "Damage by grasp force"},
      {"damage_by_stretch", "count", "Damage by stretch"},
      {"damage_events", "count", "Tissue damage"},
      {"depth_path_m", "m", "Path along the instrument axis"},
      {"drops", "count", "Drops"},
      {"drops_out_of_view", "count", "Drops out of view"},
      {"duct_divided", "count", "Duct divided"},
      {"economy_of_motion_left", "ratio", "Economy of motion, left"},
      {"economy_of_motion_right", "ratio", "Economy of motion, right"},
      {"fls_raw_score", "points", "FLS raw score"},
      {"fls_score", "points", "FLS score"},
      {"idle_time_s", "s", "Idle time"},
      {"max_cut_deviation_mm", "mm", "Largest cut deviation"},
      {"max_force_N", "N", "Largest force"},
      {"objects_placed", "count", "Objects placed"},
      {"organ_elements_cut", "count", "Organ elements cut"},
      {"path_length_left_m", "m", "Path length, left"},
      {"path_length_m", "m", "Path length"},
      {"path_length_right_m", "m", "Path length, right"},
      {"smoothness_left", "LDLJ", "Smoothness, left"},
      {"smoothness_right", "LDLJ", "Smoothness, right"},
      {"time_to_exposure_s", "s", "Time to exposure"},
      {"transfers", "count", "Transfers"},
  };
  return c;
}

}  // namespace medvision::laparoscopy
