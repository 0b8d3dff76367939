#pragma once
// The laparoscopy module's FLS pattern-cutting task as a session module: the
// same hand-driven instruments, scenario run and 20 Hz tool samples as peg
// transfer (laparoscopy_module.h), over the pattern-cutting box trainer
// (pattern_cutting_run.h), with the gauze as a deformable mesh for clients
// and each hand's instrument load for controller vibration.

#include <memory>

#include "modules/laparoscopy/laparoscopy_module.h"
#include "scenario/run.h"

namespace medvision::laparoscopy {

std::unique_ptr<SessionModule> make_pattern_cutting_module(
    std::shared_ptr<const scenario::ScenarioDef> def, const LaparoscopySetup& setup,
    scenario::ScenarioRun run);

}  // namespace medvision::laparoscopy
