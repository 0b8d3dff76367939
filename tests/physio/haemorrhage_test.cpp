// Haemorrhage follows the shape of the ATLS classes of haemorrhagic shock
// (American College of Surgeons, ATLS Student Course Manual, 10th ed., 2018;
// the class table as reproduced by Spahn et al. 2013/2019, European guideline
// on management of major bleeding, Crit Care 17:R76 / 23:98): up to 15 % loss
// pulse < 100 and pressure normal; 15-30 % pulse 100-120, pulse pressure
// decreased; 30-40 % pulse 120-140 and blood pressure decreased; > 40 %
// pulse > 140. Cardiac output and MAP fall as loss rises, heart rate rises.

#include <gtest/gtest.h>

#include "physio/patient.h"

namespace medvision::physio {
namespace {

struct Sample {
  double loss_fraction;
  Vitals vitals;
};

// Bleeds at 150 mL/min (a major haemorrhage) and samples at each class boundary.
std::vector<Sample> bleed_through_classes() {
  auto model = make_patient("standard-male");
  EXPECT_TRUE(model.ok());
  Patient p(*model);
  p.advance(60.0);
  std::vector<Sample> out{{0.0, p.vitals()}};
  EXPECT_TRUE(set_haemorrhage(p.state, 150.0).ok());
  for (const double target : {0.15, 0.30, 0.40}) {
    while (p.state.blood_lost_mL < target * p.model.blood_volume_mL) p.step();
    out.push_back({target, p.vitals()});
  }
  return out;
}

const std::vector<Sample>& samples() {
  static const std::vector<Sample> s = bleed_through_classes();
  return s;
}

TEST(Haemorrhage, CardiacOutputAndMapFallAsLossRises) {
  const auto& s = samples();
  for (std::size_t i = 1; i < s.size(); ++i) {
    EXPECT_LT(s[i].vitals.cardiac_output_L_per_min, s[i - 1].vitals.cardiac_output_L_per_min)
        << s[i].loss_fraction;
    EXPECT_LT(s[i].vitals.map_mmHg, s[i - 1].vitals.map_mmHg) << s[i].loss_fraction;
  }
}

TEST(Haemorrhage, HeartRateRisesAsLossRises) {
  const auto& s = samples();
  for (std::size_t i = 1; i < s.size(); ++i) {
    EXPECT_GT(s[i].vitals.heart_rate_per_min, s[i - 1].vitals.heart_rate_per_min)
        << s[i].loss_fraction;
  }
}

TEST(Haemorrhage, ClassOneKeepsPulseBelowHundredAndPressureNearNormal) {
  const Vitals& v = samples()[1].vitals;
  EXPECT_LT(v.heart_rate_per_min, 100.0);
  EXPECT_GT(v.map_mmHg, 70.0);
}

TEST(Haemorrhage, ClassTwoToThreeIsTachycardicWithNarrowPulsePressure) {
  const Vitals& rest = samples()[0].vitals;
  const Vitals& v = samples()[2].vitals;
  EXPECT_GE(v.heart_rate_per_min, 100.0);
  EXPECT_LE(v.heart_rate_per_min, 140.0);
  EXPECT_LT(v.systolic_mmHg - v.diastolic_mmHg, rest.systolic_mmHg - rest.diastolic_mmHg);
}

TEST(Haemorrhage, ClassFourIsHypotensiveAndVeryTachycardic) {
  const Vitals& rest = samples()[0].vitals;
  const Vitals& v = samples()[3].vitals;
  EXPECT_GE(v.heart_rate_per_min, 120.0);
  EXPECT_LT(v.map_mmHg, 0.75 * rest.map_mmHg);
  EXPECT_LT(v.cardiac_output_L_per_min, 0.5 * rest.cardiac_output_L_per_min);
}

TEST(Haemorrhage, BloodRestoresPressureAfterBleedingStops) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  ASSERT_TRUE(set_haemorrhage(p.state, 200.0).ok());
  p.advance(6.0 * 60.0);  // 1.2 L, ~23 %
  ASSERT_TRUE(set_haemorrhage(p.state, 0.0).ok());
  const Vitals shocked = p.vitals();
  ASSERT_TRUE(give_fluid(p.state, Fluid::blood, 1200.0, 200.0).ok());
  p.advance(8.0 * 60.0);
  const Vitals after = p.vitals();
  EXPECT_GT(after.map_mmHg, shocked.map_mmHg + 5.0);
  EXPECT_LT(after.heart_rate_per_min, shocked.heart_rate_per_min);
  EXPECT_NEAR(after.blood_volume_mL, p.model.blood_volume_mL, 50.0);
}

TEST(Haemorrhage, CrystalloidDilutesHaemoglobinAndPartlyLeavesTheVessels) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  const double hb0 = p.vitals().haemoglobin_g_per_dL;
  ASSERT_TRUE(give_fluid(p.state, Fluid::crystalloid, 1000.0, 500.0).ok());
  p.advance(120.0);
  const Vitals infused = p.vitals();
  EXPECT_LT(infused.haemoglobin_g_per_dL, hb0);
  p.advance(40.0 * 60.0);
  const Vitals later = p.vitals();
  EXPECT_LT(later.blood_volume_mL, infused.blood_volume_mL);
  EXPECT_GT(later.blood_volume_mL, p.model.blood_volume_mL + 200.0);  // about a third stays
}

}  // namespace
}  // namespace medvision::physio
