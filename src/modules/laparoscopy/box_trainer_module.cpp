#include "modules/laparoscopy/box_trainer_module.h"

#include <cmath>

#include "core/hash.h"
#include "modules/laparoscopy/laparoscopy_assessment.h"
#include "modules/laparoscopy/laparoscopy_scene.h"
#include "modules/scenario_host.h"
#include "scenario/payload_json.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
namespace sc = scenario;

// The scenario host (modules/scenario_host.h) checks the task's scenario after
// every physics step (the first at tick 0's step); the module steps the box
// trainer before it.
class BoxTrainerModule final : public modules::ScenarioHost {
 public:
  BoxTrainerModule(std::shared_ptr<const sc::ScenarioDef> def, LaparoscopySetup setup,
                   sc::ScenarioRun run, std::unique_ptr<BoxTask> task)
      : ScenarioHost(def, std::move(run), setup.tick_rate_hz, 1.0 / kPhysicsStep_s, false),
        def_(std::move(def)),
        setup_(std::move(setup)),
        task_(std::move(task)),
        scene_(task_->box().trainer()),
        camera_(laparoscope_camera(task_->box().trainer().scope)) {
    ticks_per_physics_ = static_cast<Tick>(std::llround(setup_.tick_rate_hz * kPhysicsStep_s));
    physics_per_sample_ = static_cast<int>(std::lround(kToolSample_s / kPhysicsStep_s));
    scene_.update(task_->box().world(), task_->box().tools());
  }

  void step(Tick tick, const EventSink& sink) override {
    if (tick % ticks_per_physics_ == 0 && !run().paused() && !run().ended()) {
      std::vector<TaskEvent> events;
      task_->step(events);
      for (const auto& e : events) emit(sink, e.type, e.payload_json);
      scene_.update(task_->box().world(), task_->box().tools());
      // Sampled once a trainee holds the instruments: an empty box trainer writes nothing.
      if (++physics_steps_ % physics_per_sample_ == 0 && driver_ != 0) sample_tools(sink);
    }
    ScenarioHost::step(tick, sink);
  }

  Status act(const ModuleAction& action, const EventSink& sink) override {
    (void)sink;
    return make_error(ErrorCode::invalid_input, "the laparoscopy module takes no team actions ('" +
                                                    action.name +
                                                    "'): the instruments follow the hands");
  }

  void input(int participant, const InputFrame& frame, const EventSink& sink) override {
    (void)sink;
    // The first participant to send input holds the instruments; others watch.
    if (driver_ == 0) driver_ = participant;
    if (participant != driver_) return;
    for (int t = 0; t < 2; ++t) {
      if (const auto command = hand_command(frame.hands[t])) task_->command(t, *command);
    }
  }

  const ModuleScene* scene() const override { return &scene_.scene(); }
  std::span<const SceneCamera> cameras() const override { return {&camera_, 1}; }
  std::span<const SceneMesh> meshes() const override { return task_->meshes(); }
  // What the instruments of the trainee holding them touch: the contact force
  // on each shaft and jaws (the same figure as `tool_sample`'s force_N).
  void hand_over(int participant) override { driver_ = participant; }

  std::optional<HandForces> hand_forces(int participant) const override {
    if (driver_ == 0 || participant != driver_) return std::nullopt;
    return HandForces{static_cast<float>(task_->sample(kLeft).force_N),
                      static_cast<float>(task_->sample(kRight).force_N)};
  }

  std::optional<std::string> assess(std::span<const Event> log) const override {
    return assess_laparoscopy_session(*def_, log, setup_.tick_rate_hz)
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

 protected:
  void on_start(const EventSink& sink) override {
    const TaskEvent ready = task_->ready_event(def_->id);
    emit(sink, ready.type, ready.payload_json);
  }
  bool scenario_due(Tick tick) override { return tick % ticks_per_physics_ == 0; }
  std::optional<sc::Value> signal(std::string_view name) const override {
    return task_->signal(name);
  }
  void hash_state(Fnv1a& h) const override { h.add(task_->state_hash()); }

 private:
  void sample_tools(const EventSink& sink) {
    json j = json::object();
    for (int t = 0; t < 2; ++t) {
      const ToolSample s = task_->sample(t);
      j[tool_name(t)] = {{"tip", logged_position(s.tip)},
                         {"shaft", logged_position(s.shaft)},
                         {"depth_m", std::round(s.depth_m * 1e5) / 1e5},
                         {"closure", std::round(s.closure * 100) / 100},
                         {"force_N", std::round(s.force_N * 1000) / 1000},
                         {"holding", s.holding}};
    }
    sink("tool_sample", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  std::shared_ptr<const sc::ScenarioDef> def_;
  LaparoscopySetup setup_;
  std::unique_ptr<BoxTask> task_;
  TrainerScene scene_;
  SceneCamera camera_;
  Tick ticks_per_physics_ = 10;
  int physics_per_sample_ = 5;
  std::uint64_t physics_steps_ = 0;
  int driver_ = 0;
};

}  // namespace

std::unique_ptr<SessionModule> make_box_trainer_module(
    std::shared_ptr<const scenario::ScenarioDef> def, const LaparoscopySetup& setup,
    scenario::ScenarioRun run, std::unique_ptr<BoxTask> task) {
  return std::make_unique<BoxTrainerModule>(std::move(def), setup, std::move(run), std::move(task));
}

nlohmann::json logged_position(const sim::Vec3& v) {
  auto r = [](double x) { return std::round(x * 1e5) / 1e5; };
  return json::array({r(v.x()), r(v.y()), r(v.z())});
}

}  // namespace medvision::laparoscopy
