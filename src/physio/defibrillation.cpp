#include "physio/defibrillation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "physio/drugs.h"
#include "physio/electrical.h"

namespace medvision::physio {
namespace {

// Biphasic dose-response: first-shock termination of short-duration VF is
// ~85-95 % at 120-200 J (AHA 2020 Part 3, defibrillation section; Morrison
// et al. 2005, Circulation 111 (ORBIT)). Logistic in energy with half effect
// at 70 J; pVT terminates at lower energies (AHA: synchronised 100 J range).
double energy_factor(double energy_J, Rhythm rhythm) {
  const double effective = rhythm == Rhythm::pulseless_vt ? 2.0 * energy_J : energy_J;
  return 1.0 / (1.0 + std::exp(-(effective - 70.0) / 20.0));
}

// Success falls with time without perfusion: each minute of untreated VF
// lowers survival by 7-10 % (Larsen et al. 1993, Ann Emerg Med 22:1652), and
// CPR slows the decline (counted here at 30 % of no-flow time).
double ischaemic_minutes(const ElectricalState& e) {
  return (e.no_flow_s + 0.3 * e.low_flow_s) / 60.0;
}

double with_odds(double p, double odds_factor) {
  const double clamped = std::clamp(p, 1e-6, 1.0 - 1e-6);
  const double odds = clamped / (1.0 - clamped) * odds_factor;
  return odds / (1.0 + odds);
}

}  // namespace

std::string ShockResult::describe() const {
  char buffer[192];
  if (!shockable) {
    std::snprintf(buffer, sizeof buffer, "shock %.0f J at %.1f s: %s is not shockable, no effect",
                  energy_J, time_s, std::string(to_string(before)).c_str());
  } else {
    std::snprintf(buffer, sizeof buffer,
                  "shock %.0f J at %.1f s: %s -> %s (p_term %.2f, p_rosc %.2f)", energy_J, time_s,
                  std::string(to_string(before)).c_str(), std::string(to_string(after)).c_str(),
                  termination_probability, rosc_probability);
  }
  return buffer;
}

Result<ShockResult> deliver_shock(const PatientModel& model, PatientState& state, double energy_J) {
  (void)model;
  if (!std::isfinite(energy_J) || energy_J < 1.0 || energy_J > 360.0) {
    return make_error(ErrorCode::invalid_input,
                      "shock energy must be between 1 and 360 J, got " + std::to_string(energy_J));
  }
  ElectricalState& e = state.electrical;
  ShockResult r;
  r.energy_J = energy_J;
  r.before = e.rhythm;
  r.after = e.rhythm;
  r.time_s = state.time_s;
  r.shockable = is_shockable(e.rhythm);
  ++e.shocks;
  // Always draw both numbers so the generator's stream does not depend on the branch.
  const double u_term = state.rng.uniform();
  const double u_rosc = state.rng.uniform();
  if (!r.shockable) return r;

  const DrugEffects drugs = drug_effects(state);
  const double minutes = ischaemic_minutes(e);
  const double rhythm_factor = e.rhythm == Rhythm::vf_fine ? 0.7 : 1.0;
  // Antiarrhythmics raise the odds of termination (ARREST, Kudenchuk et al.
  // 1999, NEJM 341:871; ALIVE, Dorian et al. 2002, NEJM 346:884).
  const double p_term =
      with_odds(energy_factor(energy_J, e.rhythm) * rhythm_factor * std::exp(-minutes / 10.0),
                1.0 + 1.0 * drugs.amiodarone + 0.5 * drugs.lidocaine);
  // Epinephrine raises ROSC (PARAMEDIC2, Perkins et al. 2018, NEJM 379:711:
  // 36 % vs 12 %), through coronary perfusion pressure.
  const double p_rosc = with_odds(0.9 * std::exp(-minutes / 8.0), 1.0 + 3.0 * drugs.epinephrine);
  r.termination_probability = e.refractory ? 0.0 : p_term;
  r.rosc_probability = p_rosc;
  if (u_term < r.termination_probability) {
    r.terminated = true;
    if (u_rosc < p_rosc) {
      r.after = Rhythm::normal_sinus;
    } else {
      r.after = u_rosc < p_rosc + 0.5 * (1.0 - p_rosc) ? Rhythm::pea : Rhythm::asystole;
    }
    change_rhythm(state, r.after);
  }
  return r;
}

}  // namespace medvision::physio
