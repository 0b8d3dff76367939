// The loader refuses every kind of bad scenario with a message naming the
// file, the line and the field.

#include "scenario/loader.h"

#include <gtest/gtest.h>

#include "scenario_test_support.h"

namespace medvision::scenario {
namespace {

using testing::load_error;
using testing::load_ok;

// Lines 1-12 of every scenario below; tests append states and triggers.
const std::string kHead = R"(id: t
title: T
module: emergency
time_limit_s: 600
roles:
  - {name: team_leader, min: 1, max: 1}
cues: [patient_vomits]
variables: {doses: 0}
rubric:
  proficiency: 50
  items:
    - {metric: shocks_count, weight: 1, at_most: 1, feedback: f}
)";

TEST(ScenarioLoader, LoadsAMinimalScenario) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions:
      - {when: {after_s: 5}, actions: [{end: completed}]}
)");
  ASSERT_EQ(def.states.size(), 1u);
  EXPECT_EQ(def.id, "t");
  EXPECT_EQ(def.module, "emergency");
  EXPECT_EQ(def.roles.front().name, "team_leader");
  EXPECT_EQ(def.rubric.proficiency, 50);
  EXPECT_EQ(def.trigger_slots, 1);
}

TEST(ScenarioLoader, WrongTypeNamesFileLineAndField) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - give_drug: {drug: epinephrine, dose_mg: one}
      - end: completed
)",
                       "acls-vf.yaml"),
            "acls-vf.yaml line 16: `dose_mg` must be a number, got 'one'");
}

TEST(ScenarioLoader, QuotedNumberIsNotANumber) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - give_drug: {drug: epinephrine, dose_mg: "1"}
)"),
            "t.yaml line 16: `dose_mg` must be a number, got '1'");
}

TEST(ScenarioLoader, UnknownKeySuggestsTheIntendedOne) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    trasitions: []
)"),
            "t.yaml line 15: unknown key `trasitions` in a state; did you mean `transitions`?");
}

TEST(ScenarioLoader, UnknownTopLevelKeyListsTheAllowedOnes) {
  const std::string message =
      load_error("colour: blue\n" + kHead + "states: [{name: a, entry: [{end: completed}]}]\n");
  EXPECT_EQ(
      message.rfind(
          "t.yaml line 1: unknown key `colour` in the scenario (allowed: id, title, module,", 0),
      0u)
      << message;
}

TEST(ScenarioLoader, UnknownActionIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - give_drugs: {drug: epinephrine, dose_mg: 1}
)"),
            "t.yaml line 16: unknown action `give_drugs` for module `emergency`; did you mean "
            "`give_drug`?");
}

TEST(ScenarioLoader, UnknownAndMissingParametersAreBothReported) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - give_drug: {drug: epinephrine, dose: 1}
)"),
            "t.yaml line 16: action `give_drug` has no parameter `dose`; did you mean `dose_mg`?\n"
            "t.yaml line 16: action `give_drug` needs `dose_mg`");
}

TEST(ScenarioLoader, ParameterOutOfRangeIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - shock:
          energy_J: 1000
)"),
            "t.yaml line 17: `energy_J` must be between 1 and 400 J, got 1000");
}

TEST(ScenarioLoader, EnumerationParameterListsItsChoices) {
  EXPECT_EQ(
      load_error(kHead + R"(states:
  - name: a
    entry:
      - give_drug: {drug: adrenaline, dose_mg: 1}
)"),
      "t.yaml line 16: `drug` must be one of epinephrine, amiodarone, lidocaine, got 'adrenaline'");
}

TEST(ScenarioLoader, UnknownSignalIsRefused) {
  EXPECT_EQ(
      load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {signal: "map_mmhg < 65"}
        actions: [{end: failed}]
)"),
      "t.yaml line 16: unknown signal `map_mmhg` for module `emergency`; did you mean `map_mmHg`?");
}

