// The runtime is a deterministic state machine: triggers on signals, events,
// time and cues move it between states, and every move is an event.

#include "scenario/run.h"

#include <gtest/gtest.h>

#include "scenario/payload_json.h"
#include "scenario_test_support.h"

namespace medvision::scenario {
namespace {

using testing::load_ok;
using testing::Signals;
using testing::transcript;
using testing::types;

constexpr double kRate = 10.0;  // ticks per second in these tests

const std::string kHead = R"(id: run
title: Run
module: test
cues: [go, alarm]
variables: {count: 0, label: none}
rubric: {proficiency: 50, items: [{metric: shocks_count, at_most: 1, feedback: f}]}
)";

ScenarioRun start(const ScenarioDef& def, std::string variant = {}) {
  auto run = ScenarioRun::create(def, {kRate, std::move(variant)});
  EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().message);
  return std::move(run).value();
}

StepOutput step(ScenarioRun& run, Tick tick, const Signals& signals = {},
                std::vector<ScenarioEvent> events = {}) {
  return run.step(tick, signals.lookup(), events);
}

TEST(ScenarioRun, FirstStepStartsAndEntersTheInitialState) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    entry:
      - show_prompt: {text: Hello}
      - do_thing: {amount: 3}
    transitions: [{when: {after_s: 1}, goto: a}]
)");
  auto run = start(def);
  EXPECT_FALSE(run.started());
  const auto out = step(run, 100);
  EXPECT_EQ(transcript(out),
            "scenario_started {\"scenario\":\"run\"}\n"
            "state_entered {\"state\":\"a\"}\n"
            "prompt_shown {\"text\":\"Hello\"}\n"
            "scenario_action {\"action\":\"do_thing\",\"amount\":3}\n"
            "action show_prompt {\"text\":\"Hello\"}\n"
            "action do_thing {\"amount\":3}\n");
  EXPECT_EQ(run.state(), "a");
}

TEST(ScenarioRun, TransitionsOnASignalCondition) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{name: low, when: {signal: "level < 30"}, goto: b}]
  - name: b
    entry: [{end: completed}]
)");
  auto run = start(def);
  Signals s;
  s.values["level"] = 50.0;
  step(run, 0, s);
  EXPECT_EQ(run.state(), "a");
  s.values["level"] = 29.5;
  const auto out = step(run, 1, s);
  EXPECT_EQ(types(out), (std::vector<std::string>{"trigger_fired", "state_exited", "state_entered",
                                                  "scenario_ended"}));
  EXPECT_EQ(out.events[0].payload_json(), "{\"state\":\"a\",\"trigger\":\"low\"}");
  EXPECT_EQ(out.events[1].payload_json(), "{\"after_s\":0.10000000000000001,\"state\":\"a\"}");
  EXPECT_EQ(out.events[2].payload_json(), "{\"from\":\"a\",\"state\":\"b\"}");
  EXPECT_EQ(out.events[3].payload_json(),
            "{\"outcome\":\"completed\",\"reason\":\"action\",\"state\":\"b\"}");
  EXPECT_TRUE(run.ended());
  EXPECT_EQ(run.outcome(), Outcome::completed);
  EXPECT_TRUE(step(run, 2, s).events.empty());
}

TEST(ScenarioRun, EnumSignalsCompareByName) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {signal: "mode == busy"}, actions: [{end: failed}]}]
)");
  auto run = start(def);
  Signals s;
  s.values["mode"] = std::string("calm");
  step(run, 0, s);
  EXPECT_FALSE(run.ended());
  s.values["mode"] = std::string("busy");
  step(run, 1, s);
  EXPECT_EQ(run.outcome(), Outcome::failed);
}

TEST(ScenarioRun, MissingSignalIsFalse) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {signal: "level != 5"}, actions: [{end: failed}]}]
)");
  auto run = start(def);
  step(run, 0);
  EXPECT_FALSE(run.ended());
}

TEST(ScenarioRun, TransitionsOnEventsWithPayloadMatchAndCount) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {event: poke, where: {kind: x}, count: 2}, goto: b}]
  - name: b
    entry: [{end: completed}]
)");
  auto run = start(def);
  step(run, 0, {}, {{"poke", {{"kind", std::string("y")}}}});
  step(run, 1, {}, {{"poke", {{"kind", std::string("x")}}}});
  EXPECT_EQ(run.state(), "a");
  step(run, 2, {}, {{"tap", {}}, {"poke", {{"kind", std::string("x")}}}});
  EXPECT_EQ(run.state(), "b");
}

