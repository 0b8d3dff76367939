// Cardiac arrest: rhythms, CPR, defibrillation.

#include <gtest/gtest.h>

#include "physio/patient.h"

namespace medvision::physio {
namespace {

Patient ventilated_patient(std::uint64_t seed = 1) {
  auto model = make_patient("standard-male", {{"seed", static_cast<double>(seed)}});
  EXPECT_TRUE(model.ok());
  Patient p(*model);
  p.advance(30.0);
  EXPECT_TRUE(set_airway(p.state, Airway::bag_valve_mask).ok());
  EXPECT_TRUE(set_ventilation(p.state, 10.0, 600.0).ok());
  return p;
}

TEST(CardiacArrest, VentricularFibrillationHasNoPulseAndEtco2Falls) {
  Patient p = ventilated_patient();
  const double etco2_before = p.vitals().etco2_mmHg;
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  p.advance(20.0);
  const Vitals early = p.vitals();
  p.advance(40.0);
  const Vitals late = p.vitals();
  EXPECT_EQ(late.rhythm, Rhythm::vf_coarse);
  EXPECT_EQ(late.heart_rate_per_min, 0.0);
  EXPECT_LT(late.systolic_mmHg - late.diastolic_mmHg, 5.0);  // no pulse
  EXPECT_LT(late.map_mmHg, 20.0);
  EXPECT_LT(late.cardiac_output_L_per_min, 0.1);
  EXPECT_LT(early.etco2_mmHg, etco2_before);
  EXPECT_LT(late.etco2_mmHg, early.etco2_mmHg);
  EXPECT_LT(late.etco2_mmHg, 10.0);
}

TEST(CardiacArrest, AsystoleAndPeaHaveNoEffectiveOutput) {
  for (const Rhythm r : {Rhythm::asystole, Rhythm::pea, Rhythm::pulseless_vt, Rhythm::vf_fine}) {
    Patient p = ventilated_patient();
    ASSERT_TRUE(set_rhythm(p.state, r).ok());
    p.advance(60.0);
    const Vitals v = p.vitals();
    EXPECT_LT(v.map_mmHg, 45.0) << to_string(r);
    EXPECT_LT(v.systolic_mmHg - v.diastolic_mmHg, 10.0) << to_string(r);
    EXPECT_EQ(v.spo2, 0.0) << "no pulse, no oximeter reading: " << to_string(r);
  }
}

TEST(CardiacArrest, GoodCprGivesEtco2OfTenToTwenty) {
  // AHA 2020 (Part 3): depth 50-60 mm, rate 100-120/min; EtCO2 during
  // effective CPR is typically 10-20 mmHg (Sheak et al. 2015, Resuscitation 89:149).
  Patient p = ventilated_patient();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  p.advance(60.0);
  ASSERT_TRUE(start_cpr(p.state, 55.0, 110.0).ok());
  p.advance(120.0);
  const Vitals v = p.vitals();
  EXPECT_GE(v.etco2_mmHg, 10.0);
  EXPECT_LE(v.etco2_mmHg, 22.0);
  // CPR produces a fraction of normal output (roughly 10-30 %).
  EXPECT_GT(v.cardiac_output_L_per_min, 0.1 * 5.6);
  EXPECT_LT(v.cardiac_output_L_per_min, 0.35 * 5.6);
}

TEST(CardiacArrest, DeeperCompressionsGiveMoreFlowUpToSixtyMillimetres) {
  const auto flow_at = [](double depth) {
    Patient p = ventilated_patient();
    EXPECT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
    EXPECT_TRUE(start_cpr(p.state, depth, 110.0).ok());
    p.advance(60.0);
    return p.vitals();
  };
  const Vitals shallow = flow_at(35.0);
  const Vitals good = flow_at(55.0);
  const Vitals too_deep = flow_at(75.0);
  EXPECT_LT(shallow.cardiac_output_L_per_min, good.cardiac_output_L_per_min);
  EXPECT_LT(shallow.etco2_mmHg, good.etco2_mmHg);
  EXPECT_LE(too_deep.cardiac_output_L_per_min, flow_at(60.0).cardiac_output_L_per_min + 1e-9);
}

TEST(CardiacArrest, PausingCompressionsStopsFlow) {
  Patient p = ventilated_patient();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  ASSERT_TRUE(start_cpr(p.state, 55.0, 110.0).ok());
  p.advance(60.0);
  const Vitals during = p.vitals();
  stop_cpr(p.state);
  p.advance(10.0);
  const Vitals paused = p.vitals();
  EXPECT_LT(paused.map_mmHg, 0.5 * during.map_mmHg);
  EXPECT_LT(paused.cardiac_output_L_per_min, 0.05);
}

TEST(CardiacArrest, EarlyShockConvertsVentricularFibrillation) {
  Patient p = ventilated_patient();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  p.advance(30.0);
  const auto shock = deliver_shock(p.model, p.state, 200.0);
  ASSERT_TRUE(shock.ok());
  EXPECT_TRUE(shock->shockable);
  EXPECT_GT(shock->termination_probability, 0.8);
  EXPECT_TRUE(shock->terminated) << shock->describe();
  EXPECT_NE(p.state.electrical.rhythm, Rhythm::vf_coarse);
  EXPECT_NE(shock->describe().find("200 J"), std::string::npos);
}

TEST(CardiacArrest, ShockOutcomesAreMostlySuccessfulEarlyAndFailMoreAfterLongArrest) {
  int early = 0;
  int late = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Patient a = ventilated_patient(seed);
    ASSERT_TRUE(set_rhythm(a.state, Rhythm::vf_coarse).ok());
    a.state.electrical.no_flow_s = 30.0;
    early += deliver_shock(a.model, a.state, 200.0)->terminated ? 1 : 0;
    Patient b = ventilated_patient(seed);
    ASSERT_TRUE(set_rhythm(b.state, Rhythm::vf_fine).ok());
    b.state.electrical.no_flow_s = 12.0 * 60.0;
    late += deliver_shock(b.model, b.state, 200.0)->terminated ? 1 : 0;
  }
  EXPECT_GE(early, 30);
  EXPECT_LT(late, early);
}

TEST(CardiacArrest, ShockOnNonShockableRhythmDoesNothing) {
  for (const Rhythm r : {Rhythm::normal_sinus, Rhythm::asystole, Rhythm::pea}) {
    Patient p = ventilated_patient();
    ASSERT_TRUE(set_rhythm(p.state, r).ok());
    const auto shock = deliver_shock(p.model, p.state, 200.0);
    ASSERT_TRUE(shock.ok());
    EXPECT_FALSE(shock->shockable);
    EXPECT_FALSE(shock->terminated);
    EXPECT_EQ(p.state.electrical.rhythm, r);
    EXPECT_NE(shock->describe().find("not shockable"), std::string::npos);
  }
}

TEST(CardiacArrest, ReturnOfSpontaneousCirculationRestoresPressure) {
  Patient p = ventilated_patient();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  p.advance(60.0);
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::normal_sinus).ok());
  p.advance(60.0);
  const Vitals v = p.vitals();
  EXPECT_GT(v.map_mmHg, 65.0);
  EXPECT_GT(v.heart_rate_per_min, 50.0);
  EXPECT_GT(v.etco2_mmHg, 25.0);
}

