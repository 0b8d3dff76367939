#include "modules/scenario_assessment.h"

#include <algorithm>
#include <limits>

namespace medvision::modules {

assess::Rubric rubric_of(const scenario::ScenarioDef& def) {
  assess::Rubric r;
  r.proficiency = def.rubric.proficiency;
  for (const auto& item : def.rubric.items) {
    assess::RubricItem a;
    a.metric = item.metric;
    a.weight = item.weight;
    a.feedback = item.feedback;
    a.label = item.label;
    if (item.min && item.max) {
      a.comparison = assess::Comparison::between;
      a.low = *item.min;
      a.high = *item.max;
    } else if (item.min) {
      a.comparison = assess::Comparison::at_least;
      a.low = *item.min;
    } else {
      a.comparison = assess::Comparison::at_most;
      a.high = item.max.value_or(std::numeric_limits<double>::infinity());
    }
    r.items.push_back(a);
  }
  return r;
}

std::string scenario_outcome(std::span<const Event> log) {
  std::string outcome = "aborted";
  for (const Event& e : log) {
    if (e.type != "scenario_ended") continue;
    const nlohmann::json p = nlohmann::json::parse(e.payload, nullptr, false);
    if (p.is_object() && p.contains("outcome") && p["outcome"].is_string()) outcome = p["outcome"];
  }
  return outcome;
}

bool acted(std::span<const Event> log) {
  return std::any_of(log.begin(), log.end(), [](const Event& e) { return e.type == "action"; });
}

nlohmann::json assessment_payload(const scenario::ScenarioDef& def, const std::string& variant,
                                  std::span<const Event> log, const assess::Measurements& metrics,
                                  std::optional<bool> attempted) {
  using nlohmann::json;
  const bool tried = attempted.value_or(acted(log));
  const assess::Rubric rubric = rubric_of(def);
  assess::Assessment a = assess::score(rubric, metrics);
  if (!tried) {
    a.score = 0;
    a.passed = false;
    for (auto& item : a.items) item.met = false;
    a.feedback = {"Not attempted: nothing was done in this session, so it is not scored."};
  }
  const std::string outcome = scenario_outcome(log);
  json m = json::object();
  for (const auto& [name, value] : metrics)
    m[name] = {{"value", value.value}, {"unit", value.unit}};
  json items = json::array();
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const auto& r = a.items[i];
    const std::string unit = def.rubric.items[i].unit;
    items.push_back({{"metric", r.item.metric},
                     {"label", r.item.label.empty() ? r.item.metric : r.item.label},
                     {"target", assess::describe_target(r.item, unit)},
                     {"weight", r.item.weight},
                     {"value", r.measured ? json(r.measured->value) : json(nullptr)},
                     {"unit", unit},
                     {"met", r.met},
                     {"objective", def.rubric.items[i].objective}});
  }
  // Proficiency is shown on a whole run: a session stopped before its
  // scenario ended, or one the patient did not survive, is not passed
  // whatever its score so far.
  const bool passed = a.passed && outcome == "completed";
  std::vector<std::string> feedback = a.feedback;
  if (outcome == "aborted" && tried) {
    feedback.insert(
        feedback.begin(),
        "The session ended before the scenario did; run it to its end to be assessed for a pass.");
  }
  return {{"scenario", def.id},  {"variant", variant},
          {"title", def.title},  {"outcome", outcome},
          {"attempted", tried},  {"score", a.score},
          {"passed", passed},    {"proficiency", rubric.proficiency},
          {"metrics", m},        {"items", items},
          {"feedback", feedback}};
}

}  // namespace medvision::modules
