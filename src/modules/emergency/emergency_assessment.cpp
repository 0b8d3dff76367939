#include "modules/emergency/emergency_assessment.h"

#include "modules/emergency/team_metrics.h"
#include "modules/scenario_assessment.h"

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
  if (scenario::patients_for_variant(def, variant).size() == 1)
    all.merge(assess::drug_metrics(view));
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

nlohmann::json assess_emergency_session(const scenario::ScenarioDef& def,
                                        const std::string& variant, std::span<const Event> log,
                                        double tick_rate_hz) {
  return modules::assessment_payload(def, variant, log,
                                     emergency_metrics(def, variant, log, tick_rate_hz));
}

}  // namespace medvision::emergency
