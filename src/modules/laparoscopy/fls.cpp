#include "modules/laparoscopy/fls.h"

#include <algorithm>

namespace medvision::assess {

FlsTask fls_peg_transfer() { return {"peg-transfer", 300.0, 48.0}; }
FlsTask fls_pattern_cutting() { return {"pattern-cutting", 300.0, 98.0}; }

FlsScore fls_score(const FlsTask& task, double time_s, double penalty, bool completed) {
  FlsScore out;
  if (!completed || time_s >= task.cutoff_s) return out;
  out.raw = std::max(0.0, task.cutoff_s - time_s - std::max(0.0, penalty));
  out.normalized = std::clamp(100.0 * out.raw / (task.cutoff_s - task.proficiency_s), 0.0, 100.0);
  out.proficient = time_s <= task.proficiency_s && penalty <= 0;
  return out;
}

}  // namespace medvision::assess