TEST(ScenarioRun, EventsCountOnlySinceTheStateWasEntered) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {event: tap}, goto: b}]
  - name: b
    transitions: [{when: {event: tap, count: 2}, goto: c}]
  - name: c
    entry: [{end: completed}]
)");
  auto run = start(def);
  step(run, 0, {}, {{"tap", {}}});  // a -> b; this tap is a's
  EXPECT_EQ(run.state(), "b");
  step(run, 1, {}, {{"tap", {}}});
  EXPECT_EQ(run.state(), "b");
  step(run, 2, {}, {{"tap", {}}});
  EXPECT_EQ(run.state(), "c");
}

TEST(ScenarioRun, EventTriggerFiresOncePerEventEvenInOneStep) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {after_s: 100}, actions: [{end: completed}]}]
triggers:
  - {when: {event: tap}, actions: [{set: {variable: count, add: 1}}]}
)");
  auto run = start(def);
  step(run, 0, {}, {{"tap", {}}, {"tap", {}}, {"tap", {}}});
  step(run, 1, {}, {{"tap", {}}});
  step(run, 2);
  EXPECT_EQ(std::get<double>(*run.variable("count")), 4.0);
}

TEST(ScenarioRun, LevelTriggerFiresOncePerCrossing) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {after_s: 100}, actions: [{end: completed}]}]
triggers:
  - {when: {signal: "level > 80"}, actions: [{set: {variable: count, add: 1}}]}
)");
  auto run = start(def);
  Signals s;
  const double levels[] = {10, 90, 95, 99, 20, 85, 85};
  Tick t = 0;
  for (const double l : levels) {
    s.values["level"] = l;
    step(run, t++, s);
  }
  EXPECT_EQ(std::get<double>(*run.variable("count")), 2.0);
}

TEST(ScenarioRun, TimeInStateSinceStartAndSinceAnEvent) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {after_s: 2}, goto: b}]
  - name: b
    transitions:
      - {name: since_start, when: {after_s: 5, since: start}, goto: c}
  - name: c
    transitions:
      - {name: since_poke, when: {after_s: 1.5, since: {event: poke, where: {kind: x}}}, actions: [{end: completed}]}
)");
  auto run = start(def);
  step(run, 0);
  step(run, 19);
  EXPECT_EQ(run.state(), "a");
  step(run, 20);  // 2.0 s in a
  EXPECT_EQ(run.state(), "b");
  step(run, 49);
  EXPECT_EQ(run.state(), "b");
  step(run, 50);  // 5.0 s since start
  EXPECT_EQ(run.state(), "c");
  step(run, 100);  // no poke yet: never true
  EXPECT_FALSE(run.ended());
  step(run, 101, {}, {{"poke", {{"kind", std::string("x")}}}});
  step(run, 115);
  EXPECT_FALSE(run.ended());
  step(run, 116);  // 1.5 s after the poke
  EXPECT_TRUE(run.ended());
}

TEST(ScenarioRun, CuesFireTheirTriggersAndAreLogged) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {cue: go}, goto: b}]
  - name: b
    entry: [{play_sound: {sound: bell}}]
    transitions: [{when: {after_s: 100}, actions: [{end: completed}]}]
)");
  auto run = start(def);
  step(run, 0);
  ASSERT_TRUE(run.inject_cue("go", "instructor-1").ok());
  const auto out = step(run, 1);
  EXPECT_EQ(types(out), (std::vector<std::string>{"cue_received", "trigger_fired", "state_exited",
                                                  "state_entered", "scenario_action"}));
  EXPECT_EQ(out.events[0].payload_json(),
            "{\"by\":\"instructor-1\",\"cue\":\"go\",\"state\":\"a\"}");
  EXPECT_EQ(run.state(), "b");
  ASSERT_EQ(out.actions.size(), 1u);
  EXPECT_EQ(out.actions[0].name, "play_sound");
}

TEST(ScenarioRun, UndeclaredCueIsRefusedAtOnce) {
  const auto def =
      load_ok(kHead + "states: [{name: a, transitions: [{when: {cue: go}, goto: a}]}]\n");
  auto run = start(def);
  const auto s = run.inject_cue("vomit");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::not_found);
  EXPECT_EQ(s.error().message, "scenario `run` has no cue `vomit` (cues: go, alarm)");
}

