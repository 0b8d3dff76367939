// The emergency module's clinical rules (docs/emergency.md, "Clinical
// rules"), each tested as a class over every shipped scenario and variant,
// headless: an empty attempt, a metric whose event never happened, the
// megacode's refractory VF, a team that stops early. The expectations come
// from the rules and the AHA 2020 algorithm, not from the module's output.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "modules/registry.h"
#include "session/trace.h"

namespace medvision::emergency {
namespace {

using nlohmann::json;

const std::filesystem::path kContent = std::filesystem::path(MEDVISION_SOURCE_DIR) / "content";
constexpr double kRate = 1000.0;

// Every emergency kind, with each variant: "emergency/acls-vf", "emergency/acls-vf:hypoxia" ...
std::vector<std::string> every_kind() {
  std::vector<std::string> kinds;
  for (const auto& e : modules::list_scenarios(kContent).scenarios) {
    if (e.module->id != "emergency") continue;
    kinds.push_back(e.kind);
    for (const auto& v : e.def->variants) kinds.push_back(e.kind + ":" + v.name);
  }
  return kinds;
}

struct Played {
  std::vector<Event> log;
  json assessment;
};

// Plays `trace_text` (JSON lines) into a fresh session of `kind`, then ends
// it the one way sessions end (Session::finish), as live sessions do.
Played play(const std::string& kind, const std::string& trace_text, double grace_s) {
  auto module = modules::module_factory(kContent, kRate)(kind, 1);
  EXPECT_TRUE(module.ok()) << kind << ": " << module.error().message;
  Session s(
      SessionSetup{kind, 1, kRate}, [] { return std::int64_t{0}; }, std::move(*module));
  auto trace = parse_trace(trace_text, kind + ".jsonl");
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  PlayOptions options;
  options.grace_s = grace_s;
  auto log = play_trace(s, *trace, options);
  EXPECT_TRUE(log.ok()) << log.error().message;
  s.finish(*log, "trace finished");
  Played out{std::move(*log), {}};
  for (auto& e : s.drain_events()) out.log.push_back(std::move(e));
  for (const auto& e : out.log) {
    if (e.type == "assessment") out.assessment = json::parse(e.payload);
  }
  return out;
}

std::string shipped(const std::string& file) {
  std::ifstream in(kContent / "traces" / "emergency" / file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Drops the trace lines of one action ("shock", "give_drug" with a drug ...).
std::string without(const std::string& trace, const std::string& needle) {
  std::istringstream in(trace);
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.find(needle) == std::string::npos) out += line + "\n";
  }
  return out;
}

const json* item(const json& assessment, const std::string& metric) {
  for (const auto& i : assessment["items"]) {
    if (i["metric"] == metric) return &i;
  }
  return nullptr;
}

// Rule: every scenario has an empty attempt. A member joins, nobody does
// anything for two minutes: 0, not attempted, not passed, no item met, one
// line of feedback instead of the rubric's.
TEST(EmergencyClinicalRules, AnEmptyAttemptScoresZeroAndIsNotAttemptedInEveryScenario) {
  const auto kinds = every_kind();
  ASSERT_GE(kinds.size(), 4u) << "the three shipped scenarios and the megacode's variants";
  for (const auto& kind : kinds) {
    const Played run = play(kind, R"({"t": 0, "join": "ana", "role": "trainee"})", 120.0);
    const json& a = run.assessment;
    ASSERT_TRUE(a.is_object()) << kind;
    EXPECT_FALSE(a["attempted"].get<bool>()) << kind;
    EXPECT_EQ(a["score"].get<double>(), 0.0) << kind;
    EXPECT_FALSE(a["passed"].get<bool>()) << kind;
    for (const auto& i : a["items"]) EXPECT_FALSE(i["met"].get<bool>()) << kind << " " << i;
    ASSERT_EQ(a["feedback"].size(), 1u) << kind << a["feedback"];
    EXPECT_EQ(a["feedback"][0].get<std::string>().rfind("Not attempted", 0), 0u);
  }
}

// Rule: a metric is never negative (times, counts, percentages, volumes),
// whatever the team did: over the shipped traces and the empty attempts.
TEST(EmergencyClinicalRules, NoMetricIsEverNegative) {
  std::vector<std::pair<std::string, std::string>> runs = {
      {"emergency/acls-vf", shipped("acls-vf.good.jsonl")},
      {"emergency/acls-vf", shipped("acls-vf.poor.jsonl")},
      {"emergency/trauma-haemorrhage", shipped("trauma-haemorrhage.good.jsonl")},
      {"emergency/trauma-haemorrhage", shipped("trauma-haemorrhage.poor.jsonl")},
      {"emergency/triage-start", shipped("triage-start.good.jsonl")},
      {"emergency/triage-start", shipped("triage-start.poor.jsonl")},
  };
  for (const auto& kind : every_kind())
    runs.emplace_back(kind, R"({"t": 0, "join": "ana", "role": "trainee"})");
  int checked = 0;
  for (const auto& [kind, trace] : runs) {
    const Played run = play(kind, trace, 20.0);
    for (const auto& [name, m] : run.assessment["metrics"].items()) {
      EXPECT_GE(m["value"].get<double>(), 0.0) << kind << " " << name;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

// Rule: a rubric metric whose event never happened is "not done": no value,
// not met. The good megacode with each of its timed interventions taken out
// in turn loses exactly that item.
TEST(EmergencyClinicalRules, AnInterventionThatNeverHappenedIsNotDoneAndNotMet) {
  const std::string good = shipped("acls-vf.good.jsonl");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("action": "shock")", "time_to_first_shock_s"},
      {R"("drug": "epinephrine")", "epinephrine_interval_max_s"},
      {R"("action": "compressions")", "time_to_first_compression_s"},
  };
  for (const auto& [needle, metric] : cases) {
    const std::string trace = without(good, needle);
    ASSERT_NE(trace, good) << needle;
    const Played run = play("emergency/acls-vf", trace, 10.0);
    const json* i = item(run.assessment, metric);
    ASSERT_NE(i, nullptr) << metric;
    EXPECT_TRUE((*i)["value"].is_null()) << metric << " without " << needle << ": " << *i;
    EXPECT_FALSE((*i)["met"].get<bool>()) << metric;
  }
}

// Rule: shocks alone do not end the megacode's VF (AHA megacode testing
// scripts the rhythm): six shocks and nothing else leave the patient in
// arrest, and the scenario does not complete.
TEST(EmergencyClinicalRules, TheMegacodesVfIsRefractoryToShocksAlone) {
  std::string trace = R"({"t": 0, "join": "lead", "role": "trainee"})"
                      "\n";
  for (int k = 0; k < 6; ++k) {
    trace += R"({"t": )" + std::to_string(10 + 125 * k) +
             R"(, "action": "shock", "by": "lead", "params": {"energy_J": 200}})"
             "\n";
  }
  const Played run = play("emergency/acls-vf", trace, 30.0);
  int shocks = 0;
  for (const auto& e : run.log) {
    if (e.type == "shock_delivered") ++shocks;
    if (e.type == "rhythm_changed") {
      const json p = json::parse(e.payload);
      const std::string r = p["rhythm"];
      EXPECT_TRUE(r == "vf_coarse" || r == "vf_fine" || r == "asystole" || r == "pea")
          << "a perfusing rhythm from shocks alone: " << e.payload;
    }
  }
  EXPECT_GE(shocks, 6);
  EXPECT_NE(run.assessment["outcome"], "completed");
  EXPECT_FALSE(run.assessment["passed"].get<bool>());
}

// The defect that named these rules: a team that stops after 175 s (two
// shocks, one epinephrine, no amiodarone) is neither completed nor passed;
// its epinephrine interval is not negative, and amiodarone is not "met".
TEST(EmergencyClinicalRules, AMegacodeTeamThatStopsEarlyDoesNotPass) {
  const std::string trace = R"({"t": 0, "join": "lead", "role": "trainee"}
{"t": 0, "join": "cam", "role": "trainee"}
{"t": 5, "action": "compressions", "by": "cam", "params": {"on": true, "depth_mm": 55, "rate_per_min": 110}}
{"t": 60, "action": "shock", "by": "lead", "params": {"energy_J": 200}}
{"t": 100, "action": "give_drug", "by": "lead", "params": {"drug": "epinephrine", "dose_mg": 1}}
{"t": 170, "action": "shock", "by": "lead", "params": {"energy_J": 200}}
{"t": 175, "action": "compressions", "by": "cam", "params": {"on": false}}
)";
  const Played run = play("emergency/acls-vf", trace, 10.0);
  const json& a = run.assessment;
  EXPECT_NE(a["outcome"], "completed") << a.dump(2);
  EXPECT_FALSE(a["passed"].get<bool>());
  const json* amiodarone = item(a, "amiodarone_after_third_shock");
  ASSERT_NE(amiodarone, nullptr);
  EXPECT_FALSE((*amiodarone)["met"].get<bool>()) << "no third shock, no amiodarone: not done";
  const json* epi = item(a, "epinephrine_interval_max_s");
  ASSERT_NE(epi, nullptr);
  ASSERT_TRUE((*epi)["value"].is_number());
  // One dose at 100 s, arrest from 0 to the end at 185 s: the longest wait
  // is from the dose to the end, 85 s.
  EXPECT_NEAR((*epi)["value"].get<double>(), 85.0, 0.2);
}

// Rule: every site-specific intervention has a wrong-site case. On another
// limb than the wound's it does nothing (the bleeding goes on) and is
// scored: the trauma scenario's wound is on the left thigh.
TEST(EmergencyClinicalRules, BleedingControlOnTheWrongLimbDoesNothingAndIsScored) {
  for (const std::string action : {"pressure", "pack_wound", "tourniquet", "control_bleeding"}) {
    const std::string trace = R"({"t": 0, "join": "cy", "role": "trainee"}
{"t": 5, "action": ")" + action +
                              R"(", "by": "cy", "params": {"site": "right_arm"}}
)";
    const Played wrong = play("emergency/trauma-haemorrhage", trace, 60.0);
    int misplaced = 0, controlled = 0;
    for (const auto& e : wrong.log) {
      misplaced += e.type == "intervention_misplaced";
      controlled += e.type == "tourniquet_applied" || e.type == "pressure_applied" ||
                    e.type == "wound_packed" || e.type == "bleeding_controlled";
    }
    EXPECT_EQ(misplaced, 1) << action;
    EXPECT_EQ(controlled, 0) << action;
    const json* i = item(wrong.assessment, "misplaced_interventions_count");
    ASSERT_NE(i, nullptr);
    EXPECT_FALSE((*i)["met"].get<bool>()) << action;
    EXPECT_TRUE(item(wrong.assessment, "time_to_haemorrhage_control_s")->at("value").is_null());

    // The same on the wound's limb controls the bleeding: less blood is lost.
    std::string right = trace;
    right.replace(right.find("right_arm"), 9, "left_thigh");
    const Played on_wound = play("emergency/trauma-haemorrhage", right, 60.0);
    EXPECT_LT(on_wound.assessment["metrics"]["max_blood_loss_pct"]["value"].get<double>(),
              wrong.assessment["metrics"]["max_blood_loss_pct"]["value"].get<double>())
        << action;
  }
  // The shipped good team, with every site moved to the right arm, does not pass.
  std::string good = shipped("trauma-haemorrhage.good.jsonl");
  for (auto at = good.find("left_thigh"); at != std::string::npos; at = good.find("left_thigh"))
    good.replace(at, 10, "right_arm");
  const Played run = play("emergency/trauma-haemorrhage", good, 10.0);
  EXPECT_FALSE(run.assessment["passed"].get<bool>()) << run.assessment.dump(2);
}

// Rule: every drug has a not-indicated case and a wrong-dose case: given as
// in reality, logged with the reason, and it costs the scenario's drug item.
// Over every single-patient scenario and every drug.
TEST(EmergencyClinicalRules, EveryDrugGivenWronglyIsGivenLoggedAndScored) {
  int cases = 0;
  for (const auto& kind : every_kind()) {
    if (kind.find("triage") != std::string::npos) continue;  // casualties, no drugs
    for (const std::string drug : {"epinephrine", "amiodarone", "lidocaine"}) {
      // 7 mg is no dose of the algorithm for any of the three drugs.
      const std::string trace = R"({"t": 0, "join": "ana", "role": "trainee"}
{"t": 5, "action": "give_drug", "by": "ana", "params": {"drug": ")" +
                                drug + R"(", "dose_mg": 7}}
)";
      const Played run = play(kind, trace, 5.0);
      int given = 0, flagged = 0;
      for (const auto& e : run.log) {
        given += e.type == "drug_given";
        flagged += e.type == "drug_not_indicated" || e.type == "drug_dose_wrong";
      }
      EXPECT_EQ(given, 1) << kind << " " << drug << ": given, as in reality";
      EXPECT_EQ(flagged, 1) << kind << " " << drug;
      EXPECT_EQ(run.assessment["metrics"]["drug_errors_count"]["value"], 1.0) << kind << drug;
      const json* i = item(run.assessment, "drug_errors_count");
      ASSERT_NE(i, nullptr) << kind << ": the scenario scores its drugs";
      EXPECT_FALSE((*i)["met"].get<bool>());
      ++cases;
    }
  }
  EXPECT_GE(cases, 6);
  // The algorithm's own dose at its moment is no error: epinephrine 1 mg in VF.
  const Played right = play("emergency/acls-vf", R"({"t": 0, "join": "ana", "role": "trainee"}
{"t": 5, "action": "give_drug", "by": "ana", "params": {"drug": "epinephrine", "dose_mg": 1}}
)",
                            5.0);
  EXPECT_EQ(right.assessment["metrics"]["drug_errors_count"]["value"], 0.0);
  EXPECT_TRUE(item(right.assessment, "drug_errors_count")->at("met").get<bool>());
}

