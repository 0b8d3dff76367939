#include "modules/laparoscopy/laparoscopy_module.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "modules/laparoscopy/box_trainer_module.h"
#include "modules/laparoscopy/laparoscopy_catalog.h"
#include "modules/laparoscopy/pattern_cutting_module.h"
#include "modules/laparoscopy/tissue_dissection_module.h"
#include "scenario/loader.h"
#include "scenario/run.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
namespace sc = scenario;

Error bad(const std::string& why) { return make_error(ErrorCode::invalid_input, why); }

// Peg transfer: six objects, twelve pegs, the task tracked by PegTransferTask.
class PegTransfer final : public BoxTask {
 public:
  PegTransfer() : run_(std::make_shared<const BoxTrainer>(make_peg_transfer_trainer())) {}

  const BoxTrainerRun& box() const override { return run_; }
  void command(int tool, const HandCommand& hand) override { run_.command(tool, hand); }
  void step(std::vector<TaskEvent>& out) override { run_.step(out); }
  ToolSample sample(int tool) const override { return run_.sample(tool); }
  std::uint64_t state_hash() const override { return run_.state_hash(); }

  TaskEvent ready_event(const std::string& task_id) const override {
    return {"box_trainer_ready",
            json{{"task", task_id},
                 {"objects", run_.trainer().objects.size()},
                 {"pegs", run_.trainer().pegs.size()}}
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  std::optional<sc::Value> signal(std::string_view name) const override {
    const PegTransferTally& n = run_.task().tally();
    if (name == "on_left") return sc::Value(double(n.on_left));
    if (name == "on_right") return sc::Value(double(n.on_right));
    if (name == "not_on_left") return sc::Value(double(n.not_on_left));
    if (name == "not_on_right") return sc::Value(double(n.not_on_right));
    if (name == "held") return sc::Value(double(n.held));
    if (name == "drops") return sc::Value(double(n.drops));
    if (name == "drops_out_of_view") return sc::Value(double(n.drops_out_of_view));
    if (name == "transfers") return sc::Value(double(n.transfers));
    return std::nullopt;
  }

 private:
  BoxTrainerRun run_;
};

std::unique_ptr<BoxTask> make_peg_transfer_task() { return std::make_unique<PegTransfer>(); }

// The tasks: a scenario id and the box-trainer set-up that runs it.
struct TaskEntry {
  const char* id;
  std::unique_ptr<BoxTask> (*make)();
};
const TaskEntry kTasks[] = {
    {"peg-transfer", make_peg_transfer_task},
    {"pattern-cutting", make_pattern_cutting_task},
    {"tissue-dissection", make_tissue_dissection_task},
};

}  // namespace

Result<std::shared_ptr<const sc::ScenarioDef>> load_laparoscopy_scenario(
    const std::filesystem::path& content_root, const std::string& scenario_id) {
  return sc::load_module_scenario(content_root, laparoscopy_catalog(), scenario_id);
}

Result<std::unique_ptr<SessionModule>> make_laparoscopy_module(
    std::shared_ptr<const sc::ScenarioDef> def, const LaparoscopySetup& setup) {
  const double per_step = setup.tick_rate_hz * kPhysicsStep_s;
  if (!(per_step >= 1) || std::abs(per_step - std::round(per_step)) > 1e-9) {
    return bad(
        "the laparoscopy module needs a session tick rate that is a multiple of 100 Hz, got " +
        std::to_string(setup.tick_rate_hz));
  }
  const TaskEntry* entry = nullptr;
  std::string ids;
  for (const TaskEntry& t : kTasks) {
    if (def->id == t.id) entry = &t;
    ids += (ids.empty() ? "" : ", ") + std::string(t.id);
  }
  if (entry == nullptr) {
    return bad("laparoscopy scenario '" + def->id + "' has no box-trainer set-up (" + ids +
               " have)");
  }
  auto run = sc::ScenarioRun::create(*def, sc::RunOptions{setup.tick_rate_hz, ""});
  if (!run.ok()) return run.error();
  std::unique_ptr<BoxTask> task = entry->make();
  return make_box_trainer_module(def, setup, std::move(*run), std::move(task));
}

ModuleFactory laparoscopy_module_factory(std::filesystem::path content_root, double tick_rate_hz) {
  return [content_root, tick_rate_hz](
             std::string_view kind, std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
    constexpr std::string_view prefix = "laparoscopy/";
    if (kind.substr(0, prefix.size()) != prefix) {
      return bad("session kind '" + std::string(kind) + "' is not a laparoscopy task");
    }
    const std::string id(kind.substr(prefix.size()));
    if (id.find(':') != std::string::npos)
      return bad("laparoscopy tasks have no variants ('" + id + "')");
    auto def = load_laparoscopy_scenario(content_root, id);
    if (!def.ok()) return def.error();
    return make_laparoscopy_module(*def, LaparoscopySetup{id, seed, tick_rate_hz});
  };
}

}  // namespace medvision::laparoscopy
