#pragma once
// The box trainer as clients draw it: every collision shape of the rigid
// world as a body of the session protocol's shapes (boxes, capsules), and
// each instrument as a shaft and two jaws. Built once from the trainer;
// updated from the rigid world after each physics step.

#include <array>
#include <vector>

#include "modules/laparoscopy/box_trainer.h"
#include "session/session_module.h"
#include "sim/instrument.h"

namespace medvision::laparoscopy {

class TrainerScene {
 public:
  explicit TrainerScene(const BoxTrainer& trainer);

  void update(const sim::RigidWorldState& world, const std::array<sim::InstrumentState, 2>& tools);
  const ModuleScene& scene() const { return scene_; }

 private:
  struct Piece {
    int body = -1;         // rigid body
    sim::Transform local;  // the drawn shape's frame in the body's frame
  };
  struct Jaw {
    int tool = 0;
    double side = 1;  // +1 or -1: which jaw
  };

  void add(std::uint32_t rgba, Shape shape, const Eigen::Vector3d& half, int body,
           const sim::Transform& local);

  const BoxTrainer* trainer_;
  ModuleScene scene_;
  std::vector<Piece> pieces_;  // parallel to the scene's first bodies
  std::vector<Jaw> jaws_;      // the last four bodies
};

}  // namespace medvision::laparoscopy
