// Blood gas relations against their published anchor points.

#include "physio/blood_gas.h"

#include <gtest/gtest.h>

namespace medvision::physio {
namespace {

TEST(BloodGas, SeveringhausCurvePassesThroughP50AndArterialPoint) {
  // Severinghaus 1979: P50 = 26.8 mmHg; SO2 ~0.97 at 95 mmHg, ~0.75 at 40 mmHg.
  EXPECT_NEAR(o2_saturation(26.8), 0.5, 0.01);
  EXPECT_NEAR(o2_saturation(95.0), 0.97, 0.01);
  EXPECT_NEAR(o2_saturation(40.0), 0.75, 0.02);
  EXPECT_EQ(o2_saturation(0.0), 0.0);
  EXPECT_EQ(o2_saturation(-5.0), 0.0);
}

TEST(BloodGas, InversesRoundTrip) {
  for (const double p : {10.0, 26.8, 40.0, 60.0, 95.0, 150.0, 400.0}) {
    EXPECT_NEAR(po2_from_o2_content(o2_content(p, 15.0), 15.0), p, 0.01 * p) << p;
    EXPECT_NEAR(pco2_from_co2_content(co2_content(p / 4.0)), p / 4.0, 1e-9);
  }
  for (const double s : {0.1, 0.5, 0.9, 0.97})
    EXPECT_NEAR(o2_saturation(po2_from_saturation(s)), s, 1e-9);
}

TEST(BloodGas, ArterialOxygenContentIsAboutTwentyMillilitresPerDecilitre) {
  EXPECT_NEAR(o2_content(95.0, 15.0) * 100.0, 19.8, 0.5);
}

}  // namespace
}  // namespace medvision::physio
