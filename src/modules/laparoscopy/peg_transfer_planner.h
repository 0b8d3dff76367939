#pragma once
// Writes input traces for the FLS peg-transfer task: a scripted trainee who
// watches the box trainer (the same deterministic world the module runs)
// and moves both hands to grasp, lift, transfer and place each object, the
// way a skilled or a clumsy trainee would. The trace replays exactly:
// commands are rounded as the trace stores them before the world sees them.
//
// Styles differ the way novices differ from experts in box trainers
// (Hofstad et al. 2013, Surg Endosc 27:854): slower, hesitant, with tremor,
// extra corrective motion and dropped objects.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace medvision::laparoscopy {

struct PegTransferStyle {
  std::string name = "skilled";
  double speed_m_per_s = 0.12;   // cruising tip speed of a move
  double min_move_s = 0.25;      // no move is quicker than this
  double pause_s = 0.05;         // between steps of the task
  double hesitation_s = 0;       // a long look before each object
  double tremor_m = 0;           // hand tremor amplitude (8 Hz)
  double detour_m = 0;           // overshoot past each target, corrected afterwards
  int drop_in_view_object = -1;  // the object (0-5) let go too early over the board
  int lose_object = -1;          // the object (0-5) carried out of view and let go
  bool log = false;              // print the task's events to stderr while planning
};

PegTransferStyle skilled_peg_transfer();
PegTransferStyle clumsy_peg_transfer();

struct PlannedTrace {
  std::string jsonl;             // the trace (session/trace.h format)
  double duration_s = 0;         // until the task ended or the planner gave up
  bool completed = false;        // every object in play went right and back
  std::uint64_t final_hash = 0;  // the box trainer's state hash at the end
};

// Input lines fall on physics steps (every 30 ms), which any session tick
// rate the module accepts (multiples of 100 Hz) reaches exactly.
Result<PlannedTrace> plan_peg_transfer(const PegTransferStyle& style);

}  // namespace medvision::laparoscopy
