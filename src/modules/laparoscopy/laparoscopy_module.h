#pragma once
// The laparoscopy module: a box trainer (rigid world, sim/) with two
// graspers through trocar ports, driven by a participant's hands (the
// controllers are the instrument handles; the trigger closes the jaws), and
// an FLS task scenario (src/scenario) that reads the task's progress.
//
// Rates: the session ticks at its rate (1 kHz by default); the rigid world
// steps every 10 ms with 10 substeps; the scenario is checked after each
// physics step; both tools' tips, closures and forces are sampled into the
// log at 20 Hz (`tool_sample`), from which assessment and reports derive
// the motion metrics and plots.

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"
#include "scenario/scenario_def.h"
#include "session/session_module.h"

namespace medvision::laparoscopy {

struct LaparoscopySetup {
  std::string scenario_id;  // "peg-transfer"
  std::uint64_t seed = 1;
  double tick_rate_hz = 1000.0;  // a multiple of 100
};

// Loads content/scenarios/laparoscopy/<id>.yaml, checked against the laparoscopy catalog.
Result<std::shared_ptr<const scenario::ScenarioDef>> load_laparoscopy_scenario(
    const std::filesystem::path& content_root, const std::string& scenario_id);

Result<std::unique_ptr<SessionModule>> make_laparoscopy_module(
    std::shared_ptr<const scenario::ScenarioDef> def, const LaparoscopySetup& setup);

// "laparoscopy/peg-transfer" -> module.
ModuleFactory laparoscopy_module_factory(std::filesystem::path content_root, double tick_rate_hz);

// The physics step and the tool sampling period, in seconds.
inline constexpr double kPhysicsStep_s = 0.01;
inline constexpr double kToolSample_s = 0.05;

}  // namespace medvision::laparoscopy
