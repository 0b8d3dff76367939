#include "modules/declared_check.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "scenario/scenario_events.h"

namespace medvision::modules {

#ifdef MEDVISION_ASSERTIONS
namespace {

[[noreturn]] void undeclared(const std::string& module, const char* what, std::string_view name) {
  std::fprintf(stderr,
               "module `%s` wrote %s `%.*s`, which its descriptor does not declare "
               "(src/modules/%s; docs/modules.md)\n",
               module.c_str(), what, static_cast<int>(name.size()), name.data(), module.c_str());
  std::abort();
}

class DeclaredCheck final : public SessionModule {
 public:
  DeclaredCheck(std::unique_ptr<SessionModule> inner, const ModuleDescriptor& d)
      : inner_(std::move(inner)), module_(d.id) {
    const scenario::Catalog& c = d.catalog();
    for (const auto& e : c.events) events_.insert(e.type);
    for (const auto& e : d.sample_events) events_.insert(e);
    for (const auto& e : d.late_joiner_events) events_.insert(e);
    // What every scenario-driven module writes besides its own events.
    events_.insert({"scenario_loaded", "scenario_action_failed"});
    for (const auto& m : c.metrics) metrics_.insert(m.name);
  }

  void start(const EventSink& sink) override { inner_->start(checked(sink)); }
  void step(Tick tick, const EventSink& sink) override { inner_->step(tick, checked(sink)); }
  Status act(const ModuleAction& action, const EventSink& sink) override {
    return inner_->act(action, checked(sink));
  }
  Status instruct(InstructorControl control, const std::string& text,
                  const EventSink& sink) override {
    return inner_->instruct(control, text, checked(sink));
  }
  void input(int participant, const InputFrame& input, const EventSink& sink) override {
    inner_->input(participant, input, checked(sink));
  }
  void participant_left(int participant, const EventSink& sink) override {
    inner_->participant_left(participant, checked(sink));
  }
  void hand_over(int participant) override { inner_->hand_over(participant); }
  const ModuleScene* scene() const override { return inner_->scene(); }
  std::span<const SceneMesh> meshes() const override { return inner_->meshes(); }
  std::span<const SceneCamera> cameras() const override { return inner_->cameras(); }
  std::optional<HandForces> hand_forces(int participant) const override {
    return inner_->hand_forces(participant);
  }
  std::unique_ptr<const ModuleSnapshot> snapshot() const override { return inner_->snapshot(); }
  Status restore(const ModuleSnapshot& snapshot) override { return inner_->restore(snapshot); }
  bool finished() const override { return inner_->finished(); }
  std::uint64_t state_hash() const override { return inner_->state_hash(); }
  std::optional<std::string> assess(std::span<const Event> log) const override {
    auto out = inner_->assess(log);
    if (out) {
      const auto j = nlohmann::json::parse(*out, nullptr, false);
      if (j.is_object() && j.contains("metrics") && j["metrics"].is_object()) {
        for (const auto& [name, value] : j["metrics"].items()) {
          (void)value;
          if (!metrics_.count(name)) undeclared(module_, "the metric", name);
        }
      }
    }
    return out;
  }

 private:
  EventSink checked(const EventSink& sink) const {
    return [this, &sink](std::string_view type, std::string payload) {
      if (!events_.count(type) && !scenario::event_type::is_runtime_event(std::string(type)))
        undeclared(module_, "the event", type);
      sink(type, std::move(payload));
    };
  }

  std::unique_ptr<SessionModule> inner_;
  std::string module_;
  std::set<std::string, std::less<>> events_;
  std::set<std::string, std::less<>> metrics_;
};

}  // namespace

std::unique_ptr<SessionModule> check_declared(std::unique_ptr<SessionModule> module,
                                              const ModuleDescriptor& descriptor) {
  return std::make_unique<DeclaredCheck>(std::move(module), descriptor);
}
#else
std::unique_ptr<SessionModule> check_declared(std::unique_ptr<SessionModule> module,
                                              const ModuleDescriptor& descriptor) {
  (void)descriptor;
  return module;
}
#endif

}  // namespace medvision::modules
