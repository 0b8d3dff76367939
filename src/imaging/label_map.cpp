#include "imaging/label_map.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace medvision::imaging {

const LabelEntry* LabelMap::find(int value) const {
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [value](const LabelEntry& e) { return e.value == value; });
  return it == entries.end() ? nullptr : &*it;
}

Rgb distinct_colour(int n) {
  constexpr double golden = 0.618033988749895;
  const double hue = std::fmod(0.08 + n * golden, 1.0);
  const double saturation = (n / 2) % 2 == 0 ? 0.75 : 0.5;
  const double value = (n / 4) % 3 == 0 ? 0.95 : ((n / 4) % 3 == 1 ? 0.8 : 0.65);
  // HSV to RGB (Smith 1978).
  const double h6 = hue * 6.0;
  const int sector = static_cast<int>(h6) % 6;
  const double f = h6 - std::floor(h6);
  const double p = value * (1 - saturation);
  const double q = value * (1 - saturation * f);
  const double t = value * (1 - saturation * (1 - f));
  double r = 0, g = 0, b = 0;
  switch (sector) {
    case 0:
      r = value, g = t, b = p;
      break;
    case 1:
      r = q, g = value, b = p;
      break;
    case 2:
      r = p, g = value, b = t;
      break;
    case 3:
      r = p, g = q, b = value;
      break;
    case 4:
      r = t, g = p, b = value;
      break;
    default:
      r = value, g = p, b = q;
      break;
  }
  auto byte = [](double c) {
    return static_cast<std::uint8_t>(std::lround(std::clamp(c, 0.0, 1.0) * 255.0));
  };
  return {byte(r), byte(g), byte(b)};
}

Result<std::vector<LabelEntry>> parse_label_names(std::string_view text) {
  std::vector<LabelEntry> entries;
  std::set<int> seen_values;
  std::set<Rgb> seen_colours;
  std::istringstream in{std::string(text)};
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream fields(line);
    LabelEntry entry;
    if (!(fields >> entry.value >> entry.name)) {
      return make_error(ErrorCode::invalid_input,
                        "label names line " + std::to_string(line_number) +
                            " is not `index name [code]`: \"" + line + "\"");
    }
    fields >> entry.code;
    if (!seen_values.insert(entry.value).second) {
      return make_error(ErrorCode::invalid_input,
                        "label names line " + std::to_string(line_number) + " repeats index " +
                            std::to_string(entry.value));
    }
    // Distinct even if two sequence colours happened to round to the same bytes.
    int n = static_cast<int>(entries.size());
    do {
      entry.rgb = distinct_colour(n);
      n += 1000;
    } while (!seen_colours.insert(entry.rgb).second);
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::vector<LabelEntry>> read_label_names(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return make_error(ErrorCode::not_found, "cannot open label names file " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return parse_label_names(text.str());
}

}  // namespace medvision::imaging
