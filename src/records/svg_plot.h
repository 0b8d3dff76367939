#pragma once
// The one plotting helper of stored reports: values over session time as
// inline SVG (no scripts, so a report stays a self-contained file), with
// dashed markers for moments (a shock, a drug, an object dropped), and the
// text helpers reports share.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace medvision::records {

std::string escape_html(const std::string& s);
// "m:ss" of a session time in seconds.
std::string clock_text(double t_s);
// A number with `decimals` digits after the point.
std::string fixed(double v, int decimals = 1);

struct PlotSeries {
  std::string key;     // the sample's field
  std::string label;   // "HR /min"
  std::string colour;  // CSS colour
};

// Samples are (time in seconds, JSON object); each series draws sample[key]
// where it is a number. Values are clamped to [0, y_max].
std::string time_series_svg(const std::vector<std::pair<double, nlohmann::json>>& samples,
                            const std::vector<std::pair<double, std::string>>& markers,
                            const std::vector<PlotSeries>& series, double y_max,
                            const std::string& title);

}  // namespace medvision::records
