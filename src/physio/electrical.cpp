#include "physio/electrical.h"

#include <algorithm>
#include <cmath>

namespace medvision::physio {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kPulselessVtRatePerMin = 190.0;
constexpr double kPeaRatePerMin = 45.0;
constexpr double kForcedTachycardiaPerMin = 130.0;
// Pulseless VT: fast, poorly filled, weak contractions; PEA: electrical
// activity with mechanical contraction too weak for a pulse.
constexpr double kPulselessVtContraction = 0.008;
constexpr double kPeaContraction = 0.0;
// VF amplitude decays with time since collapse (Weaver et al. 1985, Ann Intern
// Med 102:53): coarse VF becomes fine after a few minutes without CPR.
constexpr double kCoarseToFineS = 240.0;
constexpr double kCoarseVfAmplitude_mV = 0.6;
constexpr double kFineVfAmplitude_mV = 0.15;

struct Wave {
  double amplitude_mV;
  double centre_s;  // relative to the R peak
  double width_s;
};

// P-QRS-T as Gaussian bumps, after McSharry et al. 2003 (IEEE Trans Biomed
// Eng 50:289), placed in time rather than phase; the T wave moves with the
// RR interval as QT does (Bazett 1920: QT ~ sqrt(RR)).
double sinus_ecg(double since_r_s, double rr_s) {
  const double qt_scale = std::sqrt(std::max(rr_s, 0.25));
  const Wave waves[] = {
      {0.15, -0.16, 0.025},
      {-0.10, -0.025, 0.010},
      {1.20, 0.0, 0.010},
      {-0.25, 0.025, 0.010},
      {0.30, 0.26 * qt_scale, 0.045 * qt_scale},
  };
  double v = 0;
  for (const Wave& w : waves) {
    const double z = (since_r_s - w.centre_s) / w.width_s;
    if (z > -6 && z < 6) v += w.amplitude_mV * std::exp(-0.5 * z * z);
  }
  return v;
}

double ecg_sample(const PatientModel& model, PatientState& state) {
  ElectricalState& e = state.electrical;
  const CirculationState& c = state.circulation;
  const double dt = kStepSeconds;
  double v = 0;
  switch (e.rhythm) {
    case Rhythm::normal_sinus:
    case Rhythm::sinus_tachycardia:
    case Rhythm::pea: {
      // R peak 40 ms into the mechanical beat; the P wave of the next beat
      // sits at the end of this one.
      double since_r = c.beat_elapsed_s - 0.04;
      if (since_r > c.beat_period_s - 0.3) since_r -= c.beat_period_s;
      v = sinus_ecg(since_r, c.beat_period_s);
      break;
    }
    case Rhythm::pulseless_vt: {
      const double phase = 2.0 * kPi * c.beat_elapsed_s / c.beat_period_s;
      v = 1.1 * std::sin(phase) + 0.25 * std::sin(2.0 * phase);
      break;
    }
    case Rhythm::vf_coarse:
    case Rhythm::vf_fine: {
      // Irregular 4-7 Hz oscillation: a randomly wandering frequency and an
      // amplitude that swells and fades (seeded, so deterministic).
      e.vf_frequency_hz =
          std::clamp(e.vf_frequency_hz + (state.rng.uniform() - 0.5) * 0.2, 4.0, 7.0);
      e.vf_phase = std::fmod(e.vf_phase + 2.0 * kPi * e.vf_frequency_hz * dt, 2.0 * kPi);
      const double target =
          e.rhythm == Rhythm::vf_coarse ? kCoarseVfAmplitude_mV : kFineVfAmplitude_mV;
      e.vf_amplitude_mV +=
          (target * (0.6 + 0.8 * state.rng.uniform()) - e.vf_amplitude_mV) * dt / 0.3;
      v = e.vf_amplitude_mV * (std::sin(e.vf_phase) + 0.3 * std::sin(2.3 * e.vf_phase + 1.0));
      break;
    }
    case Rhythm::asystole:
      v = 0.02 * std::sin(2.0 * kPi * 0.3 * state.time_s);
      break;
  }
  // Compressions show on the monitor as a large artefact.
  if (state.interventions.cpr && model.circulation.cpr_pressure_mmHg_per_mm > 0) {
    v += 0.012 * c.intrathoracic_mmHg;
  }
  return v;
}

}  // namespace

