// The module platform: modules are listed as descriptors, their scenarios are
// checked against their declared vocabulary, participants' actions are
// checked against the same specs clients build forms from, and the example
// module (src/modules/example/, registered by one line) runs, is assessed and
// reported through the descriptor alone.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "modules/action_params.h"
#include "modules/declared_check.h"
#include "modules/emergency/emergency_catalog.h"
#include "modules/registry.h"
#include "session/session.h"
#include "session/trace.h"

namespace medvision::modules {
namespace {

using nlohmann::json;

const std::filesystem::path kContent = std::filesystem::path(MEDVISION_SOURCE_DIR) / "content";

TEST(ModuleRegistry, ListsEveryModuleOnceAndFindsThemByIdOrKind) {
  std::set<std::string> ids;
  for (const ModuleDescriptor* m : all_modules()) {
    EXPECT_TRUE(ids.insert(m->id).second) << m->id;
    EXPECT_TRUE(m->catalog) << m->id;
    EXPECT_TRUE(m->load_scenario) << m->id;
    EXPECT_TRUE(m->make_session) << m->id;
    EXPECT_EQ(m->catalog().module, m->id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"sandbox", "emergency", "laparoscopy", "example"}));
  EXPECT_EQ(find_module("emergency/acls-vf:hypoxia")->id, "emergency");
  EXPECT_EQ(find_module("laparoscopy")->id, "laparoscopy");
  EXPECT_TRUE(find_module("sandbox")->open_room);
  EXPECT_EQ(find_module("sandboxes"), nullptr);
  EXPECT_EQ(find_module("emergencyx/acls-vf"), nullptr);
}

TEST(ModuleRegistry, EveryShippedScenarioLoadsAgainstItsModulesVocabulary) {
  const ScenarioListing listing = list_scenarios(kContent);
  EXPECT_TRUE(listing.errors.empty()) << listing.errors.front();
  std::set<std::string> kinds;
  for (const auto& e : listing.scenarios) {
    kinds.insert(e.kind);
    // Every rubric item names a metric the module declares.
    for (const auto& item : e.def->rubric.items)
      EXPECT_NE(e.module->catalog().find_metric(item.metric), nullptr) << e.kind << item.metric;
  }
  for (const char* kind :
       {"emergency/acls-vf", "emergency/trauma-haemorrhage", "emergency/triage-start",
        "laparoscopy/peg-transfer", "laparoscopy/pattern-cutting", "laparoscopy/tissue-dissection",
        "example/taps"})
    EXPECT_EQ(kinds.count(kind), 1u) << kind;
}

TEST(ModuleRegistry, AKindNoModuleRunsIsRefusedNamingTheModules) {
  auto made = module_factory(kContent, 1000)("cardiology/echo", 1);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.error().message.find("emergency, laparoscopy, example"), std::string::npos)
      << made.error().message;
  EXPECT_FALSE(module_factory(kContent, 1000)("laparoscopy/peg-transfer:night", 1).ok());
}

// One definition serves the scenario-fired and the participant-fired action:
// the fluid's rate had defaults of 100 and 200 mL/min and ranges of 1-1000
// and 1-2000 in four tables; now both read the patient model's range.
TEST(EmergencyVocabulary, GiveFluidIsOneDefinitionForScenariosAndParticipants) {
  const scenario::Catalog& c = emergency::emergency_catalog();
  const scenario::ActionSpec* scripted = c.find_action("give_fluid");
  const scenario::ActionSpec* team = c.find_participant_action("give_fluid");
  ASSERT_NE(scripted, nullptr);
  ASSERT_NE(team, nullptr);
  ASSERT_EQ(scripted->params.size(), team->params.size());
  const json a = action_spec_json(*scripted)["params"], b = action_spec_json(*team)["params"];
  EXPECT_EQ(a, b);
  const scenario::ParamSpec* rate = team->find("rate_mL_per_min");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->min, 1);
  EXPECT_EQ(rate->max, 2000);  // physio::give_fluid's check_range
  EXPECT_EQ(emergency::default_number(*team, "rate_mL_per_min"), 200);
  // Drug and rhythm names are physio's own.
  EXPECT_EQ(team->find("fluid")->choices, (std::vector<std::string>{"crystalloid", "blood"}));
  EXPECT_EQ(emergency::rhythm_names().front(), "normal_sinus");
  EXPECT_EQ(emergency::rhythm_names().size(), 7u);
}

TEST(ActionParams, RefuseWhatTheSpecDoesNotAllowWithTheSameWordsForEveryModule) {
  const scenario::ActionSpec& fluid =
      *emergency::emergency_catalog().find_participant_action("give_fluid");
  EXPECT_TRUE(check_action_params(fluid, json{{"fluid", "blood"}, {"volume_mL", 500}}).ok());
  const auto why = [&](const json& p) {
    const Status s = check_action_params(fluid, p);
    return s.ok() ? std::string("accepted") : s.error().message;
  };
  EXPECT_EQ(why(json{{"fluid", "blood"}}), "`volume_mL` is required");
  EXPECT_EQ(why(json{{"fluid", "saline"}, {"volume_mL", 500}}),
            "`fluid` must be crystalloid or blood, not `saline`");
  EXPECT_EQ(why(json{{"fluid", "blood"}, {"volume_mL", "500"}}), "`volume_mL` must be a number");
  EXPECT_EQ(why(json{{"fluid", "blood"}, {"volume_mL", 500}, {"rate_mL_per_min", 5000}}),
            "`rate_mL_per_min` must be between 1 and 2000 mL/min");
  EXPECT_EQ(why(json{{"fluid", "blood"}, {"volume_mL", 500}, {"warm", true}}),
            "`give_fluid` takes no parameter `warm`");
  EXPECT_EQ(why(json::array()), "action parameters must be a JSON object");
}

