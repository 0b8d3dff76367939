#pragma once
// `medvision plan laparoscopy/peg-transfer --style skilled|clumsy -o TRACE`:
// writes the input trace of a scripted trainee (the shipped traces under
// content/traces/laparoscopy come from it).

#include <CLI/CLI.hpp>

namespace medvision {

void add_plan_command(CLI::App& app);

}  // namespace medvision
