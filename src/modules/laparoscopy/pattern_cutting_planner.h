#pragma once
// Writes input traces for FLS pattern cutting: a scripted trainee who
// watches the pattern-cutting box trainer (the same deterministic world the
// module runs) and, with the left grasper holding the gauze inside the
// circle, snips round the marked circle with the scissors in the right hand.
// Before each snip it reads where the line lies now (the gauze moves as it
// is cut) and puts the blades' plane through the next stretch of line: the
// plane through the port's fulcrum and the stretch's two ends, which is the
// one plane a shaft through that port can cut the stretch in.
//
// Styles differ as novices differ from experts (Hofstad et al. 2013, Surg
// Endosc 27:854): slower, hesitant, with tremor, and off the line where the
// curve runs against the scissors. Commands are rounded as the trace stores
// them before the world sees them, so the trace replays exactly.

#include <string>

#include "core/result.h"
#include "modules/laparoscopy/peg_transfer_planner.h"

namespace medvision::laparoscopy {

struct PatternCuttingStyle {
  std::string name = "skilled";
  double speed_m_per_s = 0.06;  // cruising tip speed of a move
  double min_move_s = 0.5;      // no move is quicker than this
  double pause_s = 0.3;         // after each snip
  double snip_m = 0.006;        // how far along the line each snip reaches
  double hesitation_s = 0;      // a long look before every `hesitate_every`-th snip
  int hesitate_every = 0;
  double tremor_m = 0;               // hand tremor amplitude (8 Hz)
  double drift_m = 0;                // aims this far outside the line ...
  double drift_from = 0;             // ... from this fraction of the way round ...
  double drift_to = 0;               // ... to this one
  bool looks_before_cutting = true;  // tries where the blades would cut before closing them
  bool log = false;                  // print the task's events to stderr while planning
};

PatternCuttingStyle skilled_pattern_cutting();
PatternCuttingStyle clumsy_pattern_cutting();

// Input lines fall on physics steps (every 30 ms), as in peg transfer.
Result<PlannedTrace> plan_pattern_cutting(const PatternCuttingStyle& style);

}  // namespace medvision::laparoscopy
