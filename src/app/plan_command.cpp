#include "app/plan_command.h"

#include <cstdio>
#include <fstream>

#include "modules/laparoscopy/pattern_cutting_planner.h"
#include "modules/laparoscopy/peg_transfer_planner.h"
#include "modules/laparoscopy/tissue_dissection_planner.h"

namespace medvision {
namespace {

struct PlanOptions {
  std::string task;
  std::string style = "skilled";
  std::string output;
  bool verbose = false;
};

Result<laparoscopy::PlannedTrace> plan_task(const PlanOptions& o) {
  const bool skilled = o.style == "skilled";
  if (!skilled && o.style != "clumsy") {
    return make_error(ErrorCode::invalid_input,
                      "--style must be skilled or clumsy, got '" + o.style + "'");
  }
  if (o.task == "laparoscopy/peg-transfer") {
    auto style = skilled ? laparoscopy::skilled_peg_transfer() : laparoscopy::clumsy_peg_transfer();
    style.log = o.verbose;
    return laparoscopy::plan_peg_transfer(style);
  }
  if (o.task == "laparoscopy/pattern-cutting") {
    auto style =
        skilled ? laparoscopy::skilled_pattern_cutting() : laparoscopy::clumsy_pattern_cutting();
    style.log = o.verbose;
    return laparoscopy::plan_pattern_cutting(style);
  }
  if (o.task == "laparoscopy/tissue-dissection") {
    auto style = skilled ? laparoscopy::skilled_dissection() : laparoscopy::clumsy_dissection();
    style.log = o.verbose;
    return laparoscopy::plan_tissue_dissection(style);
  }
  return make_error(ErrorCode::invalid_input,
                    "no planner for '" + o.task +
                        "' (there are for laparoscopy/peg-transfer, laparoscopy/pattern-cutting "
                        "and laparoscopy/tissue-dissection)");
}

int plan(const PlanOptions& o) {
  const auto planned = plan_task(o);
  if (!planned.ok()) {
    std::fprintf(stderr, "medvision plan: %s\n", planned.error().message.c_str());
    return planned.error().code == ErrorCode::invalid_input ? 2 : 1;
  }
  std::ofstream out(o.output, std::ios::binary);
  out << planned->jsonl;
  if (!out) {
    std::fprintf(stderr, "medvision plan: cannot write %s\n", o.output.c_str());
    return 1;
  }
  std::printf("%s (%s): %.1f s, %s; wrote %s\n", o.task.c_str(), o.style.c_str(),
              planned->duration_s, planned->completed ? "task completed" : "task not completed",
              o.output.c_str());
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto options = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand("plan", "Write the input trace of a scripted trainee for a task");
  cmd->add_option("task", options->task,
                  "Task: laparoscopy/peg-transfer, laparoscopy/pattern-cutting or "
                  "laparoscopy/tissue-dissection")
      ->required();
  cmd->add_option("--style", options->style, "skilled or clumsy (default skilled)");
  cmd->add_option("-o,--output", options->output, "Trace file to write (JSON lines)")->required();
  cmd->add_flag("--verbose", options->verbose, "Print the task's events while planning");
  cmd->callback([options] {
    const int code = plan(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace medvision
