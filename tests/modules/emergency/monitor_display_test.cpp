// What the monitor shows, against what a real monitor can measure
// (monitor_display.h): the expectations are the rules, stated per case.

#include "modules/emergency/monitor_display.h"

#include <gtest/gtest.h>

#include "physio/rhythm.h"

namespace medvision::emergency {
namespace {

physio::Vitals vitals(physio::Rhythm rhythm) {
  physio::Vitals v;
  v.rhythm = rhythm;
  const bool perfusing = physio::is_perfusing(rhythm);
  v.heart_rate_per_min = perfusing ? 88 : 0;
  v.systolic_mmHg = perfusing ? 118 : 12;
  v.diastolic_mmHg = perfusing ? 76 : 8;
  v.map_mmHg = perfusing ? 90 : 10;
  v.respiration_rate_per_min = 14;  // what the physiology's drive says
  v.spo2 = 0.97;
  return v;
}

TEST(MonitorDisplay, InVfThereIsNoRateNoPlethNoBreathingAndTheCuffFails) {
  MonitorDisplay m;
  physio::PatientState s;
  const auto j = m.sample(vitals(physio::Rhythm::vf_coarse), s, 0.0);
  EXPECT_TRUE(j["heart_rate_per_min"].is_null());
  EXPECT_TRUE(j["spo2_pct"].is_null()) << "no pulsatile flow, no SpO2";
  EXPECT_EQ(j["respiration_rate_per_min"], 0.0) << "no spontaneous breathing in arrest";
  EXPECT_TRUE(j["nibp"].is_null());
  EXPECT_EQ(j["nibp_failed_at_s"], 0.0);
  EXPECT_EQ(j["code_time_s"], 0.0);
  // Ventilated with a bag at 10/min: the monitor counts those breaths.
  s.interventions.ventilation_rate_per_min = 10;
  EXPECT_EQ(m.sample(vitals(physio::Rhythm::vf_coarse), s, 5.0)["respiration_rate_per_min"], 10.0);
}

TEST(MonitorDisplay, TheCodeTimerRunsFromTheOnsetAndStopsAtRosc) {
  MonitorDisplay m;
  physio::PatientState s;
  EXPECT_TRUE(m.sample(vitals(physio::Rhythm::normal_sinus), s, 0.0)["code_time_s"].is_null());
  m.sample(vitals(physio::Rhythm::vf_coarse), s, 10.0);
  s.interventions.cpr = true;
  const auto during = m.sample(vitals(physio::Rhythm::vf_coarse), s, 70.0);
  EXPECT_EQ(during["code_time_s"], 60.0);
  EXPECT_EQ(during["cpr_cycle_s"], 0.0) << "the cycle starts with the compressions";
  EXPECT_EQ(m.sample(vitals(physio::Rhythm::vf_coarse), s, 130.0)["cpr_cycle_s"], 60.0);
  s.interventions.cpr = false;
  s.electrical.shocks = 3;
  const auto rosc = m.sample(vitals(physio::Rhythm::sinus_tachycardia), s, 200.0);
  EXPECT_EQ(rosc["code_time_s"], 190.0);
  EXPECT_TRUE(rosc["cpr_cycle_s"].is_null());
  EXPECT_EQ(rosc["shocks"], 3);
  EXPECT_NEAR(rosc["spo2_pct"].get<double>(), 97.0, 1e-9) << "a pleth again";
  EXPECT_EQ(m.sample(vitals(physio::Rhythm::sinus_tachycardia), s, 260.0)["code_time_s"], 190.0);
}

TEST(MonitorDisplay, TheCuffMeasuresEveryThreeMinutesAndHoldsItsReading) {
  MonitorDisplay m;
  physio::PatientState s;
  const auto first = m.sample(vitals(physio::Rhythm::normal_sinus), s, 0.0);
  EXPECT_EQ(first["nibp"]["systolic_mmHg"], 118.0);
  EXPECT_EQ(first["nibp"]["measured_at_s"], 0.0);
  physio::Vitals lower = vitals(physio::Rhythm::normal_sinus);
  lower.systolic_mmHg = 90;
  const auto held = m.sample(lower, s, 60.0);
  EXPECT_EQ(held["nibp"]["systolic_mmHg"], 118.0) << "not every second";
  EXPECT_EQ(held["nibp"]["measured_at_s"], 0.0);
  const auto next = m.sample(lower, s, 180.0);
  EXPECT_EQ(next["nibp"]["systolic_mmHg"], 90.0);
  EXPECT_EQ(next["nibp"]["measured_at_s"], 180.0);
}

}  // namespace
}  // namespace medvision::emergency
