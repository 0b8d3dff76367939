#pragma once
// When a drug of the cardiac arrest algorithm is indicated, and at what dose
// (AHA 2020 adult advanced life support: Panchal et al. 2020, Circulation
// 142:S366, Figure 2 and "Antiarrhythmic drugs"): epinephrine 1 mg IV/IO
// every 3-5 min in any arrest rhythm; amiodarone 300 mg, then 150 mg, for
// shock-refractory VF/pVT; lidocaine 1-1.5 mg/kg, then 0.5-0.75 mg/kg, for
// VF/pVT. None of them is a bolus for a patient with a pulse (a
// haemorrhaging patient needs bleeding control and blood, ATLS 10th ed.).
// As in reality, a drug given against these rules is given; the module logs
// and scores it (docs/emergency.md, "Clinical rules").

#include <string>

#include "physio/patient_state.h"

namespace medvision::emergency {

struct DrugCheck {
  bool indicated = true;
  bool dose_right = true;
  double expected_mg = 0;  // the dose the algorithm gives now (0 when not indicated)
  std::string reason;      // why not, in words a trainee reads; empty when both hold
};

// `earlier_doses`: how many doses of this drug the patient had before.
DrugCheck check_drug(physio::Drug drug, double dose_mg, physio::Rhythm rhythm, double weight_kg,
                     int earlier_doses);

}  // namespace medvision::emergency
