#include "app/plan_command.h"

#include <cstdio>
#include <fstream>

#include "modules/registry.h"

namespace medvision {
namespace {

struct PlanOptions {
  std::string task;
  std::string style = "skilled";
  std::string output;
  bool verbose = false;
};

// The planner a module declares for the task ("laparoscopy/peg-transfer").
Result<modules::Planned> plan_task(const PlanOptions& o) {
  std::string known;
  for (const modules::ModuleDescriptor* m : modules::all_modules()) {
    for (const modules::Planner& p : m->planners) {
      const std::string kind = m->id + "/" + p.scenario;
      if (kind == o.task) return p.plan(o.style, o.verbose);
      known += (known.empty() ? "" : ", ") + kind;
    }
  }
  return make_error(ErrorCode::invalid_input,
                    "no planner for '" + o.task + "' (there are for " + known + ")");
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
                  "Task, e.g. laparoscopy/peg-transfer (the modules' planners)")
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
