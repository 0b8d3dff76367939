// The standard adult male at rest settles inside the published normal ranges
// that the Pulse Physiology Engine and BioGears validate against (their
// validation tables, sources: Guyton & Hall, Textbook of Medical Physiology;
// Leeuwen, Poelhuis & Bladh, Davis's Comprehensive Handbook of Laboratory and
// Diagnostic Tests; Levitzky, Pulmonary Physiology).

#include <gtest/gtest.h>

#include "physio/patient.h"

namespace medvision::physio {
namespace {

Vitals settled_standard_male() {
  static const Vitals v = [] {
    auto model = make_patient("standard-male");
    EXPECT_TRUE(model.ok());
    Patient p(*model);
    p.advance(180.0);
    return p.vitals();
  }();
  return v;
}

TEST(RestingPatient, HeartRateIsAboutSeventyTwo) {
  // Guyton: 72/min, normal 60-100.
  const Vitals v = settled_standard_male();
  EXPECT_GE(v.heart_rate_per_min, 60.0);
  EXPECT_LE(v.heart_rate_per_min, 100.0);
  EXPECT_NEAR(v.heart_rate_per_min, 72.0, 5.0);
}

TEST(RestingPatient, BloodPressureIsNormal) {
  // Leeuwen: systolic 100-140 (Pulse 114), diastolic 60-90 (73.5), MAP 70-105.
  const Vitals v = settled_standard_male();
  EXPECT_GE(v.systolic_mmHg, 100.0);
  EXPECT_LE(v.systolic_mmHg, 140.0);
  EXPECT_GE(v.diastolic_mmHg, 60.0);
  EXPECT_LE(v.diastolic_mmHg, 90.0);
  EXPECT_GE(v.map_mmHg, 70.0);
  EXPECT_LE(v.map_mmHg, 105.0);
}

TEST(RestingPatient, CardiacOutputIsFivePointSixLitresWithinTenPercent) {
  // Guyton: 5.6 L/min; stroke volume 55-93 mL (Leeuwen).
  const Vitals v = settled_standard_male();
  EXPECT_NEAR(v.cardiac_output_L_per_min, 5.6, 0.56);
  EXPECT_GE(v.stroke_volume_mL, 55.0);
  EXPECT_LE(v.stroke_volume_mL, 93.0);
}

TEST(RestingPatient, CentralVenousPressureIsTwoToSix) {
  // Leeuwen: CVP 2-6 mmHg.
  const Vitals v = settled_standard_male();
  EXPECT_GE(v.cvp_mmHg, 2.0);
  EXPECT_LE(v.cvp_mmHg, 6.0);
}

TEST(RestingPatient, BreathesTwelveToTwentyAtSevenMillilitresPerKilogram) {
  // Levitzky: 12-20 breaths/min, tidal volume ~7 mL/kg (539 mL at 77 kg).
  const Vitals v = settled_standard_male();
  EXPECT_GE(v.respiration_rate_per_min, 12.0);
  EXPECT_LE(v.respiration_rate_per_min, 20.0);
  EXPECT_NEAR(v.tidal_volume_mL / 77.0, 7.0, 0.7);
}

TEST(RestingPatient, BloodGasesAreNormal) {
  // Levitzky / Leeuwen: SpO2 0.97 (0.96-1.0), EtCO2 35-45, PaO2 ~95 (80-100), PaCO2 ~40 (35-45).
  const Vitals v = settled_standard_male();
  EXPECT_GE(v.spo2, 0.96);
  EXPECT_LE(v.spo2, 1.0);
  EXPECT_GE(v.etco2_mmHg, 35.0);
  EXPECT_LE(v.etco2_mmHg, 45.0);
  EXPECT_NEAR(v.pao2_mmHg, 95.0, 5.0);
  EXPECT_NEAR(v.paco2_mmHg, 40.0, 2.0);
}

TEST(RestingPatient, StaysSettledOverTenMinutes) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  p.advance(120.0);
  const Vitals a = p.vitals();
  p.advance(480.0);
  const Vitals b = p.vitals();
  EXPECT_NEAR(a.map_mmHg, b.map_mmHg, 1.0);
  EXPECT_NEAR(a.heart_rate_per_min, b.heart_rate_per_min, 1.0);
  EXPECT_NEAR(a.blood_volume_mL, b.blood_volume_mL, 1e-6);
  EXPECT_EQ(b.rhythm, Rhythm::normal_sinus);
}

TEST(RestingPatient, StandardFemaleAlsoRestsInNormalRanges) {
  auto model = make_patient("standard-female");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  p.advance(180.0);
  const Vitals v = p.vitals();
  EXPECT_GE(v.heart_rate_per_min, 60.0);
  EXPECT_LE(v.heart_rate_per_min, 100.0);
  EXPECT_GE(v.map_mmHg, 70.0);
  EXPECT_LE(v.map_mmHg, 105.0);
  EXPECT_GE(v.spo2, 0.96);
}

}  // namespace
}  // namespace medvision::physio
