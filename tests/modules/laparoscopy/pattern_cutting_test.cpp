// FLS pattern cutting in a session: the gauze at rest, how a cut is judged
// against the marked circle, the FLS score, and the shipped traces replayed.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <sstream>

#include "modules/laparoscopy/laparoscopy_assessment.h"
#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/pattern_cutting_planner.h"
#include "modules/laparoscopy/pattern_cutting_run.h"
#include "modules/registry.h"
#include "session/session.h"
#include "session/trace.h"
#include "shipped_trace.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
using sim::Vec3;
const std::filesystem::path kContent = std::filesystem::path(MEDVISION_SOURCE_DIR) / "content";

Session make_session() { return make_task_session(kContent, "pattern-cutting"); }

TEST(PatternCuttingScenario, IsListedAndLoadsAgainstTheCatalog) {
  const auto listing = modules::list_scenarios(kContent);
  EXPECT_TRUE(listing.errors.empty()) << listing.errors.front();
  const auto it =
      std::find_if(listing.scenarios.begin(), listing.scenarios.end(),
                   [](const auto& e) { return e.kind == "laparoscopy/pattern-cutting"; });
  ASSERT_NE(it, listing.scenarios.end());
  EXPECT_EQ(it->def->time_limit_s.value_or(0), 300);  // the FLS cutoff
}

TEST(PatternCuttingSession, TheGauzeHangsFromItsCornersAndIsAMeshForClients) {
  Session s = make_session();
  const int n = s.add_participant("u1", "trainee", "trainee");
  ASSERT_GT(n, 0);
  ASSERT_NE(s.module(), nullptr);
  EXPECT_FALSE(s.module()->hand_forces(n).has_value()) << "nobody holds the instruments yet";
  s.submit_input(n, InputFrame{}, 1);       // a trainee at the untracked instruments
  for (int i = 0; i < 1500; ++i) s.step();  // 1.5 s
  const auto meshes = s.module()->meshes();
  ASSERT_EQ(meshes.size(), 1u);
  const SceneMesh& gauze = meshes[0];
  EXPECT_EQ(gauze.name, "gauze");
  EXPECT_EQ(gauze.triangles.size(), 3u * 2 * 32 * 32);
  EXPECT_EQ(gauze.positions.size(), 3u * 33 * 33);
  // Level at rest at 0.84 m, its corners clipped 2 mm in: it sags a little, inside its bounds.
  float lowest = 1e9f, highest = -1e9f;
  for (std::size_t i = 0; i < gauze.positions.size(); ++i) {
    const float v = gauze.positions[i];
    EXPECT_GE(v, gauze.bounds_min[i % 3]);
    EXPECT_LE(v, gauze.bounds_max[i % 3]);
    if (i % 3 == 1) lowest = std::min(lowest, v), highest = std::max(highest, v);
  }
  EXPECT_NEAR(highest, 0.84, 1e-3);
  EXPECT_LT(lowest, 0.84f - 0.002f);
  EXPECT_GT(lowest, 0.84f - 0.04f);
  ASSERT_EQ(s.module()->cameras().size(), 1u);  // the laparoscope, aimed at the gauze
  EXPECT_EQ(s.module()->cameras()[0].name, "laparoscope");
  const auto forces = s.module()->hand_forces(n);
  ASSERT_TRUE(forces.has_value());
  EXPECT_LT(forces->left_N, 1e-6);
  for (const auto& e : s.drain_events()) {
    EXPECT_NE(e.type, "cut");
    EXPECT_NE(e.type, "circle_freed");
  }
}

TEST(PatternCuttingRun, ACutIsJudgedByTheAreaItLeavesOutsideTheBand) {
  CirclePattern p;  // r = 25 mm, band +-2 mm
  const auto at = [&](double x_mm, double z_mm) -> Vec3 {
    return p.centre + Vec3(x_mm / 1000, 0, z_mm / 1000);
  };
  // On the line: a chord of 2 mm at r = 25 mm deviates by its sagitta only.
  const CutDeviation on = cut_deviation(p, {{at(25, -1), at(25, 1)}});
  EXPECT_NEAR(on.length_m, 0.002, 1e-12);
  EXPECT_LT(on.max_deviation_m, 2.5e-5);
  EXPECT_EQ(on.outside_band_m2, 0);
  // 3 mm outside the line, 2 mm long: 1 mm beyond the band over 2 mm = 2 mm^2
  // (plus the chord's sagitta, 0.04 mm^2 at most).
  const CutDeviation off = cut_deviation(p, {{at(28, -1), at(28, 1)}});
  EXPECT_NEAR(off.outside_band_m2 * 1e6, 2.0, 0.03);
  EXPECT_NEAR(off.max_deviation_m, 0.003, 2e-5);
  // Inside the circle counts the same as outside.
  EXPECT_NEAR(cut_deviation(p, {{at(-22, -1), at(-22, 1)}}).outside_band_m2 * 1e6, 2.0, 0.05);
}

