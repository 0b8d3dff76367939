#pragma once
// `medvision physio simulate`: runs one patient on its own and writes its
// vital signs, one row per simulated second, with actions from a YAML file.

#include <cstdio>
#include <string>
#include <vector>

#include "core/result.h"
#include "physio/interventions.h"

namespace CLI {
class App;
}

namespace medvision {

// Registers `physio simulate` on `app`; the command runs when parsed and
// exits with status 2 (message on stderr) on bad input.
void add_physio_commands(CLI::App& app);

namespace physio_cli {

struct TimedAction {
  double at_s = 0;
  std::string action;
  physio::ActionArgs args;
  int line = 0;
};

// An action file is a YAML list of maps:
//   - at_s: 60
//     action: haemorrhage
//     rate_mL_per_min: 100
// Errors name the file, the line and the field.
Result<std::vector<TimedAction>> parse_actions(const std::string& yaml_text,
                                               const std::string& file_label);
Result<std::vector<TimedAction>> read_action_file(const std::string& path);

struct SimulateOptions {
  std::string patient = "standard-male";
  double minutes = 10;
  std::string actions_file;
  std::string csv_file;
  std::string svg_file;
  std::uint64_t seed = 1;
};

// Runs the simulation; progress and action log lines go to `log`.
Status run_simulate(const SimulateOptions& options, std::FILE* log);

}  // namespace physio_cli
}  // namespace medvision
