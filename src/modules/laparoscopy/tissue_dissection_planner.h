#pragma once
// Writes input traces for the tissue-dissection task: a scripted trainee
// who watches the dissection box trainer (the same deterministic world the
// module runs) and, with the left grasper, takes the organ's front flank and
// folds it back until the duct is in view (looking after each stage of the
// lift, so no further than it must), then with the right hand places two
// clips across the duct where it lies now, and cuts it between them.
//
// Styles differ as novices differ from experts (Hofstad et al. 2013, Surg
// Endosc 27:854): slower, hesitant, with tremor; the clumsy trainee lifts
// the organ further than the view needs, misses with its first clip, and
// puts the clips close together. Commands are rounded as the trace stores
// them before the world sees them, so the trace replays exactly.

#include <string>

#include "core/result.h"
#include "modules/laparoscopy/peg_transfer_planner.h"

namespace medvision::laparoscopy {

struct DissectionStyle {
  std::string name = "skilled";
  double speed_m_per_s = 0.05;        // cruising tip speed of a move
  double min_move_s = 0.4;            // no move is quicker than this
  double pause_s = 0.2;               // after each step of the task
  double hesitation_s = 0;            // a long look before each clip and the cut
  double tremor_m = 0;                // hand tremor amplitude (8 Hz)
  double lift_s = 1.5;                // each stage of the lift takes half this long
  bool lifts_until_exposed = true;    // looks after each stage and stops once the duct is in view
  double over_lift_m = 0;             // then lifts this much further up and back
  double clip_miss_m = 0;             // the first clip is aimed this far beside the duct
  double clips_at[2] = {0.33, 0.67};  // along the duct, 0 proximal .. 1 distal
  double cut_at = 0.5;
  bool looks_before_cutting = true;  // tries where the blades would cut before closing them
  bool log = false;                  // print the task's events to stderr while planning
};

DissectionStyle skilled_dissection();
DissectionStyle clumsy_dissection();

// Input lines fall on physics steps (every 30 ms), as in peg transfer.
Result<PlannedTrace> plan_tissue_dissection(const DissectionStyle& style);

}  // namespace medvision::laparoscopy
