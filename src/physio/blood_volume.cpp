#include "physio/blood_volume.h"

#include <algorithm>

#include "physio/circulation.h"

namespace medvision::physio {
namespace {

// Crystalloid redistributes to the interstitium: about a third stays in the
// vessels once distributed (the "3:1 rule", ATLS 10th ed.; volume kinetics,
// Hahn 2010, Anesthesiology 113:470), over tens of minutes.
constexpr double kCrystalloidLeavingFraction = 2.0 / 3.0;
constexpr double kCrystalloidLeakTimeConstantS = 20.0 * 60.0;
constexpr double kTransfusedHaematocrit = 0.45;  // whole blood
// The veins cannot be emptied below a tenth of their unstressed volume.
constexpr double kMinVenousFraction = 0.1;

double infuse(Infusion& infusion, double dt) {
  if (infusion.remaining_mL <= 0 || infusion.rate_mL_per_min <= 0) return 0;
  const double v = std::min(infusion.rate_mL_per_min / 60.0 * dt, infusion.remaining_mL);
  infusion.remaining_mL -= v;
  return v;
}

}  // namespace

void init_blood_volume(const PatientModel& model, PatientState& state) {
  state.red_cell_mL = model.blood_volume_mL * model.haematocrit;
}

void step_blood_volume(const PatientModel& model, PatientState& state) {
  const double dt = kStepSeconds;
  CirculationState& c = state.circulation;
  Interventions& in = state.interventions;
  const double total = blood_volume_mL(c);
  const double haematocrit = total > 0 ? state.red_cell_mL / total : 0;

  const double floor = kMinVenousFraction * model.circulation.systemic_veins.v0_mL;
  const double bleed = std::clamp(in.haemorrhage_mL_per_min / 60.0 * dt, 0.0,
                                  std::max(c.systemic_veins_mL - floor, 0.0));
  c.systemic_veins_mL -= bleed;
  state.red_cell_mL -= bleed * haematocrit;
  state.blood_lost_mL += bleed;

  const double crystalloid = infuse(in.crystalloid, dt);
  const double blood = infuse(in.blood, dt);
  c.systemic_veins_mL += crystalloid + blood;
  state.red_cell_mL += blood * kTransfusedHaematocrit;
  state.crystalloid_excess_mL += crystalloid * kCrystalloidLeavingFraction;

  const double leak = std::min(state.crystalloid_excess_mL * dt / kCrystalloidLeakTimeConstantS,
                               std::max(c.systemic_veins_mL - floor, 0.0));
  state.crystalloid_excess_mL -= leak;
  c.systemic_veins_mL -= leak;
}

double haemoglobin_g_per_dL(const PatientModel& model, const PatientState& state) {
  const double total = blood_volume_mL(state.circulation);
  if (total <= 0) return 0;
  const double haematocrit = state.red_cell_mL / total;
  return model.respiration.haemoglobin_g_per_dL * haematocrit / model.haematocrit;
}

}  // namespace medvision::physio
