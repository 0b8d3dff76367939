// The shipped emergency scenarios load against the emergency catalog and
// play through: ACLS to ROSC and to the asystole branch, triage to the end.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "modules/emergency/emergency_catalog.h"
#include "scenario/loader.h"
#include "scenario/run.h"
#include "scenario_test_support.h"

namespace medvision::scenario {
namespace {

constexpr double kRate = 10.0;

ScenarioDef load_shipped(const std::string& name) {
  const auto path =
      std::filesystem::path(MV_CONTENT_DIR) / "scenarios" / "emergency" / (name + ".yaml");
  auto def = load_scenario_file(path, testing::registry());
  EXPECT_TRUE(def.ok()) << (def.ok() ? "" : def.error().message);
  return def.ok() ? std::move(def).value() : ScenarioDef{};
}

// A stand-in for the emergency module: applies `set_rhythm` to the rhythm
// signal, feeds scripted events at given ticks and records what happened.
struct Host {
  std::map<Tick, std::vector<ScenarioEvent>> script;
  std::map<Tick, std::string> cues;
  testing::Signals signals;
  std::vector<std::string> states;  // every state entered, in order
  std::vector<std::string> prompts;
  std::string log;

  void run(ScenarioRun& run, Tick until) {
    for (Tick t = 0; t <= until && !run.ended(); ++t) {
      if (const auto c = cues.find(t); c != cues.end()) {
        EXPECT_TRUE(run.inject_cue(c->second, "instructor").ok());
      }
      std::vector<ScenarioEvent> events;
      if (const auto s = script.find(t); s != script.end()) events = s->second;
      const StepOutput out = run.step(t, signals.lookup(), events);
      for (const auto& a : out.actions) {
        if (a.name == "set_rhythm") signals.values["rhythm"] = a.params.at("rhythm");
        if (a.name == "show_prompt") prompts.push_back(std::get<std::string>(a.params.at("text")));
      }
      for (const auto& e : out.events) {
        if (e.type == "state_entered")
          states.push_back(std::get<std::string>(e.payload.at("state")));
      }
      log += testing::transcript(out);
    }
  }
  void at(double seconds, ScenarioEvent event) {
    script[static_cast<Tick>(seconds * kRate)].push_back(std::move(event));
  }
};

ScenarioEvent drug(const char* name, double dose_mg) {
  return {"drug_given", {{"drug", std::string(name)}, {"dose_mg", dose_mg}}};
}
ScenarioEvent shock() { return {"shock_delivered", {{"energy_J", 200.0}}}; }

bool visited(const Host& host, const std::string& state) {
  return std::find(host.states.begin(), host.states.end(), state) != host.states.end();
}

TEST(ShippedScenarios, EveryEmergencyScenarioLoads) {
  for (const char* name : {"acls-vf", "trauma-haemorrhage", "triage-start"}) {
    SCOPED_TRACE(name);
    const auto def = load_shipped(name);
    EXPECT_EQ(def.id, name);
    EXPECT_EQ(def.module, "emergency");
    EXPECT_FALSE(def.rubric.items.empty());
  }
}

TEST(ShippedScenarios, AclsDeclaresTheHsAndTsAsVariants) {
  const auto def = load_shipped("acls-vf");
  EXPECT_EQ(def.variants.size(), 11u);
  const auto patients = patients_for_variant(def, "hyperkalaemia");
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(std::get<double>(patients[0].settings.at("potassium_mmol_per_L")), 7.8);
  EXPECT_EQ(std::get<std::string>(patients[0].settings.at("rhythm")), "vf_coarse");
}

// AHA 2020: shock, CPR 2 min, shock, epinephrine, shock, amiodarone -> ROSC.
TEST(AclsVf, ScriptedTeamFollowingTheAlgorithmReachesRosc) {
  const auto def = load_shipped("acls-vf");
  auto run = ScenarioRun::create(def, {kRate, ""});
  ASSERT_TRUE(run.ok());
  Host host;
  host.signals.values = {{"rhythm", std::string("vf_coarse")}, {"map_mmHg", 15.0}};
  host.at(5, shock());    // first shock -> CPR cycle 1 (5-125 s)
  host.at(127, shock());  // rhythm check at 125 s: VF -> shock 2, CPR cycle 2
  host.at(180, drug("epinephrine", 1));
  host.at(250, shock());  // check at 247 s -> shock 3, cycle 3
  host.at(260, drug("amiodarone", 300));
  host.run(*run, 6000);
  EXPECT_EQ(host.states, (std::vector<std::string>{"vf_recognised", "cpr", "rhythm_check", "cpr",
                                                   "rhythm_check", "cpr", "rhythm_check", "rosc"}));
  EXPECT_EQ(run->outcome(), Outcome::completed);
  EXPECT_EQ(std::get<std::string>(host.signals.values["rhythm"]), "sinus_tachycardia");
  EXPECT_NE(std::find(host.prompts.begin(), host.prompts.end(),
                      "Give epinephrine 1 mg IV/IO now, then every 3-5 minutes."),
            host.prompts.end());
  EXPECT_NE(std::find(host.prompts.begin(), host.prompts.end(),
                      "Refractory VF: amiodarone 300 mg IV/IO bolus."),
            host.prompts.end());
  EXPECT_EQ(std::get<double>(*run->variable("shocks")), 3.0);
}

TEST(AclsVf, RoscFromThePatientModelIsSeenAtTheRhythmCheck) {
  const auto def = load_shipped("acls-vf");
  auto run = ScenarioRun::create(def, {kRate, ""});
  ASSERT_TRUE(run.ok());
  Host host;
  host.signals.values = {{"rhythm", std::string("vf_coarse")}, {"map_mmHg", 15.0}};
  host.at(5, shock());
  host.run(*run, 600);  // the shock converted: the model reports a perfusing rhythm
  host.signals.values = {{"rhythm", std::string("normal_sinus")}, {"map_mmHg", 72.0}};
  host.run(*run, 3000);
  EXPECT_EQ(host.states,
            (std::vector<std::string>{"vf_recognised", "cpr", "rhythm_check", "rosc"}));
  EXPECT_EQ(run->outcome(), Outcome::completed);
}

TEST(AclsVf, AsystoleCueLeadsToTheNonShockableBranch) {
  const auto def = load_shipped("acls-vf");
  auto run = ScenarioRun::create(def, {kRate, ""});
  ASSERT_TRUE(run.ok());
  Host host;
  host.signals.values = {{"rhythm", std::string("vf_coarse")}, {"map_mmHg", 15.0}};
  host.at(5, shock());
  host.cues[600] = "rhythm_to_asystole";  // during the first CPR cycle
  host.at(130, shock());                  // a shock on asystole: wrong, and said so
  host.at(140, drug("epinephrine", 1));
  host.run(*run, 20000);
  ASSERT_GE(host.states.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(host.states.begin(), host.states.begin() + 5),
            (std::vector<std::string>{"vf_recognised", "cpr", "rhythm_check", "non_shockable",
                                      "non_shockable_cpr"}));
  EXPECT_FALSE(visited(host, "rosc"));
  EXPECT_EQ(std::get<std::string>(host.signals.values["rhythm"]), "asystole");
  EXPECT_NE(std::find(host.prompts.begin(), host.prompts.end(),
                      "Asystole and PEA are not shockable: continue CPR."),
            host.prompts.end());
  EXPECT_EQ(run->outcome(), Outcome::failed);
  EXPECT_NE(host.log.find("cue_received {\"by\":\"instructor\",\"cue\":\"rhythm_to_asystole\""),
            std::string::npos);
}

TEST(AclsVf, ReversibleCauseMustBeTreatedBeforeRosc) {
  const auto def = load_shipped("acls-vf");
  auto run = ScenarioRun::create(def, {kRate, "hyperkalaemia"});
  ASSERT_TRUE(run.ok());
  Host host;
  host.signals.values = {{"rhythm", std::string("vf_coarse")}, {"map_mmHg", 15.0}};
  host.at(5, shock());
  host.at(127, shock());
  host.at(180, drug("epinephrine", 1));
  host.at(250, shock());
  host.at(260, drug("amiodarone", 300));
  host.at(300, {"cause_treated", {{"cause", std::string("hypoxia")}}});  // the wrong cause
  host.at(373, shock());                                                 // check at 370 s: still VF
  host.at(400, {"cause_treated", {{"cause", std::string("hyperkalaemia")}}});
  host.run(*run, 8000);
  EXPECT_EQ(host.states,
            (std::vector<std::string>{"vf_recognised", "cpr", "rhythm_check", "cpr", "rhythm_check",
                                      "cpr", "rhythm_check", "cpr", "rhythm_check", "rosc"}));
  EXPECT_EQ(run->outcome(), Outcome::completed);
}

TEST(AclsVf, TwoRunsWithTheSameInputsLogTheSame) {
  const auto def = load_shipped("acls-vf");
  const auto play = [&] {
    auto run = ScenarioRun::create(def, {kRate, "hypoxia"});
    Host host;
    host.signals.values = {{"rhythm", std::string("vf_coarse")}, {"map_mmHg", 15.0}};
    host.at(5, shock());
    host.at(127, shock());
    host.cues[900] = "patient_vomits";
    host.run(*run, 5000);
    return host.log;
  };
  const std::string first = play();
  EXPECT_EQ(first, play());
  EXPECT_NE(first.find("play_sound"), std::string::npos);
}

// START (Benson, Koenig & Schultz 1996), applied to a patient's findings.
std::string start_tag(const Fields& f) {
  const auto flag = [&](const char* key) { return f.count(key) != 0 && std::get<bool>(f.at(key)); };
  const auto num = [&](const char* key) { return std::get<double>(f.at(key)); };
  if (flag("walking")) return "minor";
  if (!flag("breathing")) return flag("breathing_after_airway") ? "immediate" : "expectant";
  if (num("respiration_rate_per_min") > 30) return "immediate";
  if (!flag("radial_pulse") || num("capillary_refill_s") > 2) return "immediate";
  if (!flag("obeys_commands")) return "immediate";
  return "delayed";
}

TEST(TriageStart, ExpectedTagsFollowStartFromEachPatientsFindings) {
  const auto def = load_shipped("triage-start");
  ASSERT_EQ(def.patients.size(), 10u);
  std::map<std::string, int> by_tag;
  for (const auto& p : def.patients) {
    SCOPED_TRACE(p.id);
    const std::string expected = std::get<std::string>(p.expected.at("tag"));
    EXPECT_EQ(start_tag(p.settings), expected);
    ++by_tag[expected];
  }
  // Every START category appears, so over- and under-triage can both occur.
  EXPECT_EQ(by_tag.size(), 4u);
}

TEST(TriageStart, EndsWhenEveryPatientHasBeenTagged) {
  const auto def = load_shipped("triage-start");
  auto run = ScenarioRun::create(def, {kRate, ""});
  ASSERT_TRUE(run.ok());
  Host host;
  for (int i = 1; i <= 10; ++i) {
    // The first tag comes in the first second: tags count from the start.
    host.at(i == 1 ? 1.0 : 10.0 + 30 * i,
            {"patient_tagged",
             {{"patient", "p" + std::to_string(i)}, {"tag", std::string("delayed")}}});
  }
  host.at(20, {"patient_tagged",
               {{"patient", std::string("p1")}, {"tag", std::string("minor")}}});  // retagged
  host.run(*run, 9000);
  EXPECT_EQ(host.states, (std::vector<std::string>{"triage", "report"}));
  EXPECT_EQ(run->outcome(), Outcome::completed);
  EXPECT_NEAR(run->elapsed_s(), 325.1, 0.11);
}

TEST(TraumaHaemorrhage, TracksTheAtlsClassAndEndsWhenStabilised) {
  const auto def = load_shipped("trauma-haemorrhage");
  auto run = ScenarioRun::create(def, {kRate, ""});
  ASSERT_TRUE(run.ok());
  Host host;
  host.signals.values = {{"blood_loss_fraction", 0.12},
                         {"map_mmHg", 70.0},
                         {"heart_rate_per_min", 115.0},
                         {"rhythm", std::string("sinus_tachycardia")}};
  host.at(20, {"pressure_applied", {}});
  host.at(80, {"tourniquet_applied", {{"site", std::string("left_thigh")}}});
  host.at(200, {"fluid_given", {{"fluid", std::string("blood")}, {"volume_mL", 300.0}}});
  host.run(*run, 600);                                // to 60 s
  host.signals.values["blood_loss_fraction"] = 0.32;  // class III
  host.signals.values["map_mmHg"] = 58.0;
  host.run(*run, 1500);
  EXPECT_EQ(std::get<double>(*run->variable("atls_class")), 3.0);
  host.signals.values["map_mmHg"] = 68.0;
  host.signals.values["heart_rate_per_min"] = 104.0;
  host.run(*run, 3000);  // blood at 200 s, then 30 s to hand over
  EXPECT_EQ(host.states, (std::vector<std::string>{"arrival", "pressure_held",
                                                   "bleeding_controlled", "stabilised"}));
  EXPECT_EQ(run->outcome(), Outcome::completed);
}

}  // namespace
}  // namespace medvision::scenario