TEST(ModuleSpecs, ServeParametersWithTypesUnitsRangesDefaultsAndMetricsWithUnits) {
  const json emergency = module_json(*find_module("emergency"));
  EXPECT_EQ(emergency["judgement"], "assessed");
  const json& actions = emergency["actions"];
  const auto give_drug = std::find_if(actions.begin(), actions.end(),
                                      [](const json& a) { return a["name"] == "give_drug"; });
  ASSERT_NE(give_drug, actions.end());
  EXPECT_EQ((*give_drug)["label"], "Give drug");
  EXPECT_EQ((*give_drug)["needs"], "patient");
  const json& dose = (*give_drug)["params"][1];
  EXPECT_EQ(dose["name"], "dose_mg");
  EXPECT_EQ(dose["type"], "number");
  EXPECT_EQ(dose["unit"], "mg");
  EXPECT_EQ(dose["suggest"]["values"]["amiodarone"], 300);  // AHA 2020 first dose
  const json& metrics = emergency["metrics"];
  const auto shock = std::find_if(metrics.begin(), metrics.end(), [](const json& m) {
    return m["name"] == "time_to_first_shock_s";
  });
  ASSERT_NE(shock, metrics.end());
  EXPECT_EQ((*shock)["unit"], "s");
  EXPECT_EQ(emergency["late_joiner_events"], json::array({"vitals"}));
}

// The example module, through its descriptor alone: run headless from a
// trace as `medvision run` does, scored against its rubric, reported.
TEST(ExampleModule, RunsIsAssessedAndReportedThroughTheDescriptor) {
  auto trace = read_trace_file((kContent / "traces" / "example" / "taps.good.jsonl").string());
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  auto module = module_factory(kContent, 1000)("example/taps", 1);
  ASSERT_TRUE(module.ok()) << module.error().message;
  Session s(
      SessionSetup{"example/taps", 1, 1000}, [] { return std::int64_t{0}; }, std::move(*module));
  PlayOptions options;
  options.grace_s = 5;
  auto log = play_trace(s, *trace, options);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(s.module_finished());  // the third tap ends the scenario
  const json assessment = json::parse(*s.module()->assess(*log));
  EXPECT_EQ(assessment["outcome"], "completed");
  EXPECT_EQ(assessment["metrics"]["taps_count"]["value"], 3);
  // Strengths 4, the declared default 5, and 9.
  EXPECT_DOUBLE_EQ(assessment["metrics"]["mean_strength"]["value"].get<double>(), 6.0);
  EXPECT_EQ(assessment["score"], 100);
  std::vector<Event> with = *log;
  with.push_back(Event{with.size() + 1, with.back().tick, 0, "assessment", assessment.dump()});
  const auto report =
      session_report(records::SessionInfo{"s1", "Taps", "example/taps", 1000}, with);
  EXPECT_EQ(report.json["outcome"], "completed");
  EXPECT_NE(report.html.find("Example: three taps"), std::string::npos);
  EXPECT_NE(report.html.find("tapped: count 3, strength 9"), std::string::npos);
}

TEST(ExampleModule, RefusesAnUndeclaredParameterAndAnOutOfRangeStrength) {
  auto module = module_factory(kContent, 1000)("example/taps", 1);
  ASSERT_TRUE(module.ok());
  const EventSink sink = [](std::string_view, std::string) {};
  EXPECT_FALSE((*module)->act(ModuleAction{1, "tap", R"({"strength": 11})"}, sink).ok());
  EXPECT_FALSE((*module)->act(ModuleAction{1, "tap", R"({"force": 3})"}, sink).ok());
  EXPECT_FALSE((*module)->act(ModuleAction{1, "shock", "{}"}, sink).ok());
  EXPECT_TRUE((*module)->act(ModuleAction{1, "tap", "{}"}, sink).ok());
}

}  // namespace
}  // namespace medvision::modules

#ifdef MEDVISION_ASSERTIONS
namespace medvision::modules {
namespace {

// A module that writes an event its descriptor does not declare.
class Stray final : public SessionModule {
 public:
  void start(const EventSink& sink) override { sink("tapped_twice", "{}"); }
  void step(Tick, const EventSink&) override {}
  Status act(const ModuleAction&, const EventSink&) override { return {}; }
  Status instruct(InstructorControl, const std::string&, const EventSink&) override { return {}; }
  bool finished() const override { return false; }
  std::uint64_t state_hash() const override { return 0; }
  std::optional<std::string> assess(std::span<const Event>) const override {
    return R"({"metrics": {"taps_per_minute": {"value": 1, "unit": "/min"}}})";
  }
};

TEST(DeclaredCheckDeathTest, AnUndeclaredEventOrMetricStopsAnAssertionBuild) {
  const ModuleDescriptor& example = *find_module("example");
  const EventSink sink = [](std::string_view, std::string) {};
  EXPECT_DEATH(check_declared(std::make_unique<Stray>(), example)->start(sink),
               "module `example` wrote the event `tapped_twice`");
  EXPECT_DEATH((void)check_declared(std::make_unique<Stray>(), example)->assess({}),
               "module `example` wrote the metric `taps_per_minute`");
}

}  // namespace
}  // namespace medvision::modules
#endif
