// The laparoscopy module's front door (src/modules/module.h): its tasks
// (box-trainer set-up and scripted-trainee planner per scenario) in one table.

#include "modules/laparoscopy/laparoscopy_catalog.h"
#include "modules/laparoscopy/laparoscopy_module.h"
#include "modules/laparoscopy/laparoscopy_report.h"
#include "modules/laparoscopy/pattern_cutting_planner.h"
#include "modules/laparoscopy/peg_transfer_planner.h"
#include "modules/laparoscopy/tissue_dissection_planner.h"
#include "modules/module.h"

namespace medvision::modules {
namespace {

template <class Style>
Planner planner(std::string scenario, Style (*skilled)(), Style (*clumsy)(),
                Result<laparoscopy::PlannedTrace> (*plan)(const Style&)) {
  Planner p;
  p.scenario = std::move(scenario);
  p.styles = {"skilled", "clumsy"};
  p.plan = [skilled, clumsy, plan](const std::string& style, bool verbose) -> Result<Planned> {
    if (style != "skilled" && style != "clumsy")
      return make_error(ErrorCode::invalid_input,
                        "--style must be skilled or clumsy, got '" + style + "'");
    Style s = style == "skilled" ? skilled() : clumsy();
    s.log = verbose;
    auto trace = plan(s);
    if (!trace.ok()) return trace.error();
    return Planned{trace->jsonl, trace->duration_s, trace->completed};
  };
  return p;
}

}  // namespace

const ModuleDescriptor& laparoscopy_descriptor() {
  static const ModuleDescriptor kDescriptor = [] {
    ModuleDescriptor m;
    m.id = "laparoscopy";
    m.title = "Laparoscopic skills";
    m.description =
        "FLS-style box-trainer tasks with two graspers through trocar ports: peg transfer, "
        "pattern cutting, tissue dissection; scored from the instruments' motion.";
    m.judgement = Judgement::assessed;
    m.projections = {"report", "xapi"};
    m.inputs = {{input_stream::head, 90, "the headset's pose"},
                {input_stream::hands, 90,
                 "controller poses are the instrument handles, the trigger closes the jaws"}};
    m.catalog = []() -> const scenario::Catalog& {
      static const scenario::Catalog kCatalog = laparoscopy::laparoscopy_catalog();
      return kCatalog;
    };
    m.sample_events = {"tool_sample"};
    m.load_scenario = laparoscopy::load_laparoscopy_scenario;
    m.make_session = [](const std::filesystem::path& content, double tick_rate_hz,
                        const std::string& scenario, const std::string& variant,
                        std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
      if (!variant.empty())
        return make_error(ErrorCode::invalid_input,
                          "laparoscopy tasks have no variants ('" + variant + "')");
      auto def = laparoscopy::load_laparoscopy_scenario(content, scenario);
      if (!def.ok()) return def.error();
      return laparoscopy::make_laparoscopy_module(
          *def, laparoscopy::LaparoscopySetup{scenario, seed, tick_rate_hz});
    };
    m.report_sections = laparoscopy::laparoscopy_report_sections;
    m.planners = {
        planner("peg-transfer", laparoscopy::skilled_peg_transfer, laparoscopy::clumsy_peg_transfer,
                laparoscopy::plan_peg_transfer),
        planner("pattern-cutting", laparoscopy::skilled_pattern_cutting,
                laparoscopy::clumsy_pattern_cutting, laparoscopy::plan_pattern_cutting),
        planner("tissue-dissection", laparoscopy::skilled_dissection,
                laparoscopy::clumsy_dissection, laparoscopy::plan_tissue_dissection),
    };
    return m;
  }();
  return kDescriptor;
}

}  // namespace medvision::modules
