#pragma once
// A metric's value, with its unit: what assessment computes from a session
// log and what rubrics score.

#include <map>
#include <string>

namespace medvision::assess {

struct Measurement {
  double value = 0;
  std::string unit;  // "s", "%", "count", "/min", "mm", "mL"
};

using Measurements = std::map<std::string, Measurement>;

}  // namespace medvision::assess
