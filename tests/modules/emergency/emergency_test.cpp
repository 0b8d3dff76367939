// The emergency module end to end: scenario + patient in a session, driven by
// the shipped traces, scored and reported.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "modules/emergency/emergency_assessment.h"
#include "modules/emergency/emergency_module.h"
#include "modules/registry.h"
#include "session/trace.h"

namespace medvision::emergency {
namespace {

using nlohmann::json;

const std::filesystem::path kContent = std::filesystem::path(MEDVISION_SOURCE_DIR) / "content";
constexpr double kRate = 1000.0;

struct Played {
  std::vector<Event> log;
  json assessment;
  std::uint64_t hash = 0;
};

Played play(const std::string& scenario, const std::string& trace_file, std::uint64_t seed = 1,
            double grace_s = 10.0) {
  auto def = load_emergency_scenario(kContent, scenario);
  EXPECT_TRUE(def.ok()) << def.error().message;
  auto module = make_emergency_module(*def, EmergencySetup{scenario, "", seed, kRate});
  EXPECT_TRUE(module.ok()) << module.error().message;
  Session s(
      SessionSetup{"emergency/" + scenario, seed, kRate}, [] { return std::int64_t{0}; },
      std::move(*module));
  auto trace = read_trace_file((kContent / "traces" / "emergency" / trace_file).string());
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  PlayOptions options;
  options.grace_s = grace_s;
  auto log = play_trace(s, *trace, options);
  EXPECT_TRUE(log.ok()) << log.error().message;
  Played out{std::move(*log), {}, 0};
  out.assessment = assess_emergency_session(**def, "", out.log, kRate);
  s.end("trace finished");
  for (auto& e : s.drain_events()) out.log.push_back(std::move(e));
  out.hash = s.state_hash();
  return out;
}

bool has_feedback(const json& a, const std::string& start) {
  for (const auto& f : a["feedback"]) {
    if (f.get<std::string>().rfind(start, 0) == 0) return true;
  }
  return false;
}

TEST(EmergencyModule, AGoodAclsTeamScoresHighAndPasses) {
  const auto run = play("acls-vf", "acls-vf.good.jsonl");
  EXPECT_GE(run.assessment["score"].get<double>(), 90.0) << run.assessment.dump(2);
  EXPECT_TRUE(run.assessment["passed"].get<bool>());
  EXPECT_EQ(run.assessment["outcome"], "completed");
  EXPECT_LE(run.assessment["metrics"]["time_to_first_shock_s"]["value"].get<double>(), 120.0);
}

TEST(EmergencyModule, ALateShockLongPausesTeamScoresLowAndTheReportSaysWhy) {
  const auto run = play("acls-vf", "acls-vf.poor.jsonl");
  EXPECT_LT(run.assessment["score"].get<double>(), 40.0) << run.assessment.dump(2);
  EXPECT_FALSE(run.assessment["passed"].get<bool>());
  EXPECT_TRUE(has_feedback(run.assessment, "Defibrillate VF within 2 minutes"));
  EXPECT_TRUE(has_feedback(run.assessment, "Keep every pause"));
  EXPECT_TRUE(has_feedback(run.assessment, "Compress 5-6 cm deep"));
  EXPECT_GT(run.assessment["metrics"]["time_to_first_shock_s"]["value"].get<double>(), 120.0);
}

// The vital signs sampled once a second, as (time, payload).
std::vector<std::pair<double, json>> vitals_of(const std::vector<Event>& log) {
  std::vector<std::pair<double, json>> out;
  for (const auto& e : log) {
    if (e.type == "vitals")
      out.emplace_back(static_cast<double>(e.tick) / kRate, json::parse(e.payload));
  }
  return out;
}

TEST(EmergencyModule, TraumaTeamsThatControlBleedingFirstPassAndOthersDoNot) {
  const auto good = play("trauma-haemorrhage", "trauma-haemorrhage.good.jsonl", 1, 120);
  EXPECT_EQ(good.assessment["outcome"], "completed");
  EXPECT_GE(good.assessment["score"].get<double>(), 90.0) << good.assessment.dump(2);
  EXPECT_LE(good.assessment["metrics"]["max_atls_class"]["value"].get<double>(), 2.0);
  const auto poor = play("trauma-haemorrhage", "trauma-haemorrhage.poor.jsonl", 1, 120);
  EXPECT_LT(poor.assessment["score"].get<double>(), 40.0) << poor.assessment.dump(2);
  EXPECT_TRUE(
      has_feedback(poor.assessment, "Control catastrophic bleeding within the first minute"));
  EXPECT_TRUE(has_feedback(poor.assessment, "Limit crystalloid to 1 L"));
  // Bleeding left for minutes costs blood: a higher ATLS class than the good team's.
  EXPECT_GT(poor.assessment["metrics"]["max_blood_loss_pct"]["value"].get<double>(),
            good.assessment["metrics"]["max_blood_loss_pct"]["value"].get<double>() + 5.0);
}

TEST(EmergencyModule, StartTriageCountsOverAndUnderTriageSeparately) {
  const auto good = play("triage-start", "triage-start.good.jsonl", 1, 120);
  EXPECT_EQ(good.assessment["outcome"], "completed");
  EXPECT_DOUBLE_EQ(good.assessment["score"].get<double>(), 100.0);
  const auto poor = play("triage-start", "triage-start.poor.jsonl", 1, 120);
  const auto& m = poor.assessment["metrics"];
  EXPECT_DOUBLE_EQ(m["under_triage_count"]["value"].get<double>(), 2.0);  // p4 delayed, p9 minor
  EXPECT_DOUBLE_EQ(m["over_triage_count"]["value"].get<double>(),
                   2.0);                                              // p7 immediate, p2 immediate
  EXPECT_DOUBLE_EQ(m["untagged_count"]["value"].get<double>(), 1.0);  // p10
  EXPECT_FALSE(poor.assessment["passed"].get<bool>());
}

TEST(EmergencyModule, TheTeamsActionsMoveThePatient) {
  // Untreated VF (the poor team starts CPR at 40 s): no forward flow.
  for (const auto& [t, v] : vitals_of(play("acls-vf", "acls-vf.poor.jsonl").log)) {
    if (t < 15 || t > 38) continue;
    EXPECT_LT(v["map_mmHg"].get<double>(), 25.0) << t;
    EXPECT_LT(v["cardiac_output_L_per_min"].get<double>(), 0.5) << t;
  }
  // Good CPR (from 3 s): EtCO2 in the 10-20 mmHg band that AHA 2020 expects
  // of effective compressions (below 10 mmHg suggests poor quality).
  int samples = 0;
  for (const auto& [t, v] : vitals_of(play("acls-vf", "acls-vf.good.jsonl").log)) {
    if (t < 12 || t > 27) continue;
    ++samples;
    EXPECT_GE(v["etco2_mmHg"].get<double>(), 10.0) << t;
    EXPECT_LE(v["etco2_mmHg"].get<double>(), 22.0) << t;
  }
  EXPECT_GE(samples, 10);
}

TEST(EmergencyModule, ReplayingTheLogReproducesTheSessionBitForBit) {
  const auto run = play("acls-vf", "acls-vf.good.jsonl", 7);
  std::string error;
  auto replayed = Session::replay(SessionSetup{"emergency/acls-vf", 7, kRate}, run.log, &error,
                                  emergency_module_factory(kContent, kRate));
  ASSERT_TRUE(replayed.has_value()) << error;
  EXPECT_EQ(replayed->state_hash(), run.hash);
  const auto relog = replayed->drain_events();
  ASSERT_EQ(relog.size(), run.log.size());
  for (std::size_t i = 0; i < relog.size(); ++i) {
    ASSERT_EQ(relog[i].type, run.log[i].type) << i;
    ASSERT_EQ(relog[i].payload, run.log[i].payload) << i;
  }
}

TEST(EmergencyModule, ActionsItCannotTakeAreRefusedWithAReasonAndChangeNothing) {
  auto def = load_emergency_scenario(kContent, "acls-vf");
  ASSERT_TRUE(def.ok());
  auto module = make_emergency_module(*def, EmergencySetup{"acls-vf", "", 1, kRate});
  ASSERT_TRUE(module.ok());
  Session s(
      SessionSetup{"emergency/acls-vf", 1, kRate}, [] { return std::int64_t{0}; },
      std::move(*module));
  const int p = s.add_participant("u", "sam", "trainee");
  s.act(p, "give_drug", R"({"drug":"aspirin","dose_mg":300})");
  s.act(p, "give_drug", R"({"drug":"epinephrine","dose_mg":"one"})");
  s.act(p, "shock", R"({"energy_J":5000})");
  s.act(p, "tag", R"({"patient":"p9","tag":"minor"})");
  s.act(p, "assign_role", R"({"role":"juggler"})");
  s.act(p, "fly", "{}");
  s.step();
  std::vector<std::string> reasons;
  for (const auto& e : s.drain_events()) {
    if (e.type == "action_refused") reasons.push_back(json::parse(e.payload)["reason"]);
    EXPECT_NE(e.type, "drug_given");
    EXPECT_NE(e.type, "shock_delivered");
  }
  ASSERT_EQ(reasons.size(), 6u);
  EXPECT_NE(reasons[0].find("aspirin"), std::string::npos) << reasons[0];
  EXPECT_EQ(reasons[1], "`dose_mg` must be a number");
  EXPECT_NE(reasons[3].find("casualty"), std::string::npos) << reasons[3];
  EXPECT_EQ(reasons[4], "this scenario has no role `juggler`");
  EXPECT_EQ(reasons[5], "unknown team action `fly`");
}

TEST(Trace, MalformedLinesAreRefusedWithTheirLineNumber) {
  EXPECT_EQ(parse_trace("{\"t\":0,\"join\":\"a\"}\n{\"t\":-1,\"cue\":\"x\"}\n", "x.jsonl")
                .error()
                .message,
            "x.jsonl line 2: `t` (seconds) must be a number from 0 to 604800");
  EXPECT_EQ(
      parse_trace("{\"t\":5,\"cue\":\"x\"}\n{\"t\":4,\"cue\":\"y\"}\n", "x.jsonl").error().message,
      "x.jsonl line 2: times must not go backwards (4.000000 s after 5.000000 s)");
  EXPECT_EQ(parse_trace("# comment\n\n{\"t\":1,\"cue\":\"x\",\"pause\":true}\n", "x.jsonl")
                .error()
                .message,
            "x.jsonl line 3: expected exactly one of `join`, `input`, `action`, `cue`, `pause`, "
            "`resume`, `observation`");
  EXPECT_FALSE(parse_trace("not json\n", "x.jsonl").ok());
}

TEST(SessionReport, HoldsTheContractFieldsAndATimelineAndPlotsInHtml) {
  const auto run = play("acls-vf", "acls-vf.poor.jsonl");
  std::vector<Event> log = run.log;
  log.push_back(Event{log.size() + 1, log.back().tick, 0, "assessment", run.assessment.dump()});
  log.push_back(Event{log.size() + 1, log.back().tick, 0, "observation",
                      R"({"text":"<script>alert(1)</script>"})"});
  const auto report = modules::session_report(
      records::SessionInfo{"ses_x", "ACLS", "emergency/acls-vf", kRate}, log);
  for (const char* key :
       {"scenario", "outcome", "score", "passed", "metrics", "feedback", "timeline"}) {
    EXPECT_TRUE(report.json.contains(key)) << key;
  }
  EXPECT_EQ(report.json["scenario"], "acls-vf");
  EXPECT_EQ(report.json["score"], run.assessment["score"]);
  EXPECT_TRUE(report.json["metrics"]["time_to_first_shock_s"].contains("unit"));
  EXPECT_NE(report.html.find("<svg"), std::string::npos);
  EXPECT_NE(report.html.find("shock delivered"), std::string::npos);
  EXPECT_EQ(report.html.find("<script>"), std::string::npos);  // text from the log is escaped
  EXPECT_NE(report.html.find("&lt;script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace medvision::emergency

namespace medvision::emergency {
namespace {

// Replay from a snapshot equals replay from the start: a module restored at
// tick T and given the same actions writes the same events and reaches the
// same state hash as the module that ran through.
TEST(EmergencyModule, ReplayFromASnapshotEqualsReplayFromTheStart) {
  auto factory = modules::module_factory(kContent, kRate);
  struct Step {
    Tick at;
    const char* name;
    const char* params;
  };
  const std::vector<Step> script = {
      {2'000, "compressions", R"({"on": true})"},
      {30'000, "compressions", R"({"on": false})"},
      {31'000, "shock", R"({"energy_J": 200})"},
      {33'000, "compressions", R"({"on": true})"},
      {45'000, "give_drug", R"({"drug": "epinephrine", "dose_mg": 1})"},
      {70'000, "give_fluid", R"({"fluid": "crystalloid", "volume_mL": 500})"},
  };
  const Tick kSnapshotAt = 40'000, kEnd = 90'000;
  struct Written {
    std::vector<std::pair<std::string, std::string>> events;
    std::uint64_t hash = 0;
  };
  // Runs [from, to) and writes what the module emits from `record_from` on.
  const auto run = [&](SessionModule& m, Tick from, Tick to, Written& out) {
    const EventSink sink = [&](std::string_view type, std::string payload) {
      out.events.emplace_back(std::string(type), std::move(payload));
    };
    for (Tick t = from; t < to; ++t) {
      for (const auto& s : script) {
        if (s.at == t) {
          ASSERT_TRUE(m.act(ModuleAction{1, s.name, s.params}, sink).ok()) << s.name;
        }
      }
      m.step(t, sink);
    }
    out.hash = m.state_hash();
  };

  auto through = factory("emergency/acls-vf", 3);
  ASSERT_TRUE(through.ok());
  Written before, after_through;
  (*through)->start([](std::string_view, std::string) {});
  run(**through, 0, kSnapshotAt, before);
  const auto snapshot = (*through)->snapshot();
  ASSERT_NE(snapshot, nullptr);
  run(**through, kSnapshotAt, kEnd, after_through);

  auto restored = factory("emergency/acls-vf", 3);
  ASSERT_TRUE(restored.ok());
  ASSERT_TRUE((*restored)->restore(*snapshot).ok());
  Written after_restored;
  run(**restored, kSnapshotAt, kEnd, after_restored);

  EXPECT_GT(after_through.events.size(), 50u);  // vitals, compressions, the drug, the fluid
  EXPECT_EQ(after_restored.events, after_through.events);
  EXPECT_EQ(after_restored.hash, after_through.hash);
  // A snapshot of another scenario is refused.
  auto trauma = factory("emergency/trauma-haemorrhage", 3);
  ASSERT_TRUE(trauma.ok());
  EXPECT_FALSE((*trauma)->restore(*snapshot).ok());
}

}  // namespace
}  // namespace medvision::emergency
