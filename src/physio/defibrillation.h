#pragma once
// Defibrillation: a shock terminates VF/pVT with a probability that rises
// with energy and falls with the duration of arrest; after termination the
// heart resumes a perfusing rhythm or falls into PEA/asystole. Outcomes are
// drawn from the patient's seeded generator, so a replay gives the same
// result.

#include <string>

#include "core/result.h"
#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

struct ShockResult {
  double energy_J = 0;
  Rhythm before = Rhythm::normal_sinus;
  Rhythm after = Rhythm::normal_sinus;
  bool shockable = false;
  bool terminated = false;             // the fibrillation/VT stopped
  double termination_probability = 0;  // what the draw was against
  double rosc_probability = 0;
  double time_s = 0;

  // One line for logs: "shock 200 J at 65.0 s: vf_coarse -> normal_sinus (p_term 0.91, p_rosc
  // 0.77)".
  std::string describe() const;
};

// Energy must be finite and within 1-360 J (biphasic and monophasic
// defibrillators deliver up to 360 J).
Result<ShockResult> deliver_shock(const PatientModel& model, PatientState& state, double energy_J);

}  // namespace medvision::physio
