#include "physio/patient.h"

#include <cmath>

#include "physio/baroreflex.h"
#include "physio/blood_volume.h"
#include "physio/circulation.h"
#include "physio/drugs.h"
#include "physio/electrical.h"
#include "physio/respiration.h"

namespace medvision::physio {

PatientState initial_state(const PatientModel& model) {
  PatientState s;
  s.rng.state = model.seed;
  init_circulation(model, s);
  init_baroreflex(model, s);
  init_respiration(model, s);
  init_blood_volume(model, s);
  return s;
}

void step(const PatientModel& model, PatientState& state) {
  const DrugEffects drugs = drug_effects(state);
  step_circulation(model, cardiac_drive(model, state, drugs), state);
  step_blood_volume(model, state);
  step_baroreflex(model, state);
  step_ventilation(model, state);
  step_gas_exchange(model, haemoglobin_g_per_dL(model, state), state);
  step_drugs(state.measurement.cardiac_output_mL_per_s / (5600.0 / 60.0), state);
  step_electrical(model, state);
  ++state.tick;
  state.time_s = static_cast<double>(state.tick) * kStepSeconds;
}

void advance(const PatientModel& model, PatientState& state, double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds)) return;
  const auto ticks = static_cast<std::uint64_t>(std::llround(seconds * kPhysioRateHz));
  for (std::uint64_t i = 0; i < ticks; ++i) step(model, state);
}

}  // namespace medvision::physio
