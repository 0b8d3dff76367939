#pragma once
// The emergency module's report sections: vital signs over the session with
// shocks and drugs marked.

#include <span>
#include <vector>

#include "core/event.h"
#include "records/report.h"

namespace medvision::emergency {

std::vector<records::ReportSection> emergency_report_sections(std::span<const Event> log,
                                                              double tick_rate_hz);

}  // namespace medvision::emergency
