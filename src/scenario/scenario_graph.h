#pragma once
// Whole-scenario checks over the state graph, run once every state and
// trigger has loaded.

#include <string>
#include <vector>

#include "scenario/scenario_def.h"

namespace medvision::scenario {

struct GraphProblem {
  int line = 0;
  std::string message;
};

// States no path of transitions and gotos leads to from the initial state.
// Global triggers' targets count as reachable from every reachable state.
std::vector<GraphProblem> unreachable_states(const ScenarioDef& def);

// States whose entry actions go to each other in a circle: entering one would
// never settle.
std::vector<GraphProblem> entry_goto_loops(const ScenarioDef& def);

}  // namespace medvision::scenario
