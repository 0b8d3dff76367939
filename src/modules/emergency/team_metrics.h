#pragma once
// Metrics of emergency team performance computed from a session log. The
// event types are those the emergency module writes (docs/events.md):
// rhythm_changed, compressions_started/stopped, compression, shock_delivered,
// drug_given, role_assigned, patient_tagged, tourniquet_applied, ...
//
// Targets come from the AHA 2020 guidelines for adult resuscitation
// (Panchal et al., Circulation 2020;142:S366) and the CPR quality consensus
// (Meaney et al., Circulation 2013;128:417): compression depth 50-60 mm,
// rate 100-120 /min, chest compression fraction > 80 %, pauses < 10 s.

#include <string>
#include <vector>

#include "assess/log_view.h"
#include "assess/measurement.h"

namespace medvision::assess {

// time_to_first_compression_s, time_to_first_shock_s, compression_fraction_pct,
// pauses_over_10s_count, longest_pause_s, compression_depth_in_target_pct,
// compression_rate_in_target_pct, shocks_count, epinephrine_doses_count,
// time_to_first_epinephrine_s, epinephrine_interval_violations_count,
// epinephrine_interval_max_s, amiodarone_dose_errors_count,
// amiodarone_after_third_shock (1 when given as indicated, or neither
// indicated nor given), rosc (1 or 0), arrest_duration_s.
// Metrics whose event never happened are absent (a rubric then marks them missed).
Measurements resuscitation_metrics(const LogView& log);
// drug_errors_count: drugs given when not indicated or at the wrong dose.
Measurements drug_metrics(const LogView& log);

// role_coverage_pct: share of `required_roles` that someone was assigned to.
Measurements role_metrics(const LogView& log, const std::vector<std::string>& required_roles);

struct ExpectedTag {
  std::string patient;
  std::string tag;  // minor, delayed, immediate, expectant
};
// START triage: patients_tagged_count, triage_correct_count, over_triage_count,
// under_triage_count, untagged_count, triage_accuracy_pct, mean_time_per_patient_s. The last tag
// given to a patient counts. Over-triage: a more urgent tag than START gives (immediate > delayed >
// minor > expectant).
Measurements triage_metrics(const LogView& log, const std::vector<ExpectedTag>& expected);

// Haemorrhage control: time_to_haemorrhage_control_s, time_to_tourniquet_s,
// time_to_shock_recognition_s, time_to_blood_s, crystalloid_volume_mL,
// blood_volume_given_mL, and from `vitals` samples max_blood_loss_pct,
// max_atls_class and atls_class_at_end.
Measurements haemorrhage_metrics(const LogView& log);

// ATLS 10th ed. classes of haemorrhage: I < 15 %, II 15-30 %, III 30-40 %,
// IV > 40 % of blood volume lost.
double atls_class(double blood_loss_fraction);

bool is_arrest_rhythm(const std::string& rhythm);

}  // namespace medvision::assess
