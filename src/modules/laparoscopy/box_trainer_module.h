#pragma once
// A box-trainer task as a session module. Every FLS task in the box trainer
// is driven the same way (laparoscopy_module.h says the rates): the first
// participant to send input holds both instruments, the world steps every
// 10 ms, the tools are sampled into the log at 20 Hz once someone holds them,
// the contact force on each instrument goes to that participant's hands, and
// the task's scenario reads the task's signals after each physics step. What
// differs between tasks is a BoxTask.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "modules/laparoscopy/box_trainer_run.h"
#include "modules/laparoscopy/laparoscopy_module.h"
#include "scenario/run.h"
#include "scenario/value.h"

namespace medvision::laparoscopy {

// One task's world in motion, what it tells the log and its scenario, and
// the deformable surfaces it shows.
class BoxTask {
 public:
  virtual ~BoxTask() = default;
  // The instruments and the rigid world of the box (scene and laparoscope).
  virtual const BoxTrainerRun& box() const = 0;
  virtual void command(int tool, const HandCommand& hand) = 0;
  virtual void step(std::vector<TaskEvent>& out) = 0;
  virtual ToolSample sample(int tool) const = 0;
  virtual std::uint64_t state_hash() const = 0;
  // The event that opens the session's log.
  virtual TaskEvent ready_event(const std::string& task_id) const = 0;
  // A signal of the laparoscopy catalog, as the task's scenario reads it.
  virtual std::optional<scenario::Value> signal(std::string_view name) const = 0;
  virtual std::span<const SceneMesh> meshes() const { return {}; }
};

std::unique_ptr<SessionModule> make_box_trainer_module(
    std::shared_ptr<const scenario::ScenarioDef> def, const LaparoscopySetup& setup,
    scenario::ScenarioRun run, std::unique_ptr<BoxTask> task);

// A position as the log stores it: metres rounded to 0.01 mm, which is all a
// debrief needs and keeps the log small.
nlohmann::json logged_position(const sim::Vec3& v);

}  // namespace medvision::laparoscopy
