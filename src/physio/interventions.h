#pragma once
// What the team (or the scenario, or the instructor) does to the patient.
// Every function checks its inputs and returns an error a person can act on;
// nothing here can put NaN or a negative dose into the state.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "physio/defibrillation.h"
#include "physio/patient_model.h"
#include "physio/patient_state.h"

namespace medvision::physio {

std::string_view to_string(Airway airway);
Result<Airway> parse_airway(std::string_view name);
std::string_view to_string(Fluid fluid);
Result<Fluid> parse_fluid(std::string_view name);

Status set_haemorrhage(PatientState& state, double rate_mL_per_min);
// Adds a bag: `volume_mL` at `rate_mL_per_min`; a second bag of the same
// fluid adds to what is left and takes the new rate.
Status give_fluid(PatientState& state, Fluid fluid, double volume_mL, double rate_mL_per_min);
// IV/IO bolus (flushed). Amiodarone 300 mg then 150 mg, epinephrine 1 mg,
// lidocaine 1-1.5 mg/kg are the AHA 2020 doses; anything above 10x those is refused.
Status give_drug(PatientState& state, Drug drug, double dose_mg);
Status set_fio2(PatientState& state, double fio2);
// Bag-valve-mask or ventilator breaths; rate 0 stops assisted ventilation.
// Needs an airway that can deliver them (bag_valve_mask or intubated).
Status set_ventilation(PatientState& state, double rate_per_min, double tidal_volume_mL);
Status start_cpr(PatientState& state, double depth_mm, double rate_per_min);
void stop_cpr(PatientState& state);
// Instructor/scenario rhythm change. sinus_tachycardia holds the sinus rate
// at 130/min or more until another rhythm is set.
Status set_rhythm(PatientState& state, Rhythm rhythm);
Status set_airway(PatientState& state, Airway airway);

// Generic actions by name, for the scenario runtime and action files.
// Fields are either numbers or words; each action declares its fields.
struct ActionField {
  std::string name;
  bool numeric = true;
  bool required = true;
};
struct ActionSpec {
  std::string name;
  std::vector<ActionField> fields;
  std::string summary;
};
const std::vector<ActionSpec>& action_specs();
const ActionSpec* find_action(std::string_view name);

struct ActionArgs {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> words;
};

// Applies a named action; on success returns a one-line description for the log.
Result<std::string> apply_action(const PatientModel& model, PatientState& state,
                                 std::string_view action, const ActionArgs& args);

}  // namespace medvision::physio