CardiacDrive cardiac_drive(const PatientModel& model, const PatientState& state,
                           const DrugEffects& drugs) {
  (void)model;
  const BaroreflexState& b = state.baroreflex;
  CardiacDrive d;
  // Epinephrine: alpha-1 vasoconstriction and venoconstriction, beta-1
  // inotropy and chronotropy (effects as fractions of Emax). Amiodarone:
  // rate slowing and some vasodilation (IV hypotension, prescribing information).
  d.contractility_factor = b.contractility_factor * (1.0 + 0.6 * drugs.epinephrine);
  d.resistance_factor =
      b.resistance_factor * (1.0 + 1.2 * drugs.epinephrine) * (1.0 - 0.15 * drugs.amiodarone);
  d.venous_v0_shift_mL = b.venous_v0_shift_mL - 300.0 * drugs.epinephrine;
  double sinus_rate =
      b.heart_rate_per_min * (1.0 + 0.4 * drugs.epinephrine) * (1.0 - 0.15 * drugs.amiodarone);
  if (state.interventions.forced_tachycardia)
    sinus_rate = std::max(sinus_rate, kForcedTachycardiaPerMin);
  sinus_rate = std::clamp(sinus_rate, 30.0, 220.0);
  switch (state.electrical.rhythm) {
    case Rhythm::normal_sinus:
    case Rhythm::sinus_tachycardia:
      d.beat_rate_per_min = sinus_rate;
      d.contraction_scale = 1.0;
      break;
    case Rhythm::pulseless_vt:
      d.beat_rate_per_min = kPulselessVtRatePerMin;
      d.contraction_scale = kPulselessVtContraction;
      break;
    case Rhythm::pea:
      d.beat_rate_per_min = kPeaRatePerMin;
      d.contraction_scale = kPeaContraction;
      break;
    case Rhythm::vf_coarse:
    case Rhythm::vf_fine:
    case Rhythm::asystole:
      d.beat_rate_per_min = 0;
      d.contraction_scale = 0;
      break;
  }
  return d;
}

void change_rhythm(PatientState& state, Rhythm rhythm) {
  ElectricalState& e = state.electrical;
  if (e.rhythm == rhythm) return;
  const bool was_arrest = !is_perfusing(e.rhythm);
  e.rhythm = rhythm;
  e.rhythm_elapsed_s = 0;
  if (is_perfusing(rhythm)) {
    e.no_flow_s = 0;
    e.low_flow_s = 0;
  }
  if (rhythm == Rhythm::vf_coarse || rhythm == Rhythm::vf_fine) {
    e.vf_amplitude_mV = rhythm == Rhythm::vf_coarse ? kCoarseVfAmplitude_mV : kFineVfAmplitude_mV;
  }
  if (was_arrest && is_perfusing(rhythm)) {
    // Return of spontaneous circulation: the next beat starts at once.
    state.circulation.beat_elapsed_s = state.circulation.beat_period_s;
  }
}

void step_electrical(const PatientModel& model, PatientState& state) {
  ElectricalState& e = state.electrical;
  const double dt = kStepSeconds;
  e.rhythm_elapsed_s += dt;
  if (!is_perfusing(e.rhythm)) {
    if (state.interventions.cpr && state.interventions.cpr_depth_mm > 0) {
      e.low_flow_s += dt;
    } else {
      e.no_flow_s += dt;
    }
  }
  // Compressions slow the decay (counted at 30 %, as for defibrillation).
  if (e.rhythm == Rhythm::vf_coarse && e.no_flow_s + 0.3 * e.low_flow_s > kCoarseToFineS) {
    e.rhythm = Rhythm::vf_fine;
  }
  e.ecg_mV = ecg_sample(model, state);
}

}  // namespace medvision::physio
