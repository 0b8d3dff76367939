#include "modules/laparoscopy/pattern_cutting_module.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "modules/laparoscopy/laparoscopy_assessment.h"
#include "modules/laparoscopy/laparoscopy_scene.h"
#include "modules/laparoscopy/pattern_cutting_run.h"
#include "scenario/payload_json.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
namespace sc = scenario;

json vec(const sim::Vec3& v) {
  auto r = [](double x) { return std::round(x * 1e5) / 1e5; };
  return json::array({r(v.x()), r(v.y()), r(v.z())});
}

class PatternCuttingModule final : public SessionModule {
 public:
  PatternCuttingModule(std::shared_ptr<const sc::ScenarioDef> def, LaparoscopySetup setup,
                       sc::ScenarioRun run)
      : def_(std::move(def)),
        setup_(std::move(setup)),
        run_(std::move(run)),
        scene_(cutting_.setup().box),
        camera_(laparoscope_camera(cutting_.setup().box.scope)) {
    ticks_per_physics_ = static_cast<Tick>(std::llround(setup_.tick_rate_hz * kPhysicsStep_s));
    physics_per_sample_ = static_cast<int>(std::lround(kToolSample_s / kPhysicsStep_s));
    scene_.update(cutting_.box().world(), cutting_.box().tools());
  }

  void start(const EventSink& sink) override {
    const CirclePattern& p = cutting_.setup().pattern;
    emit(sink, "gauze_ready",
         json{{"task", def_->id},
              {"centre", vec(p.centre)},
              {"radius_mm", p.radius_m * 1000},
              {"band_mm", p.band_half_width_m * 1000},
              {"side_mm", cutting_.setup().gauze_spec.side_m * 1000},
              {"triangles", cutting_.gauze().surface.size()}});
  }

  void step(Tick tick, const EventSink& sink) override {
    if (tick % ticks_per_physics_ == 0 && !run_.paused() && !run_.ended()) {
      std::vector<TaskEvent> events;
      cutting_.step(events);
      for (const auto& e : events) emit_text(sink, e.type, e.payload_json);
      scene_.update(cutting_.box().world(), cutting_.box().tools());
      if (++physics_steps_ % physics_per_sample_ == 0 && driver_ != 0) sample_tools(sink);
    }
    if (tick % ticks_per_physics_ == 0) run_scenario(tick, sink);
  }

  Status act(const ModuleAction& action, const EventSink& sink) override {
    (void)sink;
    return make_error(ErrorCode::invalid_input, "the laparoscopy module takes no team actions ('" +
                                                    action.name +
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
    if (driver_ == 0) driver_ = participant;  // the first to send input holds the instruments
    if (participant != driver_) return;
    for (int t = 0; t < 2; ++t) {
      if (const auto command = hand_command(frame.hands[t])) cutting_.command(t, *command);
    }
  }

  const ModuleScene* scene() const override { return &scene_.scene(); }
  std::span<const SceneCamera> cameras() const override { return {&camera_, 1}; }
  std::span<const SceneMesh> meshes() const override { return {&cutting_.mesh(), 1}; }
  std::optional<HandForces> hand_forces(int participant) const override {
    if (participant == 0 || participant != driver_) return std::nullopt;
    return cutting_.forces();
  }
  bool finished() const override { return run_.ended(); }

  std::uint64_t state_hash() const override {
    Fnv1a h;
    h.add(cutting_.state_hash());
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
      const ToolSample s = cutting_.sample(t);
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
    const PatternCuttingTally& n = cutting_.tally();
    if (name == "circle_freed") return sc::Value(n.circle_freed ? 1.0 : 0.0);
    if (name == "cuts") return sc::Value(double(n.cuts));
    if (name == "gauze_held") return sc::Value(n.gauze_held ? 1.0 : 0.0);
    if (name == "outside_band_mm2") return sc::Value(n.outside_band_m2 * 1e6);
    return std::nullopt;
  }

  void run_scenario(Tick tick, const EventSink& sink) {
    const auto lookup = [this](std::string_view name) { return signal(name); };
    std::vector<sc::ScenarioEvent> events;
    events.swap(for_scenario_);
    const sc::StepOutput out = run_.step(tick, lookup, events);
    for (const auto& e : out.events) sink(e.type, e.payload_json());
  }

  std::shared_ptr<const sc::ScenarioDef> def_;
  LaparoscopySetup setup_;
  sc::ScenarioRun run_;
  PatternCuttingRun cutting_;
  TrainerScene scene_;
  SceneCamera camera_;
  Tick ticks_per_physics_ = 10;
  int physics_per_sample_ = 5;
  std::uint64_t physics_steps_ = 0;
  int driver_ = 0;
  std::vector<sc::ScenarioEvent> for_scenario_;
};

}  // namespace

std::unique_ptr<SessionModule> make_pattern_cutting_module(
    std::shared_ptr<const sc::ScenarioDef> def, const LaparoscopySetup& setup,
    sc::ScenarioRun run) {
  return std::make_unique<PatternCuttingModule>(std::move(def), setup, std::move(run));
}

}  // namespace medvision::laparoscopy
