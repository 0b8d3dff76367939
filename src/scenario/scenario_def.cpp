#include "scenario/scenario_def.h"

namespace medvision::scenario {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::completed:
      return "completed";
    case Outcome::failed:
      return "failed";
    case Outcome::aborted:
      return "aborted";
  }
  return "aborted";
}

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::less:
      return "<";
    case CompareOp::less_equal:
      return "<=";
    case CompareOp::greater:
      return ">";
    case CompareOp::greater_equal:
      return ">=";
    case CompareOp::equal:
      return "==";
    case CompareOp::not_equal:
      return "!=";
  }
  return "==";
}

int ScenarioDef::find_state(std::string_view name) const {
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int ScenarioDef::find_variable(std::string_view name) const {
  for (std::size_t i = 0; i < variables.size(); ++i) {
    if (variables[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int ScenarioDef::find_cue(std::string_view name) const {
  for (std::size_t i = 0; i < cues.size(); ++i) {
    if (cues[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const VariantDef* ScenarioDef::find_variant(std::string_view name) const {
  for (const auto& v : variants) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::vector<PatientDef> patients_for_variant(const ScenarioDef& def, std::string_view variant) {
  std::vector<PatientDef> patients = def.patients;
  const VariantDef* v = def.find_variant(variant);
  if (v == nullptr || patients.size() != 1) return patients;
  for (const auto& [key, value] : v->patient) patients.front().settings[key] = value;
  return patients;
}

bool ScenarioDef::role_may_take(std::string_view team_role, std::string_view action) const {
  bool restricted = false;
  for (const RoleDef& r : roles) {
    for (const auto& a : r.actions) {
      if (a != action) continue;
      restricted = true;
      if (r.name == team_role) return true;
    }
  }
  return !restricted;
}

}  // namespace medvision::scenario
