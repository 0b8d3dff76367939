// Determinism (same inputs, same outputs bit for bit) and bad inputs
// (errors, never crashes, never NaN in the state).

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "physio/drugs.h"
#include "physio/patient.h"

namespace medvision::physio {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Vitals scripted_run() {
  auto model = make_patient("standard-male", {{"seed", 7}});
  EXPECT_TRUE(model.ok());
  Patient p(*model);
  p.advance(20.0);
  EXPECT_TRUE(set_haemorrhage(p.state, 300.0).ok());
  p.advance(30.0);
  EXPECT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  EXPECT_TRUE(start_cpr(p.state, 52.0, 110.0).ok());
  EXPECT_TRUE(give_drug(p.state, Drug::epinephrine, 1.0).ok());
  p.advance(40.0);
  EXPECT_TRUE(deliver_shock(p.model, p.state, 150.0).ok());
  p.advance(30.0);
  return p.vitals();
}

TEST(Determinism, TwoRunsGiveBitIdenticalVitals) {
  const Vitals a = scripted_run();
  const Vitals b = scripted_run();
  EXPECT_EQ(std::memcmp(&a, &b, sizeof(Vitals)), 0);
}

TEST(Determinism, ACopiedStateReplaysIdentically) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  ASSERT_TRUE(set_rhythm(p.state, Rhythm::vf_coarse).ok());
  p.advance(10.0);
  const PatientState snapshot = p.state;
  p.advance(10.0);
  const Vitals first = p.vitals();
  p.state = snapshot;
  p.advance(10.0);
  const Vitals second = p.vitals();
  EXPECT_EQ(std::memcmp(&first, &second, sizeof(Vitals)), 0);
}

TEST(BadInput, NegativeOrNonFiniteDosesAreRefused) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  EXPECT_FALSE(give_drug(p.state, Drug::epinephrine, -1.0).ok());
  EXPECT_FALSE(give_drug(p.state, Drug::epinephrine, kNaN).ok());
  EXPECT_FALSE(give_drug(p.state, Drug::epinephrine, std::numeric_limits<double>::infinity()).ok());
  EXPECT_FALSE(give_drug(p.state, Drug::epinephrine, 100.0).ok());  // 100x the dose: a unit error
  const auto err = give_drug(p.state, Drug::amiodarone, -300.0);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().code, ErrorCode::invalid_input);
  EXPECT_NE(err.error().message.find("amiodarone dose"), std::string::npos);
  EXPECT_EQ(p.state.drugs[0].line_mg, 0.0);
}

TEST(BadInput, UnknownNamesAreErrors) {
  EXPECT_FALSE(parse_drug("aspirin").ok());
  EXPECT_NE(parse_drug("aspirin").error().message.find("epinephrine"), std::string::npos);
  EXPECT_FALSE(parse_rhythm("afib").ok());
  EXPECT_FALSE(parse_airway("tracheostomy").ok());
  EXPECT_FALSE(make_patient("standard-child").ok());
  EXPECT_FALSE(make_patient("standard-male", {{"wingspan", 2.0}}).ok());
  EXPECT_FALSE(make_patient("standard-male", {{"weight_kg", kNaN}}).ok());
  EXPECT_FALSE(make_patient("standard-male", {{"weight_kg", 5.0}}).ok());
  Vitals v;
  EXPECT_FALSE(vital_by_name(v, "blood_sugar").ok());
  EXPECT_FALSE(vital_by_name(v, "rhythm").ok());
}

TEST(BadInput, OutOfRangeInterventionsAreRefused) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  EXPECT_FALSE(set_haemorrhage(p.state, -5.0).ok());
  EXPECT_FALSE(set_haemorrhage(p.state, kNaN).ok());
  EXPECT_FALSE(give_fluid(p.state, Fluid::crystalloid, kNaN, 100.0).ok());
  EXPECT_FALSE(give_fluid(p.state, Fluid::blood, 500.0, 0.0).ok());
  EXPECT_FALSE(set_fio2(p.state, 1.5).ok());
  EXPECT_FALSE(set_fio2(p.state, kNaN).ok());
  EXPECT_FALSE(start_cpr(p.state, kNaN, 110.0).ok());
  EXPECT_FALSE(start_cpr(p.state, 50.0, 0.0).ok());
  EXPECT_FALSE(deliver_shock(p.model, p.state, kNaN).ok());
  EXPECT_FALSE(deliver_shock(p.model, p.state, 1000.0).ok());
  EXPECT_FALSE(deliver_shock(p.model, p.state, -200.0).ok());
  // Breaths need a mask or a tube.
  const auto vent = set_ventilation(p.state, 10.0, 500.0);
  ASSERT_FALSE(vent.ok());
  EXPECT_NE(vent.error().message.find("bag_valve_mask"), std::string::npos);
  p.advance(10.0);
  EXPECT_TRUE(std::isfinite(p.vitals().map_mmHg));
}

TEST(BadInput, GenericActionsCheckTheirFields) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  EXPECT_FALSE(apply_action(p.model, p.state, "teleport", {}).ok());
  EXPECT_FALSE(apply_action(p.model, p.state, "haemorrhage", {}).ok());
  EXPECT_FALSE(
      apply_action(p.model, p.state, "drug", {{{"dose_mg", 1.0}}, {{"drug", "aspirin"}}}).ok());
  const auto ok =
      apply_action(p.model, p.state, "drug", {{{"dose_mg", 1.0}}, {{"drug", "epinephrine"}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "epinephrine 1 mg IV");
}

TEST(Vitals, LookupByNameMatchesTheStruct) {
  auto model = make_patient("standard-male");
  ASSERT_TRUE(model.ok());
  Patient p(*model);
  p.advance(5.0);
  const Vitals v = p.vitals();
  EXPECT_EQ(*vital_by_name(v, "map_mmHg"), v.map_mmHg);
  EXPECT_EQ(*vital_by_name(v, "spo2"), v.spo2);
  EXPECT_EQ(*vital_by_name(v, "heart_rate_per_min"), v.heart_rate_per_min);
  for (const auto& name : vital_names()) EXPECT_TRUE(vital_by_name(v, name).ok()) << name;
}

}  // namespace
}  // namespace medvision::physio
