#include "modules/emergency/drug_rules.h"

#include <cmath>
#include <cstdio>

#include "physio/drugs.h"
#include "physio/rhythm.h"

namespace medvision::emergency {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
std::string mg(double v) { return number(v) + " mg"; }

}  // namespace

DrugCheck check_drug(physio::Drug drug, double dose_mg, physio::Rhythm rhythm, double weight_kg,
                     int earlier_doses) {
  DrugCheck c;
  const std::string name(physio::to_string(drug));
  if (physio::is_perfusing(rhythm)) {
    c.indicated = false;
    c.reason = name + " was given to a patient with a pulse: it is a drug of cardiac arrest";
    return c;
  }
  const bool shockable = physio::is_shockable(rhythm);
  switch (drug) {
    case physio::Drug::epinephrine:
      c.expected_mg = 1.0;
      break;
    case physio::Drug::amiodarone:
      if (!shockable) {
        c.indicated = false;
        c.reason =
            "amiodarone is for VF or pulseless VT, not " + std::string(physio::to_string(rhythm));
        return c;
      }
      if (earlier_doses >= 2) {
        c.indicated = false;
        c.reason = "amiodarone is given twice at most (300 mg, then 150 mg)";
        return c;
      }
      c.expected_mg = earlier_doses == 0 ? 300.0 : 150.0;
      break;
    case physio::Drug::lidocaine: {
      if (!shockable) {
        c.indicated = false;
        c.reason =
            "lidocaine is for VF or pulseless VT, not " + std::string(physio::to_string(rhythm));
        return c;
      }
      // 1-1.5 mg/kg first, 0.5-0.75 mg/kg after: the middle of the range.
      const double per_kg_low = earlier_doses == 0 ? 1.0 : 0.5;
      const double per_kg_high = earlier_doses == 0 ? 1.5 : 0.75;
      c.expected_mg = std::round(0.5 * (per_kg_low + per_kg_high) * weight_kg);
      if (dose_mg < per_kg_low * weight_kg - 1e-9 || dose_mg > per_kg_high * weight_kg + 1e-9) {
        c.dose_right = false;
        c.reason = "lidocaine " + mg(dose_mg) + " is outside " + mg(per_kg_low * weight_kg) +
                   " to " + mg(per_kg_high * weight_kg) + " for " + number(weight_kg) + " kg";
      }
      return c;
    }
  }
  if (std::abs(dose_mg - c.expected_mg) > 1e-9) {
    c.dose_right = false;
    c.reason = name + " " + mg(dose_mg) + " instead of " + mg(c.expected_mg);
  }
  return c;
}

}  // namespace medvision::emergency
