#include "modules/emergency/team_metrics.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace medvision::assess {
namespace {

std::string text(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

struct Interval {
  double begin = 0, end = 0;
};

// Compression periods from compressions_started/stopped, cut to [from, to].
std::vector<Interval> compression_periods(const LogView& log, double from, double to) {
  std::vector<Interval> out;
  std::optional<double> started;
  for (const auto& e : log.events()) {
    if (e.type == "compressions_started" && !started) started = e.t_s;
    if (e.type == "compressions_stopped" && started) {
      out.push_back({*started, e.t_s});
      started.reset();
    }
  }
  if (started) out.push_back({*started, to});
  std::vector<Interval> cut;
  for (const auto& i : out) {
    const double b = std::max(i.begin, from), e = std::min(i.end, to);
    if (e > b) cut.push_back({b, e});
  }
  return cut;
}

int urgency(const std::string& tag) {
  if (tag == "immediate") return 3;
  if (tag == "delayed") return 2;
  if (tag == "minor") return 1;
  return 0;  // expectant
}

}  // namespace

bool is_arrest_rhythm(const std::string& rhythm) {
  return rhythm == "vf_coarse" || rhythm == "vf_fine" || rhythm == "pulseless_vt" ||
         rhythm == "pea" || rhythm == "asystole";
}

Measurements resuscitation_metrics(const LogView& log) {
  Measurements m;
  std::optional<double> arrest_start, rosc;
  for (const auto* e : log.of_type("rhythm_changed")) {
    const std::string rhythm = text(e->payload, "rhythm");
    if (!arrest_start && is_arrest_rhythm(rhythm)) arrest_start = e->t_s;
    if (arrest_start && !rosc && !rhythm.empty() && !is_arrest_rhythm(rhythm)) rosc = e->t_s;
  }
  if (!arrest_start) return m;
  const double start = *arrest_start;
  const double end = rosc.value_or(log.end_s());
  m["arrest_duration_s"] = {end - start, "s"};
  m["rosc"] = {rosc ? 1.0 : 0.0, "count"};

  // Compressions already going when the arrest began started it at once; a
  // shock is the first one of the arrest, never one before it.
  if (const auto* c = log.first("compressions_started"))
    m["time_to_first_compression_s"] = {std::max(0.0, c->t_s - start), "s"};
  std::vector<const LoggedEvent*> shocks;
  for (const auto* s : log.of_type("shock_delivered")) {
    if (s->t_s >= start) shocks.push_back(s);
  }
  m["shocks_count"] = {static_cast<double>(shocks.size()), "count"};
  if (!shocks.empty()) m["time_to_first_shock_s"] = {shocks.front()->t_s - start, "s"};

  // Chest compression fraction: time with compressions over arrest time.
  const auto periods = compression_periods(log, start, end);
  double on = 0;
  for (const auto& p : periods) on += p.end - p.begin;
  if (end > start) m["compression_fraction_pct"] = {100.0 * on / (end - start), "%"};

  // Pauses: gaps between compression periods once compressions began.
  int long_pauses = 0;
  double longest = 0;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    const double gap_end = i + 1 < periods.size() ? periods[i + 1].begin : end;
    const double gap = gap_end - periods[i].end;
    longest = std::max(longest, gap);
    if (gap > 10.0) ++long_pauses;
  }
  if (!periods.empty()) {
    m["pauses_over_10s_count"] = {static_cast<double>(long_pauses), "count"};
    m["longest_pause_s"] = {longest, "s"};
  }

  int n = 0, depth_ok = 0, rate_ok = 0;
  for (const auto* c : log.of_type("compression")) {
    ++n;
    const auto depth = number(c->payload, "depth_mm");
    const auto rate = number(c->payload, "rate_per_min");
    if (depth && *depth >= 50 && *depth <= 60) ++depth_ok;
    if (rate && *rate >= 100 && *rate <= 120) ++rate_ok;
  }
  if (n > 0) {
    m["compression_depth_in_target_pct"] = {100.0 * depth_ok / n, "%"};
    m["compression_rate_in_target_pct"] = {100.0 * rate_ok / n, "%"};
  }

