#include "scenario/scenario_graph.h"

#include <deque>

namespace medvision::scenario {
namespace {

void add_targets(const std::vector<ActionDef>& actions, std::vector<int>& out) {
  for (const auto& a : actions) {
    if (a.kind == ActionDef::Kind::go_to && a.target_state >= 0) out.push_back(a.target_state);
  }
}

void add_targets(const TriggerDef& t, std::vector<int>& out) {
  if (t.target_state >= 0) out.push_back(t.target_state);
  add_targets(t.actions, out);
}

int entry_goto(const StateDef& s) {
  for (const auto& a : s.entry) {
    if (a.kind == ActionDef::Kind::go_to) return a.target_state;
  }
  return -1;
}

}  // namespace

std::vector<GraphProblem> unreachable_states(const ScenarioDef& def) {
  const std::size_t n = def.states.size();
  std::vector<char> reached(n, 0);
  if (n == 0) return {};
  std::vector<int> global_targets;
  for (const auto& t : def.global_triggers) add_targets(t, global_targets);

  std::deque<int> queue{def.initial_state};
  reached[static_cast<std::size_t>(def.initial_state)] = 1;
  for (const int g : global_targets) {
    if (!reached[static_cast<std::size_t>(g)]) {
      reached[static_cast<std::size_t>(g)] = 1;
      queue.push_back(g);
    }
  }
  while (!queue.empty()) {
    const StateDef& s = def.states[static_cast<std::size_t>(queue.front())];
    queue.pop_front();
    std::vector<int> next;
    add_targets(s.entry, next);
    for (const auto& t : s.transitions) add_targets(t, next);
    for (const int target : next) {
      if (!reached[static_cast<std::size_t>(target)]) {
        reached[static_cast<std::size_t>(target)] = 1;
        queue.push_back(target);
      }
    }
  }
  std::vector<GraphProblem> problems;
  const std::string& initial = def.states[static_cast<std::size_t>(def.initial_state)].name;
  for (std::size_t i = 0; i < n; ++i) {
    if (!reached[i]) {
      problems.push_back({def.states[i].line, "state `" + def.states[i].name +
                                                  "` cannot be reached from the initial state `" +
                                                  initial +
                                                  "`: no transition or goto leads to it"});
    }
  }
  return problems;
}

std::vector<GraphProblem> entry_goto_loops(const ScenarioDef& def) {
  std::vector<GraphProblem> problems;
  const std::size_t n = def.states.size();
  std::vector<char> reported(n, 0);
  for (std::size_t start = 0; start < n; ++start) {
    // Follow entry gotos at most n steps; returning to `start` is a loop.
    int at = entry_goto(def.states[start]);
    std::string path = def.states[start].name;
    for (std::size_t step = 0; step < n && at >= 0; ++step) {
      path += " -> " + def.states[static_cast<std::size_t>(at)].name;
      if (static_cast<std::size_t>(at) == start) {
        if (!reported[start]) {
          problems.push_back({def.states[start].line, "entry actions go round in a loop (" + path +
                                                          "); the scenario would never settle"});
        }
        // Report a loop once, at its first state in file order.
        int member = entry_goto(def.states[start]);
        while (member >= 0 && !reported[static_cast<std::size_t>(member)]) {
          reported[static_cast<std::size_t>(member)] = 1;
          member = entry_goto(def.states[static_cast<std::size_t>(member)]);
        }
        break;
      }
      at = entry_goto(def.states[static_cast<std::size_t>(at)]);
    }
  }
  return problems;
}

}  // namespace medvision::scenario