TEST(CardiacArrest, EcgShowsQrsInSinusAndChaosInVf) {
  Patient p = ventilated_patient();
  double lo = 1e9, hi = -1e9;
  for (int i = 0; i < 500; ++i) {  // 2 s at 250 Hz
    p.step();
    lo = std::min(lo, p.state.electrical.ecg_mV);
    hi = std::max(hi, p.state.electrical.ecg_mV);
  }
  EXPECT_GT(hi, 0.9);  // R waves
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::asystole).ok());
  p.advance(1.0);
  double flat = 0;
  for (int i = 0; i < 500; ++i) {
    p.step();
    flat = std::max(flat, std::abs(p.state.electrical.ecg_mV));
  }
  EXPECT_LT(flat, 0.1);
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  double vf = 0;
  for (int i = 0; i < 500; ++i) {
    p.step();
    vf = std::max(vf, std::abs(p.state.electrical.ecg_mV));
  }
  EXPECT_GT(vf, 0.2);
}

TEST(CardiacArrest, SinusTachycardiaRaisesTheRate) {
  Patient p = ventilated_patient();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::sinus_tachycardia).ok());
  p.advance(20.0);
  const Vitals v = p.vitals();
  EXPECT_GE(v.heart_rate_per_min, 125.0);
  EXPECT_EQ(v.rhythm, Rhythm::sinus_tachycardia);
}

}  // namespace
}  // namespace medvision::physio
