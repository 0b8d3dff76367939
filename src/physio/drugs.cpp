#include "physio/drugs.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "physio/patient_model.h"

namespace medvision::physio {
namespace {

struct Pharmacokinetics {
  double elimination_per_s;  // from the central compartment
  double central_to_peripheral_per_s;
  double peripheral_to_central_per_s;
  double half_effect_mg;  // Emax model: E = A / (A + A50), A in the central compartment
};

constexpr double half_life(double seconds) { return 0.6931471805599453 / seconds; }

// Epinephrine: one compartment, plasma half-life ~2-3 min (Adrenalin
// prescribing information; Dalal & Grujic, StatPearls "Epinephrine").
// A50 chosen so 1 mg IV keeps most of its pressor effect for the 3-5 min
// dosing interval of AHA 2020.
// Amiodarone IV: rapid distribution, serum level down to ~10 % of peak within
// 30-45 min of a bolus, terminal half-life weeks (Cordarone/Nexterone IV
// prescribing information): k12 with a ~12 min half-time, elimination negligible
// within a scenario.
// Lidocaine: two compartments, distribution half-life ~8 min, elimination
// half-life 1.5-2 h (Xylocaine prescribing information; Benowitz & Meister 1978,
// Clin Pharmacokinet 3:177).
constexpr std::array<Pharmacokinetics, kDrugCount> kPk = {{
    {half_life(150.0), 0.0, 0.0, 0.2},
    {half_life(30.0 * 86400.0), half_life(720.0), half_life(4.0 * 3600.0), 150.0},
    {half_life(100.0 * 60.0), half_life(8.0 * 60.0), half_life(30.0 * 60.0), 75.0},
}};

constexpr std::array<std::string_view, kDrugCount> kNames = {"epinephrine", "amiodarone",
                                                             "lidocaine"};

// Arm-to-heart circulation time of a flushed peripheral IV bolus at normal
// cardiac output is ~10-20 s.
constexpr double kLineTransitS = 15.0;

double emax(const DrugLevels& levels, const Pharmacokinetics& pk) {
  return levels.central_mg / (levels.central_mg + pk.half_effect_mg);
}

}  // namespace

std::string_view to_string(Drug drug) { return kNames[static_cast<std::size_t>(drug)]; }

Result<Drug> parse_drug(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Drug>(i);
  }
  return make_error(
      ErrorCode::invalid_input,
      "unknown drug '" + std::string(name) + "'; expected epinephrine, amiodarone or lidocaine");
}

DrugEffects drug_effects(const PatientState& state) {
  DrugEffects e;
  e.epinephrine = emax(state.drugs[0], kPk[0]);
  e.amiodarone = emax(state.drugs[1], kPk[1]);
  e.lidocaine = emax(state.drugs[2], kPk[2]);
  return e;
}

void step_drugs(double flow_fraction, PatientState& state) {
  const double dt = kStepSeconds;
  const double carry = std::clamp(flow_fraction, 0.0, 2.0) / kLineTransitS;
  for (std::size_t i = 0; i < kPk.size(); ++i) {
    DrugLevels& d = state.drugs[i];
    const Pharmacokinetics& pk = kPk[i];
    const double into_central = d.line_mg * std::min(carry * dt, 1.0);
    const double out = d.central_mg * pk.elimination_per_s * dt;
    const double to_peripheral = d.central_mg * pk.central_to_peripheral_per_s * dt;
    const double back = d.peripheral_mg * pk.peripheral_to_central_per_s * dt;
    d.line_mg -= into_central;
    d.central_mg += into_central - out - to_peripheral + back;
    d.peripheral_mg += to_peripheral - back;
  }
}

}  // namespace medvision::physio
