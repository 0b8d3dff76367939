#pragma once
// Fundamentals of Laparoscopic Surgery (FLS) task scores, as MISTELS defines
// them: a task's score is its cutoff time minus the completion time minus
// the penalty for errors (Derossis et al. 1998, "Development of a model for
// training and evaluation of laparoscopic skills", Am J Surg 175:482; Fraser
// et al. 2003, "Evaluating laparoscopic skills: setting the pass/fail score
// for the MISTELS system", Surg Endosc 17:964). MedVision normalises it
// against the proficiency level of the proficiency-based FLS curriculum
// (Ritter & Scott 2007, "Design of a proficiency-based skills training
// curriculum for the Fundamentals of Laparoscopic Surgery", Surg Innov
// 14:107): reaching the proficiency time with no penalty scores 100.

#include <string>

namespace medvision::assess {

struct FlsTask {
  std::string id;
  double cutoff_s;       // the task's time limit
  double proficiency_s;  // the expert-derived proficiency time, with no errors
};

// Ritter & Scott 2007: peg transfer 48 s, pattern cutting 98 s; both 300 s cutoffs.
FlsTask fls_peg_transfer();
FlsTask fls_pattern_cutting();

struct FlsScore {
  double raw = 0;           // cutoff - time - penalty, at least 0
  double normalized = 0;    // 100 * raw / (cutoff - proficiency), 0 to 100
  bool proficient = false;  // finished within the proficiency time with no penalty
};

// `completed` false (the cutoff was reached, or the task was abandoned) scores 0.
FlsScore fls_score(const FlsTask& task, double time_s, double penalty, bool completed);

}  // namespace medvision::assess