TEST(ScenarioRun, AllAndAnyCombineConditions) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions:
      - when: {all: [{event: tap}, {any: [{signal: "level >= 50"}, {signal: "mode == busy"}]}]}
        goto: b
  - name: b
    transitions:
      - when: {not: {signal: "level >= 50"}}
        actions: [{end: completed}]
)");
  auto run = start(def);
  Signals s;
  s.values["level"] = 10.0;
  s.values["mode"] = std::string("calm");
  step(run, 0, s, {{"tap", {}}});
  EXPECT_EQ(run.state(), "a");  // tap counted, but neither signal holds
  s.values["mode"] = std::string("busy");
  step(run, 1, s);
  EXPECT_EQ(run.state(), "b");  // the earlier tap still counts
  s.values["level"] = 60.0;
  step(run, 2, s);
  EXPECT_FALSE(run.ended());
  s.values["level"] = 40.0;
  step(run, 3, s);
  EXPECT_EQ(run.outcome(), Outcome::completed);
}

TEST(ScenarioRun, PauseFreezesTimeAndResumeContinues) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {after_s: 3}, actions: [{end: completed}]}]
)");
  auto run = start(def);
  step(run, 0);
  step(run, 10);  // 1 s
  ASSERT_TRUE(run.pause("teacher").ok());
  auto out = step(run, 20);  // 2 s, then paused
  EXPECT_EQ(types(out), std::vector<std::string>{"scenario_paused"});
  EXPECT_TRUE(run.paused());
  step(run, 500);  // 48 s later, still paused
  EXPECT_FALSE(run.ended());
  EXPECT_DOUBLE_EQ(run.elapsed_s(), 2.0);
  ASSERT_TRUE(run.resume("teacher").ok());
  out = step(run, 510);
  EXPECT_EQ(types(out), std::vector<std::string>{"scenario_resumed"});
  step(run, 519);
  EXPECT_FALSE(run.ended());
  step(run, 520);  // 3 s of unpaused time
  EXPECT_TRUE(run.ended());
  EXPECT_DOUBLE_EQ(run.elapsed_s(), 3.0);
}

TEST(ScenarioRun, EventsWhilePausedCountAfterResume) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {event: tap}, actions: [{end: completed}]}]
)");
  auto run = start(def);
  step(run, 0);
  ASSERT_TRUE(run.pause().ok());
  step(run, 1, {}, {{"tap", {}}});
  EXPECT_FALSE(run.ended());
  ASSERT_TRUE(run.resume().ok());
  step(run, 2);
  EXPECT_TRUE(run.ended());
}

TEST(ScenarioRun, ObservationIsLoggedWithTheState) {
  const auto def =
      load_ok(kHead + "states: [{name: a, transitions: [{when: {cue: go}, goto: a}]}]\n");
  auto run = start(def);
  step(run, 0);
  ASSERT_TRUE(run.observe("Leader did not assign roles", "dr-who").ok());
  EXPECT_FALSE(run.observe("").ok());
  const auto out = step(run, 1);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].type, "observation");
  EXPECT_EQ(out.events[0].payload_json(),
            "{\"by\":\"dr-who\",\"state\":\"a\",\"text\":\"Leader did not assign roles\"}");
}

TEST(ScenarioRun, TimeLimitEndsWithTheDeclaredOutcome) {
  const auto def = load_ok(R"(id: run
title: Run
module: test
time_limit_s: 2
time_limit_outcome: aborted
rubric: {proficiency: 50, items: [{metric: shocks_count, at_most: 1, feedback: f}]}
states: [{name: a, transitions: [{when: {event: tap}, goto: a}]}]
)");
  auto run = start(def);
  step(run, 0);
  step(run, 19);
  EXPECT_FALSE(run.ended());
  const auto out = step(run, 20);
  EXPECT_EQ(out.events.back().payload_json(),
            "{\"outcome\":\"aborted\",\"reason\":\"time_limit\",\"state\":\"a\"}");
  EXPECT_EQ(run.outcome(), Outcome::aborted);
  EXPECT_FALSE(run.pause().ok());
}

