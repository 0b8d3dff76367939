#include "modules/laparoscopy/tissue_dissection_module.h"

#include "modules/laparoscopy/tissue_dissection_run.h"

namespace medvision::laparoscopy {
namespace {

using nlohmann::json;
namespace sc = scenario;

class TissueDissection final : public BoxTask {
 public:
  TissueDissection()
      : run_(std::make_shared<const DissectionTrainer>(make_dissection_trainer())),
        meshes_(run_.surface_meshes(kOrganMeshId)) {}

  const BoxTrainerRun& box() const override { return run_.box(); }
  void command(int tool, const HandCommand& hand) override { run_.command(tool, hand); }
  void step(std::vector<TaskEvent>& out) override {
    run_.step(out);
    // Triangles change only with a cut; between cuts the vertices move.
    if (meshes_[0].topology_version == run_.topology_version())
      run_.move_surface_meshes(meshes_);
    else
      meshes_ = run_.surface_meshes(kOrganMeshId);
  }
  ToolSample sample(int tool) const override { return run_.sample(tool); }
  std::uint64_t state_hash() const override { return run_.state_hash(); }

  TaskEvent ready_event(const std::string& task_id) const override {
    const DissectionAnatomy& a = run_.trainer().anatomy;
    std::size_t duct_tets = 0;
    for (const auto& t : a.model.tets.vertices) duct_tets += a.is_duct(t[0]) ? 1 : 0;
    return {"dissection_ready",
            json{{"task", task_id},
                 {"organ_tets", a.model.tets.size() - duct_tets},
                 {"duct_tets", duct_tets},
                 {"duct_length_mm", (a.duct_end - a.duct_start).norm() * 1000},
                 {"clips", run_.trainer().clips_loaded},
                 {"grasp_force_limit_N", run_.trainer().damage.grasp_force_N},
                 {"stretch_limit", run_.trainer().damage.edge_stretch}}
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }

  std::optional<sc::Value> signal(std::string_view name) const override {
    const DissectionTally& n = run_.tally();
    const auto flag = [](bool b) { return sc::Value(b ? 1.0 : 0.0); };
    if (name == "organ_held") return flag(n.organ_held);
    if (name == "duct_exposed") return flag(n.exposed);
    if (name == "clips_applied") return sc::Value(double(n.clips.size()));
    if (name == "duct_divided") return flag(n.duct_divided);
    if (name == "cut_between_clips") return flag(n.cut_between_clips);
    if (name == "damage_events") return sc::Value(double(n.damage_events));
    if (name == "organ_force_N") return sc::Value(n.organ_force_N);
    return std::nullopt;
  }

  std::span<const SceneMesh> meshes() const override { return meshes_; }

 private:
  TissueDissectionRun run_;
  std::vector<SceneMesh> meshes_;
};

}  // namespace

std::unique_ptr<BoxTask> make_tissue_dissection_task() {
  return std::make_unique<TissueDissection>();
}

}  // namespace medvision::laparoscopy
