#include "modules/emergency/emergency_report.h"

#include "records/svg_plot.h"

namespace medvision::emergency {

using nlohmann::json;

std::vector<records::ReportSection> emergency_report_sections(std::span<const Event> log,
                                                              double tick_rate_hz) {
  std::vector<std::pair<double, json>> vitals;
  std::vector<std::pair<double, std::string>> markers;
  std::size_t compressions = 0;
  for (const Event& e : log) {
    const double t = static_cast<double>(e.tick) / tick_rate_hz;
    if (e.type == "compression") {
      ++compressions;
      continue;
    }
    if (e.type != "vitals" && e.type != "shock_delivered" && e.type != "drug_given") continue;
    json p = json::parse(e.payload, nullptr, false);
    if (!p.is_object()) p = json::object();
    if (e.type == "vitals") vitals.emplace_back(t, std::move(p));
    if (e.type == "shock_delivered") markers.emplace_back(t, "shock");
    if (e.type == "drug_given") markers.emplace_back(t, p.value("drug", std::string("drug")));
  }
  records::ReportSection section;
  section.fields = {{"compressions_count", compressions}, {"vitals_samples", vitals.size()}};
  if (!vitals.empty()) {
    section.html = "<h2>Vital signs</h2>";
    section.html += records::time_series_svg(
        vitals, markers,
        {{"heart_rate_per_min", "HR /min", "#c62828"},
         {"map_mmHg", "MAP mmHg", "#2e7d32"},
         {"systolic_mmHg", "SBP mmHg", "#1565c0"}},
        200, "Heart rate and blood pressure (dashed lines: shocks and drugs)");
    section.html += records::time_series_svg(
        vitals, markers,
        {{"spo2_pct", "SpO2 %", "#6a1b9a"}, {"etco2_mmHg", "EtCO2 mmHg", "#ef6c00"}}, 100,
        "Oxygen saturation and end-tidal CO2");
  }
  return {section};
}

}  // namespace medvision::emergency
