// The tissue-dissection task in a session: the scenario, the organ and duct
// streamed as meshes, the assessment's own measures on a synthetic log, and
// the shipped traces replayed.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "modules/laparoscopy/laparoscopy_assessment.h"
#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/tissue_dissection_planner.h"
#include "modules/registry.h"
#include "session/session.h"
#include "session/trace.h"
#include "shipped_trace.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
const std::filesystem::path kContent = std::filesystem::path(MEDVISION_SOURCE_DIR) / "content";

Session make_session() { return make_task_session(kContent, "tissue-dissection"); }

TEST(TissueDissectionScenario, IsListedAndLoadsAgainstTheCatalog) {
  const auto listing = modules::list_scenarios(kContent);
  EXPECT_TRUE(listing.errors.empty()) << listing.errors.front();
  const auto it =
      std::find_if(listing.scenarios.begin(), listing.scenarios.end(),
                   [](const auto& e) { return e.kind == "laparoscopy/tissue-dissection"; });
  ASSERT_NE(it, listing.scenarios.end());
  EXPECT_EQ(it->def->time_limit_s.value_or(0), 300);
  EXPECT_EQ(it->def->states[static_cast<std::size_t>(it->def->initial_state)].name, "retracting");
}

TEST(TissueDissectionSession, TheOrganAndDuctAreMeshesForClientsAndTheScopeACamera) {
  Session s = make_session();
  const int n = s.add_participant("u1", "trainee", "trainee");
  ASSERT_GT(n, 0);
  ASSERT_NE(s.module(), nullptr);
  EXPECT_FALSE(s.module()->hand_forces(n).has_value()) << "nobody holds the instruments yet";
  s.submit_input(n, InputFrame{}, 1);      // a trainee at the untracked instruments
  for (int i = 0; i < 300; ++i) s.step();  // 0.3 s
  const auto meshes = s.module()->meshes();
  ASSERT_EQ(meshes.size(), 2u);
  EXPECT_EQ(meshes[0].name, "organ");
  EXPECT_EQ(meshes[1].name, "duct");
  EXPECT_NE(meshes[0].id, meshes[1].id);
  // The duct is a 30-cube prism: 4 sides of 2 triangles per cube and 2 ends of 2.
  EXPECT_EQ(meshes[1].triangles.size() / 3, 4u * 2 * 30 + 2 * 2);
  // Every vertex of the organ lies inside its bounds and above the box floor (0.78 m).
  for (std::size_t i = 0; i < meshes[0].positions.size(); i += 3) {
    for (std::size_t a = 0; a < 3; ++a) {
      EXPECT_GE(meshes[0].positions[i + a], meshes[0].bounds_min[a]);
      EXPECT_LE(meshes[0].positions[i + a], meshes[0].bounds_max[a]);
    }
    EXPECT_GT(meshes[0].positions[i + 1], 0.78f);
  }
  ASSERT_EQ(s.module()->cameras().size(), 1u);
  EXPECT_EQ(s.module()->cameras()[0].name, "laparoscope");
  const auto forces = s.module()->hand_forces(n);
  ASSERT_TRUE(forces.has_value());
  EXPECT_EQ(forces->left_N, 0.0f);  // nothing touched
  // The log opened with the task's set-up.
  bool ready = false;
  for (const auto& e : s.drain_events()) {
    if (e.type != "dissection_ready") continue;
    ready = true;
    const json p = json::parse(e.payload);
    EXPECT_NEAR(p["duct_length_mm"].get<double>(), 60, 1e-9);
    EXPECT_EQ(p["clips"], 2);
    EXPECT_EQ(p["duct_tets"], 30 * 5);
  }
  EXPECT_TRUE(ready);
}

Event event(std::uint64_t seq, double t_s, std::string type, json payload) {
  return Event{seq, static_cast<Tick>(t_s * 1000), 0, std::move(type), payload.dump()};
}

TEST(TissueDissectionAssessment, ClipSpacingAndWhereTheDuctWasCutComeFromTheLog) {
  auto def = load_laparoscopy_scenario(kContent, "tissue-dissection");
  ASSERT_TRUE(def.ok());
  std::vector<Event> log;
  std::uint64_t seq = 1;
  log.push_back(event(seq++, 0, "scenario_started", {{"scenario", "tissue-dissection"}}));
  log.push_back(event(seq++, 0, "dissection_ready", {{"duct_length_mm", 60.0}}));
  log.push_back(event(seq++, 4, "duct_exposed", {{"exposure", 0.9}}));
  log.push_back(event(seq++, 5, "tissue_damage", {{"cause", "stretch"}}));
  log.push_back(event(seq++, 6, "clip_missed", {{"tool", "right"}}));
  log.push_back(event(seq++, 8, "clip_applied", {{"tool", "right"}, {"along_duct", 0.7}}));
  log.push_back(event(seq++, 10, "clip_applied", {{"tool", "right"}, {"along_duct", 0.45}}));
  log.push_back(event(seq++, 12, "duct_cut",
                      {{"tool", "right"},
                       {"along_duct", 0.55},
                       {"between_clips", true},
                       {"divided", true},
                       {"organ_elements_cut", 2}}));
  log.push_back(event(seq++, 12, "scenario_ended", {{"outcome", "completed"}}));
  const auto m = laparoscopy_metrics(**def, log, 1000);
  EXPECT_NEAR(m.at("clip_spacing_mm").value, 0.25 * 60, 1e-9);  // in either order
  EXPECT_EQ(m.at("clips_applied").value, 2);
  EXPECT_EQ(m.at("clips_missed").value, 1);
  EXPECT_EQ(m.at("cut_between_clips").value, 1);
  EXPECT_EQ(m.at("duct_divided").value, 1);
  EXPECT_EQ(m.at("organ_elements_cut").value, 2);
  EXPECT_EQ(m.at("damage_events").value, 1);
  EXPECT_EQ(m.at("damage_by_stretch").value, 1);
  EXPECT_NEAR(m.at("time_to_exposure_s").value, 4, 1e-9);
  EXPECT_NEAR(m.at("completion_time_s").value, 12, 1e-9);
  EXPECT_EQ(m.count("fls_score"), 0u) << "dissection is not an FLS task";
  EXPECT_EQ(m.count("drops"), 0u) << "peg transfer's counts are not dissection's";

  // The first cut decides: one outside the clips is not mended by a second.
  log.pop_back();
  log.back() = event(seq++, 12, "duct_cut", {{"tool", "right"}, {"between_clips", false}});
  log.push_back(event(seq++, 14, "duct_cut", {{"tool", "right"}, {"between_clips", true}}));
  EXPECT_EQ(laparoscopy_metrics(**def, log, 1000).at("cut_between_clips").value, 0);
}