TEST(ScenarioLoader, MalformedComparisonIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {signal: "map_mmHg is low"}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: 'map_mmHg is low' is not a comparison; write `name op value` with op "
            "one of <, "
            "<=, >, >=, ==, != (e.g. `map_mmHg < 65`)");
}

TEST(ScenarioLoader, UnknownEventIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {event: shock_delivred}
        actions: [{end: completed}]
)"),
            "t.yaml line 16: unknown event `shock_delivred` for module `emergency`; did you mean "
            "`shock_delivered`?");
}

TEST(ScenarioLoader, EventPayloadMatchIsCheckedAgainstTheEvent) {
  EXPECT_EQ(
      load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {event: drug_given, where: {drug: aspirin}}
        actions: [{end: completed}]
)"),
      "t.yaml line 16: `drug` must be one of epinephrine, amiodarone, lidocaine, got 'aspirin'");
}

TEST(ScenarioLoader, GotoToAMissingStateIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {after_s: 5}
        goto: cpr2
  - name: cpr
    entry: [{end: completed}]
)"),
            "t.yaml line 17: `goto` names state `cpr2`, which does not exist; did you mean `cpr`?");
}

TEST(ScenarioLoader, GotoActionToAMissingStateIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - goto: nowhere
)"),
            "t.yaml line 16: `goto` names state `nowhere`, which does not exist");
}

TEST(ScenarioLoader, UnreachableStateIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - {when: {after_s: 5}, goto: b}
  - name: b
    entry: [{end: completed}]
  - name: orphan
    entry: [{end: failed}]
)"),
            "t.yaml line 19: state `orphan` cannot be reached from the initial state `a`: no "
            "transition or "
            "goto leads to it");
}

TEST(ScenarioLoader, GlobalTriggerTargetsAreReachable) {
  const auto def = load_ok(kHead + R"(states:
  - name: a
    transitions:
      - {when: {after_s: 5}, actions: [{end: completed}]}
  - name: vomiting
    entry: [{end: failed}]
triggers:
  - {when: {cue: patient_vomits}, goto: vomiting}
)");
  EXPECT_EQ(def.states.size(), 2u);
}

TEST(ScenarioLoader, UndeclaredCueCanNeverFire) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {cue: patient_vomit}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: cue `patient_vomit` is not declared in `cues`, so this trigger can "
            "never fire");
}

TEST(ScenarioLoader, TimeTriggerBeyondTheTimeLimitCanNeverFire) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {after_s: 900, since: start}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: `after_s: 900` can never be reached: the scenario ends at "
            "`time_limit_s: 600`");
}

TEST(ScenarioLoader, EnumSignalComparedWithAValueItCannotTake) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {signal: "rhythm == vfib"}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: 'rhythm == vfib' can never be decided: `rhythm` takes normal_sinus, "
            "sinus_tachycardia, "
            "vf_coarse, vf_fine, pulseless_vt, pea, asystole, never 'vfib'");
}

TEST(ScenarioLoader, EnumSignalCannotBeOrdered) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {signal: "rhythm < pea"}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: signal `rhythm` takes named values; compare it with == or !=");
}

TEST(ScenarioLoader, NumericComparisonOutsideTheSignalRangeCanNeverBeTrue) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {signal: "spo2 > 100"}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: 'spo2 > 100' can never be true: `spo2` ranges from 0 to 100 %");
}

TEST(ScenarioLoader, VariableComparisonMustFitItsType) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {variable: "doses >= many"}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: variable `doses` is a number; compare it with a number, not 'many'");
}

TEST(ScenarioLoader, RoleWithMinAboveMaxIsRefused) {
  EXPECT_EQ(load_error(R"(id: t
title: T
module: emergency
roles:
  - {name: compressor, min: 3, max: 2}
states: [{name: a, entry: [{end: completed}]}]
rubric: {proficiency: 50, items: [{metric: shocks_count, at_most: 1, feedback: f}]}
)"),
            "t.yaml line 5: role `compressor`: `min` (3) is greater than `max` (2)");
}

