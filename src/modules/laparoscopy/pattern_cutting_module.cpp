#include "modules/laparoscopy/pattern_cutting_module.h"

#include "modules/laparoscopy/pattern_cutting_run.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
namespace sc = scenario;

class PatternCutting final : public BoxTask {
 public:
  const BoxTrainerRun& box() const override { return cutting_.box(); }
  void command(int tool, const HandCommand& hand) override { cutting_.command(tool, hand); }
  void step(std::vector<TaskEvent>& out) override { cutting_.step(out); }
  ToolSample sample(int tool) const override { return cutting_.sample(tool); }
  std::uint64_t state_hash() const override { return cutting_.state_hash(); }

  TaskEvent ready_event(const std::string& task_id) const override {
    const CirclePattern& p = cutting_.setup().pattern;
    return {"gauze_ready", json{{"task", task_id},
                                {"centre", logged_position(p.centre)},
                                {"radius_mm", p.radius_m * 1000},
                                {"band_mm", p.band_half_width_m * 1000},
                                {"side_mm", cutting_.setup().gauze_spec.side_m * 1000},
                                {"triangles", cutting_.gauze().surface.size()}}
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  std::optional<sc::Value> signal(std::string_view name) const override {
    const PatternCuttingTally& n = cutting_.tally();
    if (name == "circle_freed") return sc::Value(n.circle_freed ? 1.0 : 0.0);
    if (name == "cuts") return sc::Value(double(n.cuts));
    if (name == "gauze_held") return sc::Value(n.gauze_held ? 1.0 : 0.0);
    if (name == "outside_band_mm2") return sc::Value(n.outside_band_m2 * 1e6);
    return std::nullopt;
  }

  std::span<const SceneMesh> meshes() const override { return {&cutting_.mesh(), 1}; }

 private:
  PatternCuttingRun cutting_;
};

}  // namespace

std::unique_ptr<BoxTask> make_pattern_cutting_task() { return std::make_unique<PatternCutting>(); }

}  // namespace medvision::laparoscopy