Played play_shipped(const std::string& style) {
  return play_shipped_trace(kContent, "tissue-dissection", style, 2);
}

const json& metric(const Played& p, const char* name) {
  return p.assessment["metrics"][name]["value"];
}

TEST(TissueDissectionTraces, TheSkilledTraceClipsTwiceDividesBetweenAndPasses) {
  const Played p = play_shipped("skilled");
  EXPECT_EQ(p.counts.at("organ_grasped"), 1);
  EXPECT_EQ(p.counts.at("clip_applied"), 2);
  EXPECT_EQ(p.counts.at("duct_cut"), 1);
  EXPECT_EQ(p.counts.count("tissue_damage"), 0u);
  EXPECT_EQ(p.counts.count("clip_missed"), 0u);
  EXPECT_EQ(p.assessment["outcome"], "completed");
  EXPECT_TRUE(p.assessment["passed"]);
  EXPECT_GE(p.assessment["score"].get<double>(), 90);
  // Clips a third of the way in from each end of the 60 mm duct.
  EXPECT_NEAR(metric(p, "clip_spacing_mm").get<double>(), 20, 1.5);
  EXPECT_EQ(metric(p, "cut_between_clips"), 1);
  EXPECT_EQ(metric(p, "organ_elements_cut"), 0);
  EXPECT_LT(metric(p, "max_force_N").get<double>(), 4);
  EXPECT_LT(metric(p, "completion_time_s").get<double>(), 30);
  // The debrief draws the duct with both clips, the gap and the cut.
  EXPECT_NE(p.html.find("The 60.0 mm duct"), std::string::npos);
  EXPECT_NE(p.html.find("clip 2 at 40.0 mm"), std::string::npos);
  EXPECT_NE(p.html.find("gap 20.0 mm"), std::string::npos);
}

TEST(TissueDissectionTraces, TheClumsyTraceScoresWorseAndTheFeedbackSaysWhy) {
  const Played skilled = play_shipped("skilled");
  const Played p = play_shipped("clumsy");
  EXPECT_EQ(p.assessment["outcome"], "completed");
  EXPECT_FALSE(p.assessment["passed"]);
  EXPECT_LT(p.assessment["score"].get<double>(), skilled.assessment["score"].get<double>());
  EXPECT_GE(p.counts.at("tissue_damage"), 1);
  EXPECT_EQ(p.counts.at("clip_missed"), 1);
  EXPECT_LT(metric(p, "clip_spacing_mm").get<double>(), 10);
  for (const char* worse : {"completion_time_s", "damage_events", "path_length_m", "idle_time_s"})
    EXPECT_GT(metric(p, worse).get<double>(), metric(skilled, worse).get<double>()) << worse;
  std::string feedback;
  for (const auto& f : p.assessment["feedback"]) feedback += f.get<std::string>() + "\n";
  EXPECT_NE(feedback.find("too close together"), std::string::npos) << feedback;
  EXPECT_NE(feedback.find("organ was damaged"), std::string::npos) << feedback;
}

TEST(TissueDissectionTraces, ThePlannerStillWritesTheShippedSkilledTrace) {
  // Regenerate with `medvision plan laparoscopy/tissue-dissection --style skilled -o ...`.
  const auto planned = plan_tissue_dissection(skilled_dissection());
  ASSERT_TRUE(planned.ok());
  EXPECT_TRUE(planned->completed);
  std::ifstream in(kContent / "traces" / "laparoscopy" / "tissue-dissection.skilled.jsonl",
                   std::ios::binary);
  std::stringstream shipped;
  shipped << in.rdbuf();
  EXPECT_TRUE(shipped.str() == planned->jsonl)
      << "content/traces/laparoscopy/tissue-dissection.skilled.jsonl is stale";
}

TEST(TissueDissectionPlanner, RefusesAStyleWithClipsOutOfOrder) {
  DissectionStyle s = skilled_dissection();
  s.clips_at[0] = 0.7;
  s.clips_at[1] = 0.3;
  const auto planned = plan_tissue_dissection(s);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.error().message.find("clips in order"), std::string::npos);
}

}  // namespace
}  // namespace medvision::laparoscopy
