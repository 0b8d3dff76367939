// The cardiac arrest algorithm's drug rules against AHA 2020 (Panchal et al.
// 2020, Circulation 142:S366): doses and indications as the guideline states
// them, not as the module computes them.

#include "modules/emergency/drug_rules.h"

#include <gtest/gtest.h>

namespace medvision::emergency {
namespace {

using physio::Drug;
using physio::Rhythm;

TEST(DrugRules, EpinephrineIsOneMilligramInAnyArrestRhythm) {
  for (Rhythm r : {Rhythm::vf_coarse, Rhythm::pulseless_vt, Rhythm::pea, Rhythm::asystole}) {
    const DrugCheck c = check_drug(Drug::epinephrine, 1.0, r, 70, 0);
    EXPECT_TRUE(c.indicated && c.dose_right) << c.reason;
  }
  const DrugCheck ten = check_drug(Drug::epinephrine, 10.0, Rhythm::asystole, 70, 1);
  EXPECT_TRUE(ten.indicated);
  EXPECT_FALSE(ten.dose_right);
  EXPECT_EQ(ten.reason, "epinephrine 10 mg instead of 1 mg");
}

TEST(DrugRules, AmiodaroneIs300Then150ForShockableRhythmsOnly) {
  EXPECT_TRUE(check_drug(Drug::amiodarone, 300, Rhythm::vf_coarse, 70, 0).dose_right);
  EXPECT_TRUE(check_drug(Drug::amiodarone, 150, Rhythm::vf_fine, 70, 1).dose_right);
  EXPECT_FALSE(check_drug(Drug::amiodarone, 300, Rhythm::vf_coarse, 70, 1).dose_right);
  EXPECT_FALSE(check_drug(Drug::amiodarone, 150, Rhythm::vf_coarse, 70, 2).indicated);
  const DrugCheck asystole = check_drug(Drug::amiodarone, 300, Rhythm::asystole, 70, 0);
  EXPECT_FALSE(asystole.indicated);
  EXPECT_NE(asystole.reason.find("VF or pulseless VT"), std::string::npos);
}

TEST(DrugRules, LidocaineFollowsTheWeight) {
  // 80 kg: 80-120 mg first, 40-60 mg after.
  EXPECT_TRUE(check_drug(Drug::lidocaine, 100, Rhythm::pulseless_vt, 80, 0).dose_right);
  EXPECT_FALSE(check_drug(Drug::lidocaine, 70, Rhythm::pulseless_vt, 80, 0).dose_right);
  EXPECT_TRUE(check_drug(Drug::lidocaine, 50, Rhythm::pulseless_vt, 80, 1).dose_right);
  EXPECT_FALSE(check_drug(Drug::lidocaine, 100, Rhythm::pulseless_vt, 80, 1).dose_right);
}

TEST(DrugRules, NoArrestDrugIsIndicatedWithAPulse) {
  for (Drug d : {Drug::epinephrine, Drug::amiodarone, Drug::lidocaine}) {
    for (Rhythm r : {Rhythm::normal_sinus, Rhythm::sinus_tachycardia}) {
      const DrugCheck c = check_drug(d, 1.0, r, 70, 0);
      EXPECT_FALSE(c.indicated);
      EXPECT_NE(c.reason.find("a patient with a pulse"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace medvision::emergency
