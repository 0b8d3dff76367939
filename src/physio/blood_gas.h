#pragma once
// Blood gas relations: oxygen and carbon dioxide content of blood as
// functions of partial pressure, and their inverses. Contents in mL of gas
// (STPD) per mL of blood; pressures in mmHg.

namespace medvision::physio {

// Severinghaus 1979 (J Appl Physiol 46:599), eq. 1: human O2 dissociation
// curve at pH 7.40, 37 degC: S = 1 / (23400 / (P^3 + 150 P) + 1).
double o2_saturation(double po2_mmHg);

// Inverse of the Severinghaus curve (the cubic P^3 + 150 P = 23400 S/(1-S)
// solved with Cardano's formula).
double po2_from_saturation(double saturation);

// O2 content: haemoglobin-bound 1.34 mL/g (Huefner, as used clinically) plus
// dissolved 0.003 mL/dL/mmHg (Henry's law); e.g. West, Respiratory Physiology.
double o2_content(double po2_mmHg, double haemoglobin_g_per_dL);
double po2_from_o2_content(double content_mL_per_mL, double haemoglobin_g_per_dL);

// CO2 content, linearised around the physiological range from the textbook
// arterial/mixed-venous pair (48 mL/dL at 40 mmHg, 52 mL/dL at 46 mmHg;
// West, Respiratory Physiology: The Essentials, ch. 6).
double co2_content(double pco2_mmHg);
double pco2_from_co2_content(double content_mL_per_mL);

}  // namespace medvision::physio