// Reports are read by people: the rubric table of every shipped emergency
// trace's report names metrics in words and values with their units in
// words ("yes", "2", "57.6 %"), never "boolean", "1.0 count" or a metric id.
TEST(EmergencyReports, TheRubricReadsInWordsForEveryShippedTrace) {
  int reports = 0;
  for (const std::string file :
       {"acls-vf.good.jsonl", "acls-vf.poor.jsonl", "trauma-haemorrhage.good.jsonl",
        "trauma-haemorrhage.poor.jsonl", "triage-start.good.jsonl", "triage-start.poor.jsonl"}) {
    const std::string kind = "emergency/" + file.substr(0, file.find('.'));
    const Played run = play(kind, shipped(file), 10.0);
    const std::string html =
        modules::session_report(records::SessionInfo{"s1", "t", kind, kRate}, run.log).html;
    const auto table = html.find("<h2>Rubric</h2>");
    ASSERT_NE(table, std::string::npos) << file;
    const std::string rubric = html.substr(table, html.find("</table>", table) - table);
    EXPECT_EQ(rubric.find("boolean"), std::string::npos) << file;
    EXPECT_EQ(rubric.find(".0 count"), std::string::npos) << file;
    for (const auto& i : run.assessment["items"]) {
      EXPECT_EQ(rubric.find(">" + i["metric"].get<std::string>() + "<"), std::string::npos)
          << file << ": the metric id " << i["metric"] << " is shown instead of its label";
    }
    ++reports;
  }
  EXPECT_EQ(reports, 6);
}

}  // namespace
}  // namespace medvision::emergency
