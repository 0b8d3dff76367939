#pragma once
// The accuracy metrics of FLS pattern cutting from the session log (the
// `cut` and `circle_freed` events of pattern_cutting_run.h), and the FLS
// penalty they give.

#include "assess/log_view.h"
#include "assess/measurement.h"

namespace medvision::laparoscopy {

// Adds cuts, area_outside_band_mm2, max_cut_deviation_mm, cut_deviation_pct
// and circle_freed to `m`; returns the FLS penalty: the area cut outside the
// band around the marked line as a percentage of the circle's area (MISTELS
// scores pattern cutting's accuracy as the percentage of area deviating from
// the perfect circle; Fraser et al. 2003, Surg Endosc 17:964).
double add_pattern_cutting_metrics(const assess::LogView& view, assess::Measurements& m);

}  // namespace medvision::laparoscopy
