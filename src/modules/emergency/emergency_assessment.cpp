#include "modules/emergency/emergency_assessment.h"

#include <limits>

#include "assess/team_metrics.h"

namespace medvision::emergency {

assess::Measurements emergency_metrics(const scenario::ScenarioDef& def, const std::string& variant,
                                       std::span<const Event> log, double tick_rate_hz) {
  const assess::LogView view(log, tick_rate_hz);
  assess::Measurements all = assess::resuscitation_metrics(view);
  std::vector<std::string> required_roles;
  for (const auto& r : def.roles) {
    if (r.min > 0) required_roles.push_back(r.name);
  }
  all.merge(assess::role_metrics(view, required_roles));
  all.merge(assess::haemorrhage_metrics(view));
  std::vector<assess::ExpectedTag> expected;
  for (const auto& p : scenario::patients_for_variant(def, variant)) {
    const auto tag = p.expected.find("tag");
    if (tag == p.expected.end()) continue;
    if (const auto* text = std::get_if<std::string>(&tag->second))
      expected.push_back({p.id, *text});
  }
  if (!expected.empty()) all.merge(assess::triage_metrics(view, expected));
  return all;
}

assess::Rubric rubric_of(const scenario::ScenarioDef& def) {
  assess::Rubric r;
  r.proficiency = def.rubric.proficiency;
  for (const auto& item : def.rubric.items) {
    assess::RubricItem a;
    a.metric = item.metric;
    a.weight = item.weight;
    a.feedback = item.feedback;
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

nlohmann::json assess_emergency_session(const scenario::ScenarioDef& def,
                                        const std::string& variant, std::span<const Event> log,
                                        double tick_rate_hz) {
  using nlohmann::json;
  const assess::Measurements metrics = emergency_metrics(def, variant, log, tick_rate_hz);
  const assess::Rubric rubric = rubric_of(def);
  const assess::Assessment a = assess::score(rubric, metrics);
  std::string outcome = "aborted";
  for (const Event& e : log) {
    if (e.type != "scenario_ended") continue;
    const json p = json::parse(e.payload, nullptr, false);
    if (p.is_object() && p.contains("outcome") && p["outcome"].is_string()) outcome = p["outcome"];
  }
  json m = json::object();
  for (const auto& [name, value] : metrics)
    m[name] = {{"value", value.value}, {"unit", value.unit}};
  json items = json::array();
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    const auto& r = a.items[i];
    const std::string unit = def.rubric.items[i].unit;
    items.push_back({{"metric", r.item.metric},
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
  if (outcome == "aborted") {
    feedback.insert(
        feedback.begin(),
        "The session ended before the scenario did; run it to its end to be assessed for a pass.");
  }
  return {{"scenario", def.id},
          {"variant", variant},
          {"title", def.title},
          {"outcome", outcome},
          {"score", a.score},
          {"passed", passed},
          {"proficiency", rubric.proficiency},
          {"metrics", m},
          {"items", items},
          {"feedback", feedback}};
}

}  // namespace medvision::emergency
