#include "assess/rubric.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace medvision::assess {
namespace {

bool meets(const RubricItem& item, double v) {
  switch (item.comparison) {
    case Comparison::at_most:
      return v <= item.high;
    case Comparison::at_least:
      return v >= item.low;
    case Comparison::between:
      return v >= item.low && v <= item.high;
  }
  return false;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string describe_value(double v, const std::string& unit) {
  if (unit == "boolean") return v >= 0.5 ? "yes" : "no";
  char buf[48];
  if (unit == "count" || unit == "class") {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (std::abs(v) >= 100 || std::floor(v) == v) {
    std::snprintf(buf, sizeof buf, "%.0f %s", v, unit.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, unit.c_str());
  }
  std::string out = buf;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string describe_target(const RubricItem& item, const std::string& unit) {
  if (unit == "boolean") {
    // "at least 1" of a yes/no measure is "yes", "at most 0" is "no".
    const bool yes = item.comparison == Comparison::at_least ? item.low >= 0.5 : item.high >= 0.5;
    return yes ? "yes" : "no";
  }
  const std::string u = unit.empty() || unit == "count" || unit == "class" ? "" : " " + unit;
  switch (item.comparison) {
    case Comparison::at_most:
      return "at most " + number(item.high) + u;
    case Comparison::at_least:
      return "at least " + number(item.low) + u;
    case Comparison::between:
      return "between " + number(item.low) + " and " + number(item.high) + u;
  }
  return "";
}

Assessment score(const Rubric& rubric, const Measurements& measurements) {
  Assessment out;
  double total = 0, earned = 0;
  std::vector<std::pair<double, std::string>> missed;
  for (const RubricItem& item : rubric.items) {
    ItemResult r{item, std::nullopt, false};
    const auto it = measurements.find(item.metric);
    if (it != measurements.end() && std::isfinite(it->second.value)) {
      r.measured = it->second;
      r.met = meets(item, it->second.value);
    }
    total += item.weight;
    if (r.met) {
      earned += item.weight;
    } else if (!r.measured) {
      // What never happened gets no advice about how it was done (a clip
      // spacing without clips), only that it was not done.
      missed.emplace_back(item.weight,
                          "Not done: " + (item.label.empty() ? item.metric : item.label) + ".");
    } else if (!item.feedback.empty()) {
      missed.emplace_back(item.weight, item.feedback);
    }
    out.items.push_back(std::move(r));
  }
  out.score = total > 0 ? 100.0 * earned / total : 0.0;
  out.passed = out.score >= rubric.proficiency;
  std::stable_sort(missed.begin(), missed.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& m : missed) out.feedback.push_back(std::move(m.second));
  return out;
}

}  // namespace medvision::assess
