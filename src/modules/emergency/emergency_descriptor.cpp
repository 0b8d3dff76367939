// The emergency module's front door (src/modules/module.h).

#include "modules/emergency/emergency_catalog.h"
#include "modules/emergency/emergency_module.h"
#include "modules/emergency/emergency_report.h"
#include "modules/module.h"

namespace medvision::modules {

const ModuleDescriptor& emergency_descriptor() {
  static const ModuleDescriptor kDescriptor = [] {
    ModuleDescriptor m;
    m.id = "emergency";
    m.title = "Emergency and team training";
    m.description =
        "A simulated patient whose physiology responds to the team's actions, steered by a "
        "scenario: cardiac arrest, haemorrhage, mass-casualty triage.";
    m.judgement = Judgement::assessed;
    m.projections = {"report", "xapi"};
    // Team actions come as ACTION messages; the poses only place avatars.
    m.inputs = {{input_stream::head, 90, "the headset's pose"},
                {input_stream::hands, 90, "controller poses and buttons"}};
    m.catalog = []() -> const scenario::Catalog& { return emergency::emergency_catalog(); };
    m.sample_events = {"vitals", "compression"};
    m.late_joiner_events = {"vitals"};
    m.load_scenario = emergency::load_emergency_scenario;
    m.make_session = [](const std::filesystem::path& content, double tick_rate_hz,
                        const std::string& scenario, const std::string& variant,
                        std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
      auto def = emergency::load_emergency_scenario(content, scenario);
      if (!def.ok()) return def.error();
      return emergency::make_emergency_module(
          *def, emergency::EmergencySetup{scenario, variant, seed, tick_rate_hz});
    };
    m.report_sections = emergency::emergency_report_sections;
    return m;
  }();
  return kDescriptor;
}

}  // namespace medvision::modules
