#include "physio/blood_gas.h"

#include <algorithm>
#include <cmath>

namespace medvision::physio {
namespace {

constexpr double kHufner_mL_per_g = 1.34;
constexpr double kO2Solubility_mL_per_dL_mmHg = 0.003;
constexpr double kCo2Slope_per_mmHg = (0.52 - 0.48) / 6.0;
constexpr double kCo2AtFortyMmHg = 0.48;

}  // namespace

double o2_saturation(double po2_mmHg) {
  const double p = std::max(po2_mmHg, 0.0);
  const double denom = p * p * p + 150.0 * p;
  if (denom <= 0.0) return 0.0;
  return 1.0 / (23400.0 / denom + 1.0);
}

double po2_from_saturation(double saturation) {
  const double s = std::clamp(saturation, 0.0, 0.999999);
  if (s <= 0.0) return 0.0;
  // Depressed cubic P^3 + pP + q = 0 with p = 150, q = -k: one real root.
  const double k = 23400.0 * s / (1.0 - s);
  const double half_q = k / 2.0;
  const double root = std::sqrt(half_q * half_q + 125000.0);  // (p/3)^3 = 50^3
  return std::cbrt(half_q + root) + std::cbrt(half_q - root);
}

double o2_content(double po2_mmHg, double haemoglobin_g_per_dL) {
  const double p = std::max(po2_mmHg, 0.0);
  return (kHufner_mL_per_g * haemoglobin_g_per_dL * o2_saturation(p) +
          kO2Solubility_mL_per_dL_mmHg * p) /
         100.0;
}

double po2_from_o2_content(double content_mL_per_mL, double haemoglobin_g_per_dL) {
  if (content_mL_per_mL <= 0.0) return 0.0;
  const double capacity = kHufner_mL_per_g * haemoglobin_g_per_dL / 100.0;
  // Start from the bound-only estimate, then Newton on the full content
  // (dissolved O2 matters above ~150 mmHg, e.g. on FiO2 1.0).
  double p = po2_from_saturation(std::min(content_mL_per_mL / capacity, 0.99));
  for (int i = 0; i < 6; ++i) {
    const double f = o2_content(p, haemoglobin_g_per_dL) - content_mL_per_mL;
    const double h = 0.01 * std::max(p, 1.0);
    const double slope =
        (o2_content(p + h, haemoglobin_g_per_dL) - o2_content(p, haemoglobin_g_per_dL)) / h;
    if (slope <= 0.0) break;
    p = std::clamp(p - f / slope, 0.0, 2000.0);
  }
  return p;
}

double co2_content(double pco2_mmHg) {
  return std::max(kCo2AtFortyMmHg + kCo2Slope_per_mmHg * (pco2_mmHg - 40.0), 0.0);
}

double pco2_from_co2_content(double content_mL_per_mL) {
  return std::max(40.0 + (content_mL_per_mL - kCo2AtFortyMmHg) / kCo2Slope_per_mmHg, 0.0);
}

}  // namespace medvision::physio
