// The sandbox's front door: the worked example of docs/modules.md. It runs
// without a scenario (sessions of kind "sandbox"), declares the two events
// it writes and the hand input it reads, and has no verdict.

#include "modules/module.h"
#include "modules/sandbox/sandbox_module.h"

namespace medvision::modules {
namespace {

namespace sc = scenario;

const sc::Catalog& sandbox_catalog() {
  static const sc::Catalog kCatalog = [] {
    sc::Catalog c;
    c.module = "sandbox";
    c.events = {
        {sandbox_event::grab,
         {sc::number_param("participant", 1, 1e9), sc::number_param("hand", 0, 1),
          sc::number_param("body", 1, 1e9)}},
        {sandbox_event::release,
         {sc::number_param("participant", 1, 1e9), sc::number_param("hand", 0, 1),
          sc::number_param("body", 1, 1e9)}},
    };
    return c;
  }();
  return kCatalog;
}

}  // namespace

const ModuleDescriptor& sandbox_descriptor() {
  static const ModuleDescriptor kDescriptor = [] {
    ModuleDescriptor m;
    m.id = "sandbox";
    m.title = "Sandbox";
    m.description =
        "A table with six bodies to pick up and carry, with the headset's controllers or the "
        "mouse: for trying the room out together.";
    m.judgement = Judgement::measured;
    m.open_room = true;
    m.inputs = {{input_stream::head, 90, "the headset's pose"},
                {input_stream::hands, 90, "both controllers' poses and buttons (grip grabs)"},
                {input_stream::client_time, 90,
                 "the client's clock with each sample, for measuring input latency end to end"}};
    m.catalog = sandbox_catalog;
    m.load_scenario =
        [](const std::filesystem::path&,
           const std::string& scenario) -> Result<std::shared_ptr<const sc::ScenarioDef>> {
      return make_error(ErrorCode::not_found,
                        "the sandbox has no scenarios (asked for '" + scenario + "')");
    };
    m.make_session = [](const std::filesystem::path&, double tick_rate_hz,
                        const std::string& scenario, const std::string& variant,
                        std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
      if (!scenario.empty() || !variant.empty())
        return make_error(ErrorCode::invalid_input, "the sandbox has no scenarios or variants");
      return std::unique_ptr<SessionModule>(std::make_unique<SandboxModule>(seed, tick_rate_hz));
    };
    return m;
  }();
  return kDescriptor;
}

}  // namespace medvision::modules
