// Route family "care": patient records, their care teams and emergency
// access (docs/security.md, "Patients and clinicians").

#include <nlohmann/json.hpp>

#include "care/patients.h"
#include "core/ids.h"
#include "core/utf8.h"
#include "server/route_table.h"

namespace medvision {
namespace {

using nlohmann::json;

const RecordCipher& cipher_of(const RouteCall& c) {
  if (c.ctx.cipher == nullptr) throw std::logic_error("the server has no record cipher");
  return *c.ctx.cipher;
}

// The alias only: what admins and lists show.
json patient_summary(const PatientRecord& p) {
  return {{"id", p.id}, {"alias", p.alias}, {"created_at", iso8601(p.created_us)}};
}

Result<json> patient_json(RouteCall& c, const PatientRecord& p) {
  auto details = care::open_patient(cipher_of(c), p);
  if (!details.ok()) return details.error();
  json j = patient_summary(p);
  j["name"] = details->name;
  j["contact"] = details->contact;
  j["identifiers"] = details->identifiers;
  j["user_id"] = p.user_id.empty() ? json(nullptr) : json(p.user_id);
  return j;
}

Result<care::PatientDetails> details_from(RouteCall& c, const json& body, care::PatientDetails d) {
  for (const char* field : {"alias", "name", "contact", "identifiers"}) {
    if (!body.contains(field)) continue;
    auto v = string_field(body, field, true, 500);
    if (!v.ok()) return v.error();
    std::string& out = std::string(field) == "alias"     ? d.alias
                       : std::string(field) == "name"    ? d.name
                       : std::string(field) == "contact" ? d.contact
                                                         : d.identifiers;
    out = *v;
  }
  if (body.contains("username")) {
    auto typed = string_field(body, "username", true, 256);
    if (!typed.ok()) return typed.error();
    if (typed->empty()) {
      d.user_id.clear();
    } else {
      const auto name = normalise_username(*typed);
      auto user = name ? c.ctx.store.find_user_by_name(*name)
                       : Result<UserRecord>(make_error(ErrorCode::not_found, ""));
      if (!user.ok()) return bad_request("no user '" + utf8_prefix(*typed, 64, true) + "'");
      if (user->role != Role::patient)
        return bad_request(user->username + " does not have the patient role");
      d.user_id = user->id;
    }
  }
  MV_TRY(care::check_details(d));
  return d;
}

Result<HttpResponse> list_patients(RouteCall& c) {
  json out = json::array();
  if (c.user().role == Role::admin) {
    // Admins manage care teams: they see aliases, never identifying fields.
    auto all = c.ctx.store.list_patients();
    if (!all.ok()) return all.error();
    for (const auto& p : *all) out.push_back(patient_summary(p));
    return json_response(c.req, http::status::ok, out);
  }
  auto ids = c.ctx.store.patients_cared_for_by(c.user().id);
  if (!ids.ok()) return ids.error();
  for (const auto& id : *ids) {
    auto p = c.ctx.store.get_patient(id);
    if (p.ok()) out.push_back(patient_summary(*p));
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> create_patient(RouteCall& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto details = details_from(c, *body, {});
  if (!details.ok()) return details.error();
  const std::string id = new_id("pat_");
  const std::int64_t now = wall_time_us();
  MV_TRY(
      c.ctx.store.create_patient(care::seal_patient(cipher_of(c), id, *details, c.user().id, now)));
  // A clinician who records a patient cares for them.
  if (c.user().role == Role::clinician)
    MV_TRY(c.ctx.store.add_care_team_member(CareTeamMember{id, c.user().id, c.user().id, now}));
  auto record = c.ctx.store.get_patient(id);
  if (!record.ok()) return record.error();
  auto j = patient_json(c, *record);
  if (!j.ok()) return j.error();
  return json_response(c.req, http::status::created, *j);
}

Result<HttpResponse> get_patient(RouteCall& c) {
  auto j = patient_json(c, *c.patient);
  if (!j.ok()) return j.error();
  return json_response(c.req, http::status::ok, *j);
}

Result<HttpResponse> update_patient(RouteCall& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto current = care::open_patient(cipher_of(c), *c.patient);
  if (!current.ok()) return current.error();
  auto details = details_from(c, *body, *current);
  if (!details.ok()) return details.error();
  PatientRecord updated = care::seal_patient(cipher_of(c), c.patient->id, *details,
                                             c.patient->created_by, c.patient->created_us);
  MV_TRY(c.ctx.store.update_patient(updated));
  auto j = patient_json(c, updated);
  if (!j.ok()) return j.error();
  return json_response(c.req, http::status::ok, *j);
}

// Admins and the care team's clinicians manage the team.
Status may_manage_team(RouteCall& c, const std::string& patient_id) {
  if (c.user().role == Role::admin) return {};
  auto on_team = c.ctx.store.is_on_care_team(patient_id, c.user().id);
  if (!on_team.ok()) return on_team.error();
  if (!*on_team)
    return make_error(
        ErrorCode::forbidden,
        "only admins and the care team manage the care team of patient " + patient_id);
  return {};
}

Result<HttpResponse> care_team_json(RouteCall& c, const std::string& patient_id) {
  auto team = c.ctx.store.list_care_team(patient_id);
  if (!team.ok()) return team.error();
  json out = json::array();
  for (const auto& m : *team) {
    auto user = c.ctx.store.find_user_by_id(m.user_id);
    out.push_back({{"user_id", m.user_id},
                   {"username", user.ok() ? user->username : ""},
                   {"display_name", user.ok() ? user->display_name : ""},
                   {"added_by", m.added_by},
                   {"added_at", iso8601(m.added_us)}});
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> get_care_team(RouteCall& c) {
  const std::string& id = c.param("id");
  auto patient = c.ctx.store.get_patient(id);
  if (!patient.ok()) return patient.error();
  MV_TRY(may_manage_team(c, id));
  return care_team_json(c, id);
}

Result<HttpResponse> add_to_care_team(RouteCall& c) {
  const std::string& id = c.param("id");
  auto patient = c.ctx.store.get_patient(id);
  if (!patient.ok()) return patient.error();
  MV_TRY(may_manage_team(c, id));
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto typed = string_field(*body, "username", true, 256);
  if (!typed.ok()) return typed.error();
  const auto name = normalise_username(*typed);
  auto user = name ? c.ctx.store.find_user_by_name(*name)
                   : Result<UserRecord>(make_error(ErrorCode::not_found, ""));
  if (!user.ok()) return bad_request("no user '" + utf8_prefix(*typed, 64, true) + "'");
  // Nobody adds themselves: access is granted by someone else.
  if (user->id == c.user().id)
    return make_error(ErrorCode::forbidden, "nobody adds themselves to a care team");
  if (user->role != Role::clinician)
    return bad_request(user->username +
                       " is not a clinician (physicians, nurses and therapists "
                       "have the clinician role)");
  MV_TRY(
      c.ctx.store.add_care_team_member(CareTeamMember{id, user->id, c.user().id, wall_time_us()}));
  return care_team_json(c, id);
}

Result<HttpResponse> remove_from_care_team(RouteCall& c) {
  const std::string& id = c.param("id");
  auto patient = c.ctx.store.get_patient(id);
  if (!patient.ok()) return patient.error();
  MV_TRY(may_manage_team(c, id));
  MV_TRY(c.ctx.store.remove_care_team_member(id, c.param("user_id")));
  return care_team_json(c, id);
}

Result<HttpResponse> request_emergency_access(RouteCall& c) {
  const std::string& id = c.param("id");
  auto patient = c.ctx.store.get_patient(id);
  if (!patient.ok()) return patient.error();
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto reason = string_field(*body, "reason", true, 1000);
  if (!reason.ok()) return reason.error();
  if (reason->size() < 10)
    return bad_request("say why you need emergency access (at least 10 characters)");
  const std::int64_t now = wall_time_us();
  EmergencyAccess grant{new_id("emg_"), id,  c.user().id,
                        *reason,        now, now + c.ctx.config.emergency_access_s * 1'000'000};
  // The grant is valid only if its audit row is written.
  MV_TRY(c.ctx.store.append_audit(AuditEntry{0, now, c.user().id, "emergency_access",
                                             "/api/patients/" + id, "ok",
                                             printable_text(*reason, 1000), c.remote}));
  MV_TRY(c.ctx.store.grant_emergency_access(grant));
  return json_response(
      c.req, http::status::created,
      {{"id", grant.id}, {"patient_id", id}, {"expires_at", iso8601(grant.expires_us)}});
}

Result<HttpResponse> list_emergency_access(RouteCall& c) {
  auto grants = c.ctx.store.list_emergency_access(c.patient->id);
  if (!grants.ok()) return grants.error();
  json out = json::array();
  for (const auto& g : *grants) {
    auto user = c.ctx.store.find_user_by_id(g.user_id);
    out.push_back({{"id", g.id},
                   {"user_id", g.user_id},
                   {"username", user.ok() ? user->username : ""},
                   {"reason", g.reason},
                   {"started_at", iso8601(g.started_us)},
                   {"expires_at", iso8601(g.expires_us)}});
  }
  return json_response(c.req, http::status::ok, out);
}

Route route(http::verb method, std::string pattern, std::vector<Role> roles, Membership m,
            std::string summary, RouteHandler handler) {
  return make_route("care", method, std::move(pattern), std::move(roles), m, std::move(summary),
                    std::move(handler));
}

}  // namespace

void add_care_routes(std::vector<Route>& t) {
  using M = Membership;
  const std::vector<Role> carers = {Role::clinician, Role::admin};
  t.push_back(route(http::verb::get, "/api/patients", carers, M::none,
                    "clinicians: the patients whose care team they are on; admins: every "
                    "patient's alias (no identifying fields)",
                    list_patients));
  t.push_back(route(http::verb::post, "/api/patients", carers, M::none,
                    "body `{\"alias\",\"name\"?,\"contact\"?,\"identifiers\"?,\"username\"?}`; 201 "
                    "the patient; a clinician who creates one is on its care team",
                    create_patient));
  t.push_back(route(http::verb::get, "/api/patients/{id}",
                    {Role::clinician, Role::admin, Role::patient}, M::care_team,
                    "the patient's record with its opened fields (care team, emergency access, "
                    "the patient themself); audited",
                    get_patient));
  t.push_back(route(http::verb::patch, "/api/patients/{id}", carers, M::care_team,
                    "body with any of `{\"alias\",\"name\",\"contact\",\"identifiers\","
                    "\"username\"}`",
                    update_patient));
  t.push_back(route(http::verb::get, "/api/patients/{id}/care-team", carers, M::none,
                    "admins and the care team: its clinicians", get_care_team));
  t.push_back(route(http::verb::post, "/api/patients/{id}/care-team", carers, M::none,
                    "admins and the care team: body `{\"username\"}` (a clinician, not oneself)",
                    add_to_care_team));
  t.push_back(route(http::verb::delete_, "/api/patients/{id}/care-team/{user_id}", carers, M::none,
                    "admins and the care team: removes a clinician", remove_from_care_team));
  t.push_back(route(http::verb::post, "/api/patients/{id}/emergency-access", carers, M::none,
                    "body `{\"reason\"}` (10+ characters): access outside the care team for "
                    "--emergency-access seconds (default 1 h); audited, shown to the care team",
                    request_emergency_access));
  t.push_back(route(http::verb::get, "/api/patients/{id}/emergency-access", carers, M::care_team,
                    "the grants of emergency access to the patient, newest first",
                    list_emergency_access));
}

}  // namespace medvision
