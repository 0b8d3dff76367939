#include "modules/emergency/team_metrics.h"

#include <gtest/gtest.h>

#include "assess/rubric.h"

namespace medvision::assess {
namespace {

constexpr double kRate = 1000.0;  // ticks per second

// A log written by hand: (seconds, type, payload).
class LogBuilder {
 public:
  LogBuilder& add(double t_s, const std::string& type, const std::string& payload = "{}") {
    log_.push_back(Event{++seq_, static_cast<std::uint64_t>(t_s * kRate), 0, type, payload});
    return *this;
  }
  LogView view() const { return LogView(log_, kRate); }

 private:
  std::vector<Event> log_;
  std::uint64_t seq_ = 0;
};

TEST(ResuscitationMetrics, TimesAreMeasuredFromTheOnsetOfArrest) {
  LogBuilder b;
  b.add(0, "rhythm_changed", R"({"rhythm":"normal_sinus"})")
      .add(20, "rhythm_changed", R"({"rhythm":"vf_coarse"})")
      .add(32, "compressions_started")
      .add(65, "shock_delivered", R"({"energy_J":200})")
      .add(200, "rhythm_changed", R"({"rhythm":"normal_sinus"})");
  const auto m = resuscitation_metrics(b.view());
  EXPECT_DOUBLE_EQ(m.at("time_to_first_compression_s").value, 12.0);
  EXPECT_DOUBLE_EQ(m.at("time_to_first_shock_s").value, 45.0);
  EXPECT_DOUBLE_EQ(m.at("arrest_duration_s").value, 180.0);
  EXPECT_DOUBLE_EQ(m.at("rosc").value, 1.0);
}

TEST(ResuscitationMetrics, CompressionFractionAndPausesFollowTheirDefinitions) {
  // Arrest 0-100 s. Compressions 5-40, 45-60 (pause 5 s), 75-100 (pause 15 s).
  // Fraction = (35 + 15 + 25) / 100 = 75 %; one pause over 10 s; longest 15 s.
  LogBuilder b;
  b.add(0, "rhythm_changed", R"({"rhythm":"vf_coarse"})")
      .add(5, "compressions_started")
      .add(40, "compressions_stopped")
      .add(45, "compressions_started")
      .add(60, "compressions_stopped")
      .add(75, "compressions_started")
      .add(100, "session_ended");
  const auto m = resuscitation_metrics(b.view());
  EXPECT_NEAR(m.at("compression_fraction_pct").value, 75.0, 1e-9);
  EXPECT_DOUBLE_EQ(m.at("pauses_over_10s_count").value, 1.0);
  EXPECT_DOUBLE_EQ(m.at("longest_pause_s").value, 15.0);
  EXPECT_DOUBLE_EQ(m.at("rosc").value, 0.0);
}

TEST(ResuscitationMetrics, CompressionQualityCountsCompressionsWithinGuidelineTargets) {
  LogBuilder b;
  b.add(0, "rhythm_changed", R"({"rhythm":"vf_fine"})");
  b.add(1, "compression", R"({"depth_mm":55,"rate_per_min":110})");  // both in target
  b.add(2, "compression", R"({"depth_mm":45,"rate_per_min":110})");  // too shallow
  b.add(3, "compression", R"({"depth_mm":60,"rate_per_min":130})");  // too fast
  b.add(4, "compression", R"({"depth_mm":50,"rate_per_min":100})");  // edges count as in target
  const auto m = resuscitation_metrics(b.view());
  EXPECT_DOUBLE_EQ(m.at("compression_depth_in_target_pct").value, 75.0);
  EXPECT_DOUBLE_EQ(m.at("compression_rate_in_target_pct").value, 75.0);
}

TEST(ResuscitationMetrics, DrugTimingIsCheckedAgainstTheAlgorithm) {
  // Epinephrine at 120, 330 (210 s: fine), 400 (70 s: too soon); amiodarone
  // 300 then 300 (the second should be 150).
  LogBuilder b;
  b.add(0, "rhythm_changed", R"({"rhythm":"pulseless_vt"})")
      .add(120, "drug_given", R"({"drug":"epinephrine","dose_mg":1})")
      .add(200, "drug_given", R"({"drug":"amiodarone","dose_mg":300})")
      .add(330, "drug_given", R"({"drug":"epinephrine","dose_mg":1})")
      .add(380, "drug_given", R"({"drug":"amiodarone","dose_mg":300})")
      .add(400, "drug_given", R"({"drug":"epinephrine","dose_mg":1})")
      .add(500, "rhythm_changed", R"({"rhythm":"sinus_tachycardia"})");
  const auto m = resuscitation_metrics(b.view());
  EXPECT_DOUBLE_EQ(m.at("epinephrine_doses_count").value, 3.0);
  EXPECT_DOUBLE_EQ(m.at("time_to_first_epinephrine_s").value, 120.0);
  EXPECT_DOUBLE_EQ(m.at("epinephrine_interval_violations_count").value, 1.0);
  EXPECT_DOUBLE_EQ(m.at("amiodarone_dose_errors_count").value, 1.0);
  EXPECT_DOUBLE_EQ(m.at("epinephrine_interval_max_s").value, 210.0);
  // No third shock: amiodarone was never indicated, so the item is not done
  // (docs/emergency.md, "Clinical rules"), whatever was given.
  EXPECT_EQ(m.count("amiodarone_after_third_shock"), 0u);
}

TEST(ResuscitationMetrics, AmiodaroneCountsWhenGivenAfterTheThirdShock) {
  LogBuilder b;
  b.add(0, "rhythm_changed", R"({"rhythm":"vf_coarse"})")
      .add(60, "shock_delivered", R"({"energy_J":200})")
      .add(180, "shock_delivered", R"({"energy_J":200})")
      .add(300, "shock_delivered", R"({"energy_J":200})")
      .add(320, "drug_given", R"({"drug":"amiodarone","dose_mg":300})");
  EXPECT_DOUBLE_EQ(resuscitation_metrics(b.view()).at("amiodarone_after_third_shock").value, 1.0);
  LogBuilder early;
  early.add(0, "rhythm_changed", R"({"rhythm":"vf_coarse"})")
      .add(60, "shock_delivered", R"({"energy_J":200})")
      .add(120, "rhythm_changed", R"({"rhythm":"normal_sinus"})");
  // ROSC after one shock: never indicated, not done (absent), never "met".
  EXPECT_EQ(resuscitation_metrics(early.view()).count("amiodarone_after_third_shock"), 0u);
  LogBuilder before;
  before.add(0, "rhythm_changed", R"({"rhythm":"vf_coarse"})")
      .add(60, "shock_delivered", R"({"energy_J":200})")
      .add(100, "drug_given", R"({"drug":"amiodarone","dose_mg":300})")
      .add(180, "shock_delivered", R"({"energy_J":200})")
      .add(300, "shock_delivered", R"({"energy_J":200})");
  EXPECT_DOUBLE_EQ(resuscitation_metrics(before.view()).at("amiodarone_after_third_shock").value,
                   0.0);  // given before it was indicated
}

TEST(ResuscitationMetrics, ThingsNeverDoneAreAbsentNotZero) {
  LogBuilder b;
  b.add(0, "rhythm_changed", R"({"rhythm":"asystole"})").add(60, "session_ended");
  const auto m = resuscitation_metrics(b.view());
  EXPECT_EQ(m.count("time_to_first_compression_s"), 0u);
  EXPECT_EQ(m.count("time_to_first_shock_s"), 0u);
  EXPECT_DOUBLE_EQ(m.at("compression_fraction_pct").value, 0.0);
}

TEST(TriageMetrics, OverAndUnderTriageAreCountedSeparately) {
  const std::vector<ExpectedTag> expected = {{"p1", "minor"},
                                             {"p2", "delayed"},
                                             {"p3", "immediate"},
                                             {"p4", "expectant"},
                                             {"p5", "immediate"}};
  LogBuilder b;
  b.add(10, "patient_tagged", R"({"patient":"p1","tag":"delayed"})")     // over
      .add(20, "patient_tagged", R"({"patient":"p2","tag":"delayed"})")  // correct
      .add(30, "patient_tagged", R"({"patient":"p3","tag":"minor"})")    // under ...
      .add(35, "patient_tagged",
           R"({"patient":"p3","tag":"delayed"})")  // ... still under (last tag counts)
      .add(40, "patient_tagged", R"({"patient":"p4","tag":"immediate"})");  // over
  const auto m = triage_metrics(b.view(), expected);
  EXPECT_DOUBLE_EQ(m.at("triage_correct_count").value, 1.0);
  EXPECT_DOUBLE_EQ(m.at("over_triage_count").value, 2.0);
  EXPECT_DOUBLE_EQ(m.at("under_triage_count").value, 1.0);
  EXPECT_DOUBLE_EQ(m.at("untagged_count").value, 1.0);
  EXPECT_DOUBLE_EQ(m.at("triage_accuracy_pct").value, 20.0);
  EXPECT_DOUBLE_EQ(m.at("mean_time_per_patient_s").value, 10.0);  // last tag at 40 s, 4 tagged
}

TEST(HaemorrhageMetrics, AtlsClassFollowsTheBloodLossThresholds) {
  for (const auto& [loss, cls] :
       std::vector<std::pair<double, double>>{{0.10, 1}, {0.20, 2}, {0.35, 3}, {0.45, 4}}) {
    LogBuilder b;
    b.add(30, "tourniquet_applied", R"({"site":"left thigh"})")
        .add(40, "fluid_given", R"({"fluid":"crystalloid","volume_mL":500})")
        .add(60, "vitals", nlohmann::json{{"blood_loss_fraction", loss}}.dump());
    const auto m = haemorrhage_metrics(b.view());
    EXPECT_DOUBLE_EQ(m.at("atls_class_at_end").value, cls) << loss;
    EXPECT_DOUBLE_EQ(m.at("time_to_haemorrhage_control_s").value, 30.0);
    EXPECT_DOUBLE_EQ(m.at("time_to_tourniquet_s").value, 30.0);
    EXPECT_DOUBLE_EQ(m.at("crystalloid_volume_mL").value, 500.0);
    EXPECT_EQ(m.count("time_to_blood_s"), 0u);
  }
}

TEST(RoleMetrics, CoverageIsTheShareOfRequiredRolesAssigned) {
  LogBuilder b;
  b.add(1, "role_assigned", R"({"role":"team_leader","participant":1})")
      .add(2, "role_assigned", R"({"role":"compressor","participant":2})")
      .add(3, "role_assigned", R"({"role":"compressor","participant":3})");
  const auto m = role_metrics(b.view(), {"team_leader", "compressor", "airway", "medications"});
  EXPECT_DOUBLE_EQ(m.at("role_coverage_pct").value, 50.0);
}

TEST(Rubric, ScoreIsTheEarnedShareOfWeightsAndFeedbackNamesWhatWasMissed) {
  Rubric r;
  r.proficiency = 70;
  r.items = {{"time_to_first_shock_s", Comparison::at_most, 0, 120, 3,
              "Deliver the first shock within 2 minutes."},
             {"compression_fraction_pct", Comparison::at_least, 80, 0, 2,
              "Keep compressions going over 80 % of the time."},
             {"compression_rate_in_target_pct", Comparison::between, 80, 100, 1,
              "Push at 100-120 per minute."},
             {"time_to_first_epinephrine_s", Comparison::at_most, 0, 300, 1,
              "Give epinephrine early.", "Time to first epinephrine"}};
  const Measurements m = {{"time_to_first_shock_s", {90, "s"}},
                          {"compression_fraction_pct", {70, "%"}},
                          {"compression_rate_in_target_pct", {85, "%"}}};
  const auto a = score(r, m);
  EXPECT_NEAR(a.score, 100.0 * 4 / 7, 1e-9);
  EXPECT_FALSE(a.passed);
  ASSERT_EQ(a.feedback.size(), 2u);
  EXPECT_EQ(a.feedback[0], "Keep compressions going over 80 % of the time.");  // heavier first
  // Never measured: missed, and its advice about how to do it is not given.
  EXPECT_EQ(a.feedback[1], "Not done: Time to first epinephrine.");
  EXPECT_FALSE(a.items[3].measured.has_value());
  EXPECT_EQ(describe_target(r.items[2], "%"), "between 80 and 100 %");
  // Values and targets in words.
  EXPECT_EQ(describe_value(1.0, "boolean"), "yes");
  EXPECT_EQ(describe_value(0.0, "boolean"), "no");
  EXPECT_EQ(describe_value(2.0, "count"), "2");
  EXPECT_EQ(describe_value(57.64, "%"), "57.6 %");
  EXPECT_EQ(describe_value(195.0, "s"), "195 s");
  RubricItem yes{"amiodarone_after_third_shock", Comparison::at_least, 1, 0, 5, "Give it."};
  EXPECT_EQ(describe_target(yes, "boolean"), "yes");
}

}  // namespace
}  // namespace medvision::assess
