#pragma once
// The laparoscopy module's report sections: the instruments' tip paths from
// above with objects placed and dropped, the task's own plot (the pattern cut,
// the duct with its clips), and tip speed and force over time.

#include <span>
#include <vector>

#include "core/event.h"
#include "records/report.h"

namespace medvision::laparoscopy {

std::vector<records::ReportSection> laparoscopy_report_sections(std::span<const Event> log,
                                                                double tick_rate_hz);

}  // namespace medvision::laparoscopy