  // Drugs against the algorithm: epinephrine 1 mg every 3-5 min; amiodarone
  // 300 mg, then 150 mg, no more.
  std::vector<double> epinephrine;
  std::vector<double> amiodarone_mg;
  for (const auto* d : log.of_type("drug_given")) {
    // The arrest's drugs: a dose after ROSC (or before the arrest) is not part
    // of the algorithm's timing.
    if (d->t_s < start || d->t_s > end) continue;
    const std::string drug = text(d->payload, "drug");
    if (drug == "epinephrine") epinephrine.push_back(d->t_s);
    if (drug == "amiodarone") amiodarone_mg.push_back(number(d->payload, "dose_mg").value_or(0));
  }
  m["epinephrine_doses_count"] = {static_cast<double>(epinephrine.size()), "count"};
  if (!epinephrine.empty()) m["time_to_first_epinephrine_s"] = {epinephrine.front() - start, "s"};
  int violations = 0;
  for (std::size_t i = 1; i < epinephrine.size(); ++i) {
    const double gap = epinephrine[i] - epinephrine[i - 1];
    if (gap < 180.0 || gap > 300.0) ++violations;
  }
  if (!rosc && !epinephrine.empty() && end - epinephrine.back() > 300.0)
    ++violations;  // a dose overdue
  m["epinephrine_interval_violations_count"] = {static_cast<double>(violations), "count"};
  // The longest wait for epinephrine: between doses, and from the last dose
  // to the end of the arrest (a dose that never came is a wait too).
  if (!epinephrine.empty()) {
    double longest_wait = end - epinephrine.back();
    for (std::size_t i = 1; i < epinephrine.size(); ++i) {
      longest_wait = std::max(longest_wait, epinephrine[i] - epinephrine[i - 1]);
    }
    m["epinephrine_interval_max_s"] = {longest_wait, "s"};
  }
  // Amiodarone is indicated after the third shock (refractory VF; AHA 2020
  // step 8): 1 when it was given then, 300 mg first; 0 when it was not, or
  // came before the third shock. Without a third shock it was never
  // indicated, and the item is "not done" (unmeasured), never met.
  if (shocks.size() >= 3) {
    const double third_shock = shocks[2]->t_s;
    std::optional<double> first_amiodarone;
    for (const auto* d : log.of_type("drug_given")) {
      if (text(d->payload, "drug") == "amiodarone" && d->t_s >= start && d->t_s <= end) {
        first_amiodarone = d->t_s;
        break;
      }
    }
    const bool as_indicated = first_amiodarone && *first_amiodarone >= third_shock &&
                              !amiodarone_mg.empty() && amiodarone_mg.front() == 300.0;
    m["amiodarone_after_third_shock"] = {as_indicated ? 1.0 : 0.0, "count"};
  }
  int amiodarone_errors = 0;
  const double expected_mg[] = {300.0, 150.0};
  for (std::size_t i = 0; i < amiodarone_mg.size(); ++i) {
    if (i >= 2 || amiodarone_mg[i] != expected_mg[i]) ++amiodarone_errors;
  }
  m["amiodarone_dose_errors_count"] = {static_cast<double>(amiodarone_errors), "count"};
  return m;
}

Measurements drug_metrics(const LogView& log) {
  // Drugs given against the algorithm (modules/emergency/drug_rules.h): each
  // logged when given, with the reason.
  Measurements m;
  const double errors = static_cast<double>(log.of_type("drug_not_indicated").size() +
                                            log.of_type("drug_dose_wrong").size());
  m["drug_errors_count"] = {errors, "count"};
  return m;
}

Measurements role_metrics(const LogView& log, const std::vector<std::string>& required_roles) {
  Measurements m;
  if (required_roles.empty()) return m;
  std::set<std::string> assigned;
  for (const auto* e : log.of_type("role_assigned")) assigned.insert(text(e->payload, "role"));
  int covered = 0;
  for (const auto& r : required_roles) covered += assigned.count(r) ? 1 : 0;
  m["role_coverage_pct"] = {100.0 * covered / static_cast<double>(required_roles.size()), "%"};
  // Actions a member tried outside their team role (refused by the server,
  // docs/security.md "Session roles"); shown when there were any.
  int outside = 0;
  for (const auto* e : log.of_type("action_refused")) {
    if (e->payload.is_object() && e->payload.value("not_permitted", false)) ++outside;
  }
  if (outside > 0) m["actions_outside_role_count"] = {static_cast<double>(outside), "count"};
  return m;
}

