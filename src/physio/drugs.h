#pragma once
// Drug pharmacokinetics (one or two compartments, first order) and
// pharmacodynamics (Emax). A bolus first sits in the IV line and reaches the
// central circulation only as fast as blood flows: in cardiac arrest without
// compressions a drug does not circulate.

#include <string_view>

#include "core/result.h"
#include "physio/patient_state.h"

namespace medvision::physio {

std::string_view to_string(Drug drug);
Result<Drug> parse_drug(std::string_view name);

struct DrugEffects {
  double epinephrine = 0;  // fraction of maximal effect, 0..1
  double amiodarone = 0;
  double lidocaine = 0;
};

DrugEffects drug_effects(const PatientState& state);

// Advances drug amounts by one physiology tick. `flow_fraction` is the
// current cardiac output over the resting one.
void step_drugs(double flow_fraction, PatientState& state);

}  // namespace medvision::physio
