#pragma once
// The patient engine's entry points: build the starting state, advance it one
// fixed physiology tick (250 Hz), and a small bundle for callers who want
// model and state together.

#include <cstdint>

#include "physio/defibrillation.h"
#include "physio/interventions.h"
#include "physio/patient_model.h"
#include "physio/patient_state.h"
#include "physio/vitals.h"

namespace medvision::physio {

// Resting state of the model's patient, seeded from model.seed.
PatientState initial_state(const PatientModel& model);

// One physiology tick of kStepSeconds. Deterministic: the same model and
// state give the same next state, bit for bit. Allocates nothing.
void step(const PatientModel& model, PatientState& state);

// Steps until `seconds` of simulated time have passed (rounded to ticks).
void advance(const PatientModel& model, PatientState& state, double seconds);

struct Patient {
  PatientModel model;
  PatientState state;

  explicit Patient(PatientModel m) : model(std::move(m)), state(initial_state(model)) {}
  void step() { physio::step(model, state); }
  void advance(double seconds) { physio::advance(model, state, seconds); }
  Vitals vitals() const { return read_vitals(model, state); }
};

}  // namespace medvision::physio