Measurements triage_metrics(const LogView& log, const std::vector<ExpectedTag>& expected) {
  std::map<std::string, std::string> given;
  for (const auto* e : log.of_type("patient_tagged"))
    given[text(e->payload, "patient")] = text(e->payload, "tag");
  int correct = 0, over = 0, under = 0, untagged = 0;
  for (const auto& x : expected) {
    const auto it = given.find(x.patient);
    if (it == given.end()) {
      ++untagged;
    } else if (it->second == x.tag) {
      ++correct;
    } else if (urgency(it->second) > urgency(x.tag)) {
      ++over;
    } else {
      ++under;
    }
  }
  Measurements m;
  m["patients_tagged_count"] = {
      static_cast<double>(expected.size() - static_cast<std::size_t>(untagged)), "count"};
  m["triage_correct_count"] = {static_cast<double>(correct), "count"};
  // Pace: time to the last tag shared over the casualties tagged.
  const auto tags = log.of_type("patient_tagged");
  if (!given.empty() && !tags.empty()) {
    m["mean_time_per_patient_s"] = {tags.back()->t_s / static_cast<double>(given.size()), "s"};
  }
  m["over_triage_count"] = {static_cast<double>(over), "count"};
  m["under_triage_count"] = {static_cast<double>(under), "count"};
  m["untagged_count"] = {static_cast<double>(untagged), "count"};
  if (!expected.empty())
    m["triage_accuracy_pct"] = {100.0 * correct / static_cast<double>(expected.size()), "%"};
  return m;
}

Measurements haemorrhage_metrics(const LogView& log) {
  Measurements m;
  for (const auto& e : log.events()) {
    if (e.type == "tourniquet_applied" || e.type == "pressure_applied" ||
        e.type == "wound_packed" || e.type == "bleeding_controlled") {
      m["time_to_haemorrhage_control_s"] = {e.t_s, "s"};
      break;
    }
  }
  if (const auto* t = log.first("tourniquet_applied")) m["time_to_tourniquet_s"] = {t->t_s, "s"};
  // Bleeding control put on another limb than the wound's (it did nothing):
  // counted whenever anyone tried to control bleeding.
  const auto misplaced = log.of_type("intervention_misplaced");
  if (!misplaced.empty() || m.count("time_to_haemorrhage_control_s"))
    m["misplaced_interventions_count"] = {static_cast<double>(misplaced.size()), "count"};
  if (const auto* r = log.first("shock_recognised"))
    m["time_to_shock_recognition_s"] = {r->t_s, "s"};
  double crystalloid = 0, blood = 0;
  for (const auto* f : log.of_type("fluid_given")) {
    const double volume = number(f->payload, "volume_mL").value_or(0);
    if (text(f->payload, "fluid") == "blood") {
      if (blood == 0) m["time_to_blood_s"] = {f->t_s, "s"};
      blood += volume;
    } else {
      crystalloid += volume;
    }
  }
  m["crystalloid_volume_mL"] = {crystalloid, "mL"};
  m["blood_volume_given_mL"] = {blood, "mL"};
  double max_loss = -1, last_loss = -1;
  for (const auto* v : log.of_type("vitals")) {
    if (const auto loss = number(v->payload, "blood_loss_fraction")) {
      max_loss = std::max(max_loss, *loss);
      last_loss = *loss;
    }
  }
  if (max_loss >= 0) {
    m["max_blood_loss_pct"] = {100.0 * max_loss, "%"};
    m["max_atls_class"] = {atls_class(max_loss), "class"};
    m["atls_class_at_end"] = {atls_class(last_loss), "class"};
  }
  return m;
}

double atls_class(double blood_loss_fraction) {
  const double pct = 100.0 * blood_loss_fraction;
  return pct < 15 ? 1.0 : pct < 30 ? 2.0 : pct <= 40 ? 3.0 : 4.0;
}

}  // namespace medvision::assess