TEST(ScenarioRun, EntryGotoChainsWithinTheStep) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    entry: [{goto: b}]
  - name: b
    entry: [{set: {variable: label, value: reached}}]
    transitions: [{when: {after_s: 1}, actions: [{end: completed}]}]
)");
  auto run = start(def);
  const auto out = step(run, 0);
  EXPECT_EQ(run.state(), "b");
  EXPECT_EQ(types(out),
            (std::vector<std::string>{"scenario_started", "state_entered", "state_exited",
                                      "state_entered", "variable_set"}));
  EXPECT_EQ(std::get<std::string>(*run.variable("label")), "reached");
}

TEST(ScenarioRun, VariantSetsVariables) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {variable: "label == hard"}, actions: [{end: failed}]}]
variants:
  - {name: hard, variables: {label: hard}}
)");
  auto base = start(def);
  step(base, 0);
  EXPECT_FALSE(base.ended());
  auto hard = start(def, "hard");
  step(hard, 0);
  EXPECT_EQ(hard.outcome(), Outcome::failed);
  const auto missing = ScenarioRun::create(def, {kRate, "easy"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "scenario `run` has no variant `easy` (variants: hard)");
}

TEST(ScenarioRun, RuntimeIgnoresItsOwnEventsFedBack) {
  const auto def =
      load_ok(kHead + "states: [{name: a, transitions: [{when: {event: tap}, goto: a}]}]\n");
  auto run = start(def);
  auto out = step(run, 0);
  std::vector<ScenarioEvent> fed;
  for (const auto& e : out.events) fed.push_back({e.type, e.payload});
  out = step(run, 1, {}, fed);
  EXPECT_TRUE(out.events.empty());
}

TEST(ScenarioRun, SameInputsGiveTheSameOutputsBitForBit) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions:
      - {when: {signal: "level > 70"}, goto: b}
      - {when: {after_s: 0.7}, actions: [{do_thing: {amount: 0.1}}]}
  - name: b
    entry: [{set: {variable: count, add: 0.1}}]
    transitions:
      - {when: {event: poke}, goto: a}
      - {when: {cue: alarm}, actions: [{end: completed}]}
)");
  const auto drive = [&](ScenarioRun run) {
    std::string log;
    Signals s;
    for (Tick t = 0; t < 400; ++t) {
      s.values["level"] = static_cast<double>((t * 37) % 100);
      std::vector<ScenarioEvent> ev;
      if (t % 13 == 0) ev.push_back({"poke", {{"kind", std::string(t % 2 ? "x" : "y")}}});
      if (t == 200) {
        EXPECT_TRUE(run.pause("i").ok());
      }
      if (t == 230) {
        EXPECT_TRUE(run.resume("i").ok());
      }
      if (t == 390) {
        EXPECT_TRUE(run.inject_cue("alarm").ok());
      }
      log += std::to_string(t) + "\n" + transcript(run.step(t, s.lookup(), ev));
    }
    return log;
  };
  const auto first = drive(start(def));
  EXPECT_EQ(first, drive(start(def)));
  EXPECT_NE(first.find("scenario_ended"), std::string::npos);
}

TEST(ScenarioRun, CopyIsASnapshot) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions: [{when: {event: tap, count: 2}, actions: [{end: completed}]}]
)");
  auto run = start(def);
  step(run, 0, {}, {{"tap", {}}});
  ScenarioRun snapshot = run;
  step(run, 1, {}, {{"tap", {}}});
  EXPECT_TRUE(run.ended());
  EXPECT_FALSE(snapshot.ended());
  step(snapshot, 1, {}, {{"tap", {}}});
  EXPECT_TRUE(snapshot.ended());
}

TEST(PayloadJson, SessionPayloadsBecomeFlatFields) {
  const auto e = scenario_event("drug_given",
                                R"({"drug":"epinephrine","dose_mg":1,"iv":true,"nested":{"a":1}})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(to_json(e->fields), R"({"dose_mg":1,"drug":"epinephrine","iv":true})");
  EXPECT_FALSE(fields_from_json("{not json").ok());
  EXPECT_FALSE(fields_from_json("[1,2]").ok());
}

TEST(PayloadJson, StringsAreEscaped) {
  EXPECT_EQ(to_json({{"text", std::string("say \"hi\"\n\\")}}), R"({"text":"say \"hi\"\n\\"})");
}

}  // namespace
}  // namespace medvision::scenario
