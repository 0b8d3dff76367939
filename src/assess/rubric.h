#pragma once
// Rubrics: each item compares one metric with a target; met items earn their
// weight; the score is the earned share of all weights (0-100); passing means
// reaching the scenario's proficiency score. Items whose metric could not be
// measured (the trainee never did the thing) earn nothing and say so.

#include <optional>
#include <string>
#include <vector>

#include "assess/measurement.h"

namespace medvision::assess {

enum class Comparison { at_most, at_least, between };

struct RubricItem {
  std::string metric;
  Comparison comparison = Comparison::at_most;
  double low = 0;   // at_least and between
  double high = 0;  // at_most and between
  double weight = 1;
  std::string feedback = {};  // shown when the item is missed: a sentence the trainee can act on
  std::string label = {};     // what people call the metric ("Time to first shock"); empty: the id
};

struct Rubric {
  std::vector<RubricItem> items;
  double proficiency = 70;  // pass score, 0-100
};

struct ItemResult {
  RubricItem item;
  std::optional<Measurement> measured;
  bool met = false;
};

struct Assessment {
  double score = 0;  // 0-100
  bool passed = false;
  std::vector<ItemResult> items;
  std::vector<std::string> feedback;  // one sentence per missed item, heaviest first
};

Assessment score(const Rubric& rubric, const Measurements& measurements);

// "at most 60 s", "between 100 and 120 /min": the target in words, for reports.
// A measured value as people read it: "yes"/"no" for a boolean, a whole
// number for a count, "57.6 %" or "195 s" otherwise.
std::string describe_value(double value, const std::string& unit);
std::string describe_target(const RubricItem& item, const std::string& unit);

}  // namespace medvision::assess
