#pragma once
// What happens to the six objects of the FLS peg-transfer task, decided
// from the rigid world after each physics step: grasps and releases by each
// grasper, transfers from one grasper to the other, and where a loose object
// comes to rest, on a peg (placed) or not (dropped, inside or outside the
// laparoscope's view). FLS counts an object dropped out of view as lost: it
// cannot be recovered and costs a penalty (Fraser et al. 2003).

#include <optional>
#include <string>
#include <vector>

#include "modules/laparoscopy/box_trainer.h"
#include "sim/instrument.h"

namespace medvision::laparoscopy {

struct TaskEvent {
  std::string type;          // grasped, released, transferred, placed, dropped
  std::string payload_json;  // per the laparoscopy catalog (objects and pegs numbered from 1)
};

struct ObjectTrack {
  int peg = -1;          // the peg it is threaded on (0-11), or -1
  int holders = 0;       // bit per tool holding it
  int last_holder = -1;  // the tool that held it last
  bool loose = false;    // released and not yet at rest
  bool lost = false;     // dropped out of view
  int still_steps = 0;   // consecutive steps at rest while loose
};

struct PegTransferTally {
  int on_left = 0, on_right = 0;
  int not_on_left = 0, not_on_right = 0;  // objects in play (not lost) off that side's pegs
  int held = 0;
  int drops = 0, drops_out_of_view = 0;
  int transfers = 0;
};

class PegTransferTask {
 public:
  explicit PegTransferTask(const BoxTrainer& trainer);

  // A grasper took or let go of a body (drive_instrument's answer).
  void grasp_changed(int tool, const sim::GraspChange& change, std::vector<TaskEvent>& out);
  // After a physics step: loose objects that came to rest.
  void after_step(const sim::RigidWorldState& world, std::vector<TaskEvent>& out);

  const PegTransferTally& tally() const { return tally_; }
  const std::vector<ObjectTrack>& objects() const { return tracks_; }
  int object_of_body(int body) const;  // index 0-5, or -1

 private:
  void recount();
  void settle(int k, const sim::Transform& pose, std::vector<TaskEvent>& out);

  const BoxTrainer* trainer_;
  std::vector<ObjectTrack> tracks_;
  PegTransferTally tally_;
};

}  // namespace medvision::laparoscopy