TEST(ScenarioLoader, RubricWeightMustBePositive) {
  EXPECT_EQ(load_error(R"(id: t
title: T
module: emergency
states: [{name: a, entry: [{end: completed}]}]
rubric:
  proficiency: 50
  items:
    - metric: time_to_first_shock_s
      weight: 0
      at_most: 120
      feedback: Shock sooner.
)"),
            "t.yaml line 9: rubric item `time_to_first_shock_s`: `weight` must be positive, got 0");
}

// A renamed metric would fail every trainee without a word: the loader
// checks rubric items against the metrics the module declares.
TEST(ScenarioLoader, RubricMetricTheModuleDoesNotMeasureIsRefusedWithASuggestion) {
  EXPECT_EQ(load_error(R"(id: t
title: T
module: emergency
states: [{name: a, entry: [{end: completed}]}]
rubric:
  proficiency: 50
  items:
    - {metric: time_to_first_shok_s, at_most: 120, feedback: Shock sooner.}
)"),
            "t.yaml line 8: rubric item names metric `time_to_first_shok_s`, which module "
            "`emergency` does not measure; did you mean `time_to_first_shock_s`?");
}

TEST(ScenarioLoader, RoleActionParticipantsCannotTakeIsRefusedWithASuggestion) {
  EXPECT_EQ(load_error(R"(id: t
title: T
module: emergency
roles:
  - {name: medications, min: 1, max: 1, actions: [give_drug, give_fluids]}
states: [{name: a, entry: [{end: completed}]}]
rubric: {proficiency: 50, items: [{metric: shocks_count, at_most: 1, feedback: f}]}
)"),
            "t.yaml line 5: role `medications` lists `give_fluids`, which is not an action "
            "participants of module `emergency` take; did you mean `give_fluid`?");
}

TEST(ScenarioLoader, ProficiencyMustBeAPercentage) {
  EXPECT_EQ(load_error(R"(id: t
title: T
module: emergency
states: [{name: a, entry: [{end: completed}]}]
rubric: {proficiency: 120, items: [{metric: shocks_count, at_most: 1, feedback: f}]}
)"),
            "t.yaml line 5: `proficiency` must be between 0 and 100, got 120");
}

TEST(ScenarioLoader, MissingRequiredFieldsAreNamed) {
  EXPECT_EQ(load_error(R"(id: t
module: emergency
states: [{name: a, entry: [{end: completed}]}]
rubric: {proficiency: 50, items: [{metric: shocks_count, at_most: 1}]}
)"),
            "t.yaml line 1: the scenario needs `title`\n"
            "t.yaml line 4: a rubric item needs `feedback`");
}

TEST(ScenarioLoader, UnknownModuleIsRefused) {
  EXPECT_EQ(load_error(R"(id: t
title: T
module: emergancy
)"),
            "t.yaml line 3: unknown module `emergancy`; did you mean `emergency`?");
}

TEST(ScenarioLoader, SyntaxErrorIsAnErrorWithItsLine) {
  EXPECT_EQ(load_error("id: t\ntitle: [unclosed\nmodule: emergency\n"),
            "t.yaml line 3: YAML syntax error: end of sequence flow not found");
}

TEST(ScenarioLoader, DocumentThatIsNotAMapIsRefused) {
  EXPECT_EQ(load_error("- just\n- a list\n"),
            "t.yaml line 1: the scenario must be a map of `key: value`, got a list");
  EXPECT_EQ(load_error(""),
            "t.yaml line 1: the scenario must be a map of `key: value`, got nothing");
}

TEST(ScenarioLoader, EntryGotoLoopIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry: [{goto: b}]
  - name: b
    entry: [{goto: a}]
)"),
            "t.yaml line 14: entry actions go round in a loop (a -> b -> a); the scenario would "
            "never settle");
}

TEST(ScenarioLoader, TriggerThatDoesNothingIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry: [{end: completed}]
triggers:
  - {name: idle, when: {after_s: 1}}
)"),
            "t.yaml line 17: trigger `idle` does nothing; give it `actions` or `goto`");
}

