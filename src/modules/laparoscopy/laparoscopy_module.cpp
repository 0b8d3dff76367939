#include "modules/laparoscopy/laparoscopy_module.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "modules/laparoscopy/box_trainer_run.h"
#include "modules/laparoscopy/laparoscopy_assessment.h"
#include "modules/laparoscopy/laparoscopy_catalog.h"
#include "modules/laparoscopy/laparoscopy_scene.h"
#include "modules/laparoscopy/pattern_cutting_module.h"
#include "scenario/loader.h"
#include "scenario/payload_json.h"
#include "scenario/run.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
namespace sc = scenario;

Error bad(const std::string& why) { return make_error(ErrorCode::invalid_input, why); }

json vec(const sim::Vec3& v) {
  // Millimetre precision is all a debrief needs and keeps the log small.
  auto r = [](double x) { return std::round(x * 1e5) / 1e5; };
  return json::array({r(v.x()), r(v.y()), r(v.z())});
}

class LaparoscopyModule final : public SessionModule {
 public:
  LaparoscopyModule(std::shared_ptr<const sc::ScenarioDef> def, LaparoscopySetup setup,
                    sc::ScenarioRun run)
      : def_(std::move(def)),
        setup_(std::move(setup)),
        run_(std::move(run)),
        box_(std::make_shared<const BoxTrainer>(make_peg_transfer_trainer())),
        scene_(box_.trainer()),
        camera_(laparoscope_camera(box_.trainer().scope)) {
    ticks_per_physics_ = static_cast<Tick>(std::llround(setup_.tick_rate_hz * kPhysicsStep_s));
    physics_per_sample_ = static_cast<int>(std::lround(kToolSample_s / kPhysicsStep_s));
    scene_.update(box_.world(), box_.tools());
  }

  void start(const EventSink& sink) override {
    emit(sink, "box_trainer_ready",
         json{{"task", def_->id},
              {"objects", box_.trainer().objects.size()},
              {"pegs", box_.trainer().pegs.size()}});
  }

  void step(Tick tick, const EventSink& sink) override {
    if (tick % ticks_per_physics_ == 0 && !run_.paused() && !run_.ended()) {
      std::vector<TaskEvent> events;
      box_.step(events);
      for (const auto& e : events) emit_text(sink, e.type, e.payload_json);
      scene_.update(box_.world(), box_.tools());
      // Sampled once a trainee holds the instruments: an empty box trainer writes nothing.
      if (++physics_steps_ % physics_per_sample_ == 0 && driver_ != 0) sample_tools(sink);
    }
    if (tick % ticks_per_physics_ == 0) run_scenario(tick, sink);
  }

  Status act(const ModuleAction& action, const EventSink& sink) override {
    (void)sink;
    return bad("the laparoscopy module takes no team actions ('" + action.name +
               "'): the instruments follow the hands");
  }

  Status instruct(InstructorControl control, const std::string& text,
                  const EventSink& sink) override {
    (void)sink;
    switch (control) {
      case InstructorControl::pause:
        return run_.pause("instructor");
      case InstructorControl::resume:
        return run_.resume("instructor");
      case InstructorControl::cue:
        return run_.inject_cue(text, "instructor");
    }
    return {};
  }

  void input(int participant, const InputFrame& frame, const EventSink& sink) override {
    (void)sink;
    // The first participant to send input holds the instruments; others watch.
    if (driver_ == 0) driver_ = participant;
    if (participant != driver_) return;
    for (int t = 0; t < 2; ++t) {
      if (const auto command = hand_command(frame.hands[t])) box_.command(t, *command);
    }
  }

  const ModuleScene* scene() const override { return &scene_.scene(); }
  std::span<const SceneCamera> cameras() const override { return {&camera_, 1}; }
  // What the instruments of the trainee holding them touch: the contact force
  // on each shaft and jaws (the same figure as `tool_sample`'s force_N).
  std::optional<HandForces> hand_forces(int participant) const override {
    if (driver_ == 0 || participant != driver_) return std::nullopt;
    return HandForces{static_cast<float>(box_.sample(kLeft).force_N),
                      static_cast<float>(box_.sample(kRight).force_N)};
  }
  bool finished() const override { return run_.ended(); }

  std::uint64_t state_hash() const override {
    Fnv1a h;
    h.add(box_.state_hash());
    h.add(std::string_view(run_.state()));
    h.add(run_.elapsed_s());
    return h.value();
  }

  std::optional<std::string> assess(std::span<const Event> log) const override {
    return assess_laparoscopy_session(*def_, log, setup_.tick_rate_hz).dump();
  }

 private:
  void emit_text(const EventSink& sink, std::string_view type, const std::string& text) {
    sink(type, text);
    auto event = sc::scenario_event(std::string(type), text);
    if (event.ok()) for_scenario_.push_back(std::move(*event));
  }
  void emit(const EventSink& sink, std::string_view type, const json& payload) {
    emit_text(sink, type, payload.dump());
  }

  void sample_tools(const EventSink& sink) {
    json j = json::object();
    for (int t = 0; t < 2; ++t) {
      const ToolSample s = box_.sample(t);
      j[tool_name(t)] = {{"tip", vec(s.tip)},
                         {"shaft", vec(s.shaft)},
                         {"depth_m", std::round(s.depth_m * 1e5) / 1e5},
                         {"closure", std::round(s.closure * 100) / 100},
                         {"force_N", std::round(s.force_N * 1000) / 1000},
                         {"holding", s.holding}};
    }
    sink("tool_sample", j.dump());
  }

  std::optional<sc::Value> signal(std::string_view name) const {
    const PegTransferTally& n = box_.task().tally();
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

  void run_scenario(Tick tick, const EventSink& sink) {
    const auto lookup = [this](std::string_view name) { return signal(name); };
    std::vector<sc::ScenarioEvent> events;
    events.swap(for_scenario_);
    const sc::StepOutput out = run_.step(tick, lookup, events);
    for (const auto& e : out.events) sink(e.type, e.payload_json());
    // show_prompt, play_sound: for clients, logged by the run; this catalog has no module actions.
  }

  std::shared_ptr<const sc::ScenarioDef> def_;
  LaparoscopySetup setup_;
  sc::ScenarioRun run_;
  BoxTrainerRun box_;
  TrainerScene scene_;
  SceneCamera camera_;
  Tick ticks_per_physics_ = 10;
  int physics_per_sample_ = 5;
  std::uint64_t physics_steps_ = 0;
  int driver_ = 0;
  std::vector<sc::ScenarioEvent> for_scenario_;
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
  if (def->id != "peg-transfer" && def->id != "pattern-cutting") {
    return bad("laparoscopy scenario '" + def->id +
               "' has no box-trainer set-up yet (peg-transfer and pattern-cutting have)");
  }
  auto run = sc::ScenarioRun::create(*def, sc::RunOptions{setup.tick_rate_hz, ""});
  if (!run.ok()) return run.error();
  if (def->id == "pattern-cutting") return make_pattern_cutting_module(def, setup, std::move(*run));
  return std::unique_ptr<SessionModule>(
      std::make_unique<LaparoscopyModule>(def, setup, std::move(*run)));
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
