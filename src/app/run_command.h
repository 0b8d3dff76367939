#pragma once
// `medvision run MODULE/SCENARIO --input TRACE --report DIR`: plays a
// scenario headless from a recorded or scripted trace of the team's actions,
// then writes the session log, the assessment and the debrief report.

#include <CLI/CLI.hpp>

namespace medvision {

void add_run_command(CLI::App& app);

}  // namespace medvision