TEST(ScenarioLoader, ActionsAfterEndAreRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - end: completed
      - play_sound: {sound: beep}
)"),
            "t.yaml line 16: `end` must be the last action of its list; actions after it would "
            "never run");
}

TEST(ScenarioLoader, PromptForAnUndeclaredRoleIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    entry:
      - show_prompt: {text: "Intubate", role: airways}
)"),
            "t.yaml line 16: `show_prompt` names role `airways`, which is not declared in `roles`");
}

TEST(ScenarioLoader, UnknownPatientSettingIsRefused) {
  EXPECT_EQ(load_error(kHead + R"(patient: {preset: standard-male, rythm: vf_coarse}
states: [{name: a, entry: [{end: completed}]}]
)"),
            "t.yaml line 13: the patient has no parameter `rythm`; did you mean `rhythm`?");
}

TEST(ScenarioLoader, ConditionWithTwoKindsMustBeCombinedExplicitly) {
  EXPECT_EQ(load_error(kHead + R"(states:
  - name: a
    transitions:
      - when: {event: shock_delivered, cue: patient_vomits}
        actions: [{end: failed}]
)"),
            "t.yaml line 16: a condition has one of signal, variable, event, cue, after_s, all, "
            "any, not; "
            "found event and cue (combine them with `all` or `any`)");
}

TEST(ScenarioLoader, EveryProblemIsReportedAtOnce) {
  const std::string message = load_error(kHead + R"(states:
  - name: a
    entry:
      - give_drug: {drug: epinephrine, dose_mg: one}
      - shock: {energy_J: 0}
    transitions:
      - {when: {cue: nobody}, goto: a}
)");
  EXPECT_EQ(
      message,
      "t.yaml line 16: `dose_mg` must be a number, got 'one'\n"
      "t.yaml line 17: `energy_J` must be between 1 and 400 J, got 0\n"
      "t.yaml line 19: cue `nobody` is not declared in `cues`, so this trigger can never fire");
}

TEST(ScenarioLoader, DeeplyNestedConditionsAreRefusedNotOverflowed) {
  std::string when;
  for (int i = 0; i < 40; ++i) when += "{not: ";
  when += "{after_s: 1}";
  for (int i = 0; i < 40; ++i) when += "}";
  const std::string message =
      load_error(kHead + "states:\n  - name: a\n    transitions:\n      - {when: " + when +
                 ", actions: [{end: failed}]}\n");
  EXPECT_NE(message.find("conditions nest deeper than 32 levels"), std::string::npos) << message;
}

TEST(ScenarioLoader, AliasBombIsRefused) {
  // Each level names the previous one ten times: 10^9 conditions if expanded.
  std::string yaml = kHead + "x0: &a0 {after_s: 1}\n";
  for (int i = 1; i <= 9; ++i) {
    yaml += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " {any: [";
    for (int j = 0; j < 10; ++j) yaml += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
    yaml += "]}\n";
  }
  yaml += "states:\n  - name: a\n    transitions:\n      - {when: *a9, actions: [{end: failed}]}\n";
  const std::string message = load_error(yaml);
  EXPECT_NE(message.find("too large or too deeply aliased"), std::string::npos) << message;
}

TEST(ScenarioLoader, MissingFileIsNotFound) {
  const auto def = load_scenario_file("/nonexistent/acls.yaml", testing::registry());
  ASSERT_FALSE(def.ok());
  EXPECT_EQ(def.error().code, ErrorCode::not_found);
}

TEST(CatalogRegistry, RefusesAModuleActionNamedLikeABuiltIn) {
  CatalogRegistry registry;
  Catalog c;
  c.module = "x";
  c.actions = {{"goto", {}}};
  const auto s = registry.add(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "catalog `x` action `goto` has the name of a built-in action");
}

TEST(CatalogRegistry, RefusesTwoCatalogsForOneModule) {
  CatalogRegistry registry;
  EXPECT_TRUE(registry.add(testing::test_catalog()).ok());
  const auto s = registry.add(testing::test_catalog());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::conflict);
}

}  // namespace
}  // namespace medvision::scenario
