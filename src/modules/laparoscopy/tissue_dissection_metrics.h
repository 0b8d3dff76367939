#pragma once
// The dissection task's own measures from a session's log (the events of
// tissue_dissection_run.h): the clips and their spacing, where the duct was
// cut, tissue damage, and how long the duct took to expose.

#include "assess/log_view.h"
#include "assess/measurement.h"

namespace medvision::laparoscopy {

// Adds them to `m`; `t0_s` is when the scenario started.
void add_tissue_dissection_metrics(const assess::LogView& view, double t0_s,
                                   assess::Measurements& m);

}  // namespace medvision::laparoscopy
