#include "app/plan_command.h"

#include <cstdio>
#include <fstream>

#include "modules/laparoscopy/peg_transfer_planner.h"

namespace medvision {
namespace {

struct PlanOptions {
  std::string task;
  std::string style = "skilled";
  std::string output;
  bool verbose = false;
};

int plan(const PlanOptions& o) {
  if (o.task != "laparoscopy/peg-transfer") {
    std::fprintf(
        stderr, "medvision plan: no planner for '%s' (there is one for laparoscopy/peg-transfer)\n",
        o.task.c_str());
    return 2;
  }
  laparoscopy::PegTransferStyle style;
  if (o.style == "skilled") {
    style = laparoscopy::skilled_peg_transfer();
  } else if (o.style == "clumsy") {
    style = laparoscopy::clumsy_peg_transfer();
  } else {
    std::fprintf(stderr, "medvision plan: --style must be skilled or clumsy, got '%s'\n",
                 o.style.c_str());
    return 2;
  }
  style.log = o.verbose;
  const auto planned = laparoscopy::plan_peg_transfer(style);
  if (!planned.ok()) {
    std::fprintf(stderr, "medvision plan: %s\n", planned.error().message.c_str());
    return 1;
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
  cmd->add_option("task", options->task, "Task, e.g. laparoscopy/peg-transfer")->required();
  cmd->add_option("--style", options->style, "skilled or clumsy (default skilled)");
  cmd->add_option("-o,--output", options->output, "Trace file to write (JSON lines)")->required();
  cmd->add_flag("--verbose", options->verbose, "Print the task's events while planning");
  cmd->callback([options] {
    const int code = plan(*options);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace medvision
