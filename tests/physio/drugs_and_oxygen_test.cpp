// Drugs (PK/PD) and oxygen.

#include <gtest/gtest.h>

#include "physio/drugs.h"
#include "physio/patient.h"

namespace medvision::physio {
namespace {

Patient resting() {
  auto model = make_patient("standard-male");
  EXPECT_TRUE(model.ok());
  Patient p(*model);
  p.advance(60.0);
  return p;
}

TEST(Drugs, EpinephrineRaisesMeanArterialPressure) {
  Patient p = resting();
  const double before = p.vitals().map_mmHg;
  ASSERT_TRUE(give_drug(p.state, Drug::epinephrine, 1.0).ok());
  p.advance(60.0);
  EXPECT_GT(p.vitals().map_mmHg, before + 15.0);
}

TEST(Drugs, EpinephrineWearsOffWithItsHalfLife) {
  Patient p = resting();
  ASSERT_TRUE(give_drug(p.state, Drug::epinephrine, 1.0).ok());
  p.advance(60.0);
  const double peak = drug_effects(p.state).epinephrine;
  p.advance(15.0 * 60.0);
  EXPECT_LT(drug_effects(p.state).epinephrine, 0.1 * peak);
}

TEST(Drugs, EpinephrineDoesNotCirculateInArrestWithoutCompressions) {
  Patient p = resting();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::asystole).ok());
  p.advance(20.0);
  ASSERT_TRUE(give_drug(p.state, Drug::epinephrine, 1.0).ok());
  p.advance(60.0);
  EXPECT_LT(drug_effects(p.state).epinephrine, 0.05);
  ASSERT_TRUE(start_cpr(p.state, 55.0, 110.0).ok());
  p.advance(60.0);
  EXPECT_GT(drug_effects(p.state).epinephrine, 0.5);
}

TEST(Drugs, EpinephrineRaisesArterialPressureDuringCpr) {
  Patient p = resting();
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  ASSERT_TRUE(start_cpr(p.state, 55.0, 110.0).ok());
  p.advance(60.0);
  const double before = p.vitals().diastolic_mmHg;
  ASSERT_TRUE(give_drug(p.state, Drug::epinephrine, 1.0).ok());
  p.advance(90.0);
  EXPECT_GT(p.vitals().diastolic_mmHg, before);
}

TEST(Drugs, AmiodaroneRaisesTheOddsOfTermination) {
  const auto p_term = [](double amiodarone_mg) {
    Patient p = resting();
    EXPECT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
    EXPECT_TRUE(start_cpr(p.state, 55.0, 110.0).ok());
    EXPECT_TRUE(give_drug(p.state, Drug::amiodarone, amiodarone_mg).ok());
    p.advance(120.0);
    p.state.electrical.no_flow_s = 8.0 * 60.0;
    return deliver_shock(p.model, p.state, 200.0)->termination_probability;
  };
  EXPECT_GT(p_term(300.0), p_term(0.0) + 0.05);
}

TEST(Drugs, AmiodaroneAndLidocaineDistribute) {
  Patient p = resting();
  ASSERT_TRUE(give_drug(p.state, Drug::amiodarone, 300.0).ok());
  ASSERT_TRUE(give_drug(p.state, Drug::lidocaine, 100.0).ok());
  p.advance(120.0);
  const DrugEffects early = drug_effects(p.state);
  p.advance(40.0 * 60.0);
  const DrugEffects later = drug_effects(p.state);
  EXPECT_GT(early.amiodarone, 0.3);
  EXPECT_GT(early.lidocaine, 0.3);
  EXPECT_LT(later.amiodarone, early.amiodarone);
  EXPECT_LT(later.lidocaine, early.lidocaine);
  EXPECT_NEAR(p.state.drugs[1].total_given_mg, 300.0, 1e-12);
}

TEST(Oxygen, OxygenRaisesSaturationInHypoxia) {
  // A 30 % shunt (e.g. pneumonia) makes the patient hypoxic on room air.
  auto model = make_patient("standard-male", {{"shunt_fraction", 0.3}});
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  p.advance(180.0);
  const Vitals air = p.vitals();
  EXPECT_LT(air.spo2, 0.92);
  ASSERT_TRUE(set_fio2(p.state, 1.0).ok());
  p.advance(180.0);
  const Vitals oxygen = p.vitals();
  EXPECT_GT(oxygen.spo2, air.spo2 + 0.02);
  EXPECT_GT(oxygen.pao2_mmHg, air.pao2_mmHg + 10.0);
}

TEST(Oxygen, ObstructedAirwayDesaturatesAndRaisesCo2) {
  Patient p = resting();
  ASSERT_TRUE(set_airway(p.state, Airway::obstructed).ok());
  p.advance(90.0);
  const Vitals v = p.vitals();
  EXPECT_EQ(v.tidal_volume_mL, 0.0);
  EXPECT_EQ(v.etco2_mmHg, 0.0);
  EXPECT_GT(v.paco2_mmHg, 43.0);
  EXPECT_LT(v.spo2, 0.95);
}

TEST(Oxygen, VentilatorSetsRateAndVolume) {
  Patient p = resting();
  ASSERT_TRUE(set_airway(p.state, Airway::intubated).ok());
  ASSERT_TRUE(set_ventilation(p.state, 16.0, 500.0).ok());
  p.advance(120.0);
  const Vitals v = p.vitals();
  EXPECT_EQ(v.respiration_rate_per_min, 16.0);
  EXPECT_EQ(v.tidal_volume_mL, 500.0);
  EXPECT_LT(v.paco2_mmHg, 38.0);  // more alveolar ventilation than at rest
}

}  // namespace
}  // namespace medvision::physio