Event event(std::uint64_t seq, double t_s, std::string type, json payload) {
  return Event{seq, static_cast<Tick>(t_s * 1000), 0, std::move(type), payload.dump()};
}

TEST(PatternCuttingAssessment, TheFlsPenaltyIsTheAreaOffTheLineAsAPercentageOfTheCircle) {
  auto def = load_laparoscopy_scenario(kContent, "pattern-cutting");
  ASSERT_TRUE(def.ok());
  std::vector<Event> log;
  std::uint64_t seq = 1;
  log.push_back(event(seq++, 0, "scenario_started", {{"scenario", "pattern-cutting"}}));
  log.push_back(event(seq++, 0, "gauze_ready", {{"radius_mm", 25}, {"band_mm", 2}}));
  log.push_back(event(seq++, 10, "cut", {{"outside_band_mm2", 10.0}, {"max_deviation_mm", 3.0}}));
  log.push_back(event(seq++, 20, "cut", {{"outside_band_mm2", 9.635}, {"max_deviation_mm", 4.5}}));
  log.push_back(event(seq++, 120, "circle_freed", {{"deviation_pct", 1.0}}));
  log.push_back(event(seq++, 120, "scenario_ended", {{"outcome", "completed"}}));
  const auto m = laparoscopy_metrics(**def, log, 1000);
  const double penalty = 100 * 19.635 / (std::numbers::pi * 625);
  EXPECT_NEAR(m.at("cut_deviation_pct").value, penalty, 1e-9);
  EXPECT_EQ(m.at("cuts").value, 2);
  EXPECT_EQ(m.at("max_cut_deviation_mm").value, 4.5);
  EXPECT_EQ(m.at("circle_freed").value, 1);
  EXPECT_EQ(m.count("drops"), 0u) << "peg transfer's counts are not pattern cutting's";
  // MISTELS: 300 - 120 - penalty, over 300 - 98 (Ritter & Scott 2007).
  EXPECT_NEAR(m.at("fls_raw_score").value, 300 - 120 - penalty, 1e-9);
  EXPECT_NEAR(m.at("fls_score").value, 100 * (300 - 120 - penalty) / 202, 1e-9);
}

Played play_shipped(const std::string& style) {
  return play_shipped_trace(kContent, "pattern-cutting", style, 5);
}

TEST(PatternCuttingTraces, TheSkilledTraceCutsTheCircleOutOnTheLineAndPasses) {
  const Played p = play_shipped("skilled");
  EXPECT_EQ(p.counts.at("gauze_grasped"), 1);
  EXPECT_EQ(p.counts.at("circle_freed"), 1);
  EXPECT_GT(p.counts.at("cut"), 20);
  EXPECT_EQ(p.assessment["outcome"], "completed");
  EXPECT_TRUE(p.assessment["passed"]);
  const json& m = p.assessment["metrics"];
  EXPECT_LT(m["completion_time_s"]["value"].get<double>(), 98);
  EXPECT_LT(m["cut_deviation_pct"]["value"].get<double>(), 3);
  EXPECT_GT(m["fls_score"]["value"].get<double>(), 75);
  EXPECT_NE(p.html.find("The cut over the 50.0 mm circle"), std::string::npos);
}

TEST(PatternCuttingTraces, TheClumsyTraceScoresWorseAndTheFeedbackSaysWhy) {
  const Played skilled = play_shipped("skilled");
  const Played p = play_shipped("clumsy");
  EXPECT_EQ(p.assessment["outcome"], "completed");
  EXPECT_FALSE(p.assessment["passed"]);
  EXPECT_LT(p.assessment["score"].get<double>(), skilled.assessment["score"].get<double>());
  const json& m = p.assessment["metrics"];
  const json& ms = skilled.assessment["metrics"];
  for (const char* worse : {"completion_time_s", "cut_deviation_pct", "max_cut_deviation_mm",
                            "idle_time_s", "path_length_m"})
    EXPECT_GT(m[worse]["value"].get<double>(), ms[worse]["value"].get<double>()) << worse;
  std::string feedback;
  for (const auto& f : p.assessment["feedback"]) feedback += f.get<std::string>() + "\n";
  EXPECT_NE(feedback.find("outside the band"), std::string::npos) << feedback;
  EXPECT_NE(feedback.find("travelled far"), std::string::npos) << feedback;
}

TEST(PatternCuttingTraces, ThePlannerStillWritesTheShippedSkilledTrace) {
  // Regenerate with `medvision plan laparoscopy/pattern-cutting --style skilled -o ...`.
  const auto planned = plan_pattern_cutting(skilled_pattern_cutting());
  ASSERT_TRUE(planned.ok());
  EXPECT_TRUE(planned->completed);
  std::ifstream in(kContent / "traces" / "laparoscopy" / "pattern-cutting.skilled.jsonl",
                   std::ios::binary);
  std::stringstream shipped;
  shipped << in.rdbuf();
  EXPECT_TRUE(shipped.str() == planned->jsonl)
      << "content/traces/laparoscopy/pattern-cutting.skilled.jsonl is stale";
}

}  // namespace
}  // namespace medvision::laparoscopy
