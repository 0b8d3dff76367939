// Route family "sessions": creating sessions, their members and invitations,
// the driver and team roles, events, controls, ending and reports.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "core/utf8.h"
#include "modules/registry.h"
#include "server/route_table.h"

namespace medvision {
namespace {

using nlohmann::json;

bool is_instructor_member(const RouteCall& c) {
  return c.member && c.member->role == SessionRole::instructor;
}
bool is_admin(const RouteCall& c) { return c.user().role == Role::admin; }
bool steers(const RouteCall& c) { return is_admin(c) || is_instructor_member(c); }
bool created(const RouteCall& c) { return c.session && c.session->created_by == c.user().id; }

Error not_steering(const RouteCall& c, const std::string& what) {
  return make_error(ErrorCode::forbidden,
                    "you do not teach session " + c.session->id + ", so you may not " + what +
                        " (you are " +
                        (c.member ? std::string("its ") + to_string(c.member->role)
                                  : std::string("not a member")) +
                        ")");
}

json session_json(const SessionRecord& s, bool show_seed, bool show_variant) {
  // The variant (after the colon) is the case's hidden diagnosis: while the
  // session runs, those who do not teach it see the scenario only
  // (docs/emergency.md, "Clinical rules").
  const std::string kind = show_variant ? s.kind : s.kind.substr(0, s.kind.find(':'));
  json j = {{"id", s.id},
            {"title", s.title},
            {"kind", kind},
            {"mode", to_string(s.mode)},
            {"status", to_string(s.status)},
            {"created_by", s.created_by},
            {"created_at", iso8601(s.created_us)},
            {"ended_at", s.ended_us ? json(iso8601(s.ended_us)) : json(nullptr)}};
  // In an assessed session the seed stays hidden from trainees until the end.
  j["seed"] = show_seed ? json(s.seed) : json(nullptr);
  return j;
}

bool may_see_seed(ApiContext& ctx, const SessionRecord& s, const UserRecord& user) {
  if (s.mode == SessionMode::practice || s.status != SessionStatus::running) return true;
  auto allowed = may_instruct(ctx, s.id, user);
  return allowed.ok() && *allowed;
}

// The variant: seen by those who teach the session and by whoever created it
// (they chose it), by everyone once it has ended.
bool may_see_variant(ApiContext& ctx, const SessionRecord& s, const UserRecord& user) {
  if (s.status != SessionStatus::running || s.created_by == user.id) return true;
  auto allowed = may_instruct(ctx, s.id, user);
  return allowed.ok() && *allowed;
}

json member_json(ApiContext& ctx, const SessionMember& m, const std::string& driver) {
  auto user = ctx.store.find_user_by_id(m.user_id);
  return {{"user_id", m.user_id},
          {"username", user.ok() ? user->username : ""},
          {"display_name", user.ok() ? user->display_name : ""},
          {"role", to_string(m.role)},
          {"team_role", m.team_role},
          {"driver", m.role == SessionRole::driver || m.user_id == driver},
          {"added_at", iso8601(m.added_us)}};
}

Result<UserRecord> user_named(ApiContext& ctx, const std::string& typed, const std::string& where) {
  const auto name = normalise_username(typed);
  if (!name) return bad_request(where + "no user '" + utf8_prefix(typed, 64, true) + "'");
  auto user = ctx.store.find_user_by_name(*name);
  if (!user.ok()) return bad_request(where + "no user '" + *name + "'");
  if (user->disabled) return bad_request(where + user->username + "'s account is disabled");
  return user;
}

// The session roles an account role may be given: instructors teach, patients
// are the patient of a patient-facing session, clinicians its clinician.
Status check_role_fits(const UserRecord& user, SessionRole role) {
  const bool ok = [&] {
    switch (role) {
      case SessionRole::instructor:
        return user.role == Role::instructor;
      case SessionRole::patient:
        return user.role == Role::patient;
      case SessionRole::clinician:
        return user.role == Role::clinician;
      case SessionRole::driver:
      case SessionRole::participant:
        return user.role != Role::patient;
      case SessionRole::observer:
        return true;
    }
    return false;
  }();
  if (ok) return {};
  return bad_request(user.username + " (" + to_string(user.role) + ") cannot be a session " +
                     to_string(role));
}

Result<SessionRole> session_role_field(const json& body, const char* field, SessionRole fallback) {
  if (!body.contains(field)) return fallback;
  if (!body[field].is_string())
    return bad_request(std::string("field '") + field + "' must be a string");
  const auto role = parse_session_role(body[field].get<std::string>());
  if (!role)
    return bad_request(std::string("field '") + field +
                       "' must be one of driver, participant, instructor, observer, patient, "
                       "clinician");
  return *role;
}

// Makes `user` the driver: the previous driver becomes a participant.
Status hand_driver_to(ApiContext& ctx, const SessionRecord& s, const UserRecord& user,
                      const std::string& by) {
  auto members = ctx.store.list_session_members(s.id);
  if (!members.ok()) return members.error();
  const auto now = wall_time_us();
  std::optional<SessionMember> target;
  for (auto m : *members) {
    if (m.user_id == user.id) target = m;
    if (m.role == SessionRole::driver && m.user_id != user.id) {
      m.role = SessionRole::participant;
      MV_TRY(ctx.store.put_session_member(m));
      if (auto live = ctx.hub.find(s.id)) live->member_changed(m.user_id, m.role, m.team_role);
    }
  }
  SessionMember m = target.value_or(SessionMember{s.id, user.id, SessionRole::driver, "", by, now});
  m.role = SessionRole::driver;
  MV_TRY(ctx.store.put_session_member(m));
  if (auto live = ctx.hub.find(s.id)) {
    live->member_changed(m.user_id, m.role, m.team_role);
    live->set_driver(user.id);
  }
  return {};
}

std::string driver_of(ApiContext& ctx, const std::string& session_id) {
  auto members = ctx.store.list_session_members(session_id);
  if (!members.ok()) return {};
  for (const auto& m : *members) {
    if (m.role == SessionRole::driver) return m.user_id;
  }
  return {};
}

Result<HttpResponse> list_sessions(RouteCall& c) {
  auto sessions =
      is_admin(c) ? c.ctx.store.list_sessions() : c.ctx.store.list_sessions_of_member(c.user().id);
  if (!sessions.ok()) return sessions.error();
  json out = json::array();
  for (const auto& s : *sessions)
    out.push_back(
        session_json(s, may_see_seed(c.ctx, s, c.user()), may_see_variant(c.ctx, s, c.user())));
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> create_session(RouteCall& c) {
  const UserRecord& me = c.user();
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto title = string_field(*body, "title", true);
  if (!title.ok()) return title.error();
  if (title->empty()) return bad_request("field 'title' must not be empty");
  auto kind = string_field(*body, "kind", false, 80);
  if (!kind.ok()) return kind.error();
  if (kind->empty()) *kind = "sandbox";
  auto variant = string_field(*body, "variant", false, 80);
  if (!variant.ok()) return variant.error();
  if (kind->find(':') != std::string::npos) {
    if (!variant->empty())
      return bad_request(
          "give the variant either in 'kind' (KIND:VARIANT) or in 'variant', not both");
    std::tie(*kind, *variant) = modules::split_kind(*kind);
  }
  std::shared_ptr<const scenario::ScenarioDef> def;
  const modules::ModuleDescriptor* room = modules::find_module(*kind);
  if (room != nullptr && room->open_room && room->id == *kind) {
    if (!variant->empty()) return bad_request("the " + *kind + " has no variants");
  } else {
    const modules::ScenarioListing listing = modules::list_scenarios(c.ctx.config.content_root);
    const auto entry =
        std::find_if(listing.scenarios.begin(), listing.scenarios.end(),
                     [&](const modules::ScenarioEntry& e) { return e.kind == *kind; });
    if (entry == listing.scenarios.end()) {
      std::string known;
      for (const modules::ModuleDescriptor* m : modules::all_modules()) {
        if (m->open_room) known += (known.empty() ? "" : ", ") + m->id;
      }
      for (const auto& e : listing.scenarios) known += (known.empty() ? "" : ", ") + e.kind;
      return bad_request("field 'kind': no scenario '" + utf8_prefix(*kind, 80, true) +
                         "'; this server runs " + known);
    }
    if (!variant->empty() && entry->def->find_variant(*variant) == nullptr) {
      std::string known;
      for (const auto& v : entry->def->variants) known += (known.empty() ? "" : ", ") + v.name;
      return bad_request("field 'variant': scenario " + *kind + " has no variant '" +
                         utf8_prefix(*variant, 80, true) + "'" +
                         (known.empty() ? std::string(" (it has none)") : "; it has " + known));
    }
    def = entry->def;
  }
  // Practice or assessed: instructors (and admins) choose; a trainee's own
  // sessions are practice.
  const bool teaches = me.role == Role::instructor || me.role == Role::admin;
  SessionMode mode = SessionMode::practice;
  if (body->contains("mode")) {
    const auto parsed = (*body)["mode"].is_string()
                            ? parse_session_mode((*body)["mode"].get<std::string>())
                            : std::nullopt;
    if (!parsed) return bad_request("field 'mode' must be 'practice' or 'assessed'");
    mode = *parsed;
  }
  if (mode == SessionMode::assessed && !teaches)
    return forbidden_role(me, "create assessed sessions (a trainee's own sessions are practice)");

  // The members named in the request: instructors, the driver, others.
  std::vector<std::pair<UserRecord, SessionRole>> named;
  if (body->contains("instructors")) {
    const json& names = (*body)["instructors"];
    if (!names.is_array() || names.size() > 20)
      return bad_request("field 'instructors' must be a list of at most 20 usernames");
    for (const auto& n : names) {
      if (!n.is_string()) return bad_request("field 'instructors' must hold usernames (strings)");
      auto user = user_named(c.ctx, n.get<std::string>(), "field 'instructors': ");
      if (!user.ok()) return user.error();
      if (user->role != Role::instructor)
        return bad_request("field 'instructors': " + user->username + " is not an instructor");
      named.emplace_back(*user, SessionRole::instructor);
    }
  }
  if (body->contains("members")) {
    const json& list = (*body)["members"];
    if (!list.is_array() || list.size() > 100)
      return bad_request("field 'members' must be a list of at most 100 {\"username\",\"role\"}");
    for (const auto& m : list) {
      if (!m.is_object()) return bad_request("field 'members' must hold {\"username\",\"role\"}");
      auto username = string_field(m, "username", true, 256);
      if (!username.ok()) return username.error();
      auto role = session_role_field(m, "role", SessionRole::participant);
      if (!role.ok()) return role.error();
      auto user = user_named(c.ctx, *username, "field 'members': ");
      if (!user.ok()) return user.error();
      MV_TRY(check_role_fits(*user, *role));
      named.emplace_back(*user, *role);
    }
  }
  std::optional<UserRecord> driver;
  if (body->contains("driver")) {
    auto username = string_field(*body, "driver", true, 256);
    if (!username.ok()) return username.error();
    auto user = user_named(c.ctx, *username, "field 'driver': ");
    if (!user.ok()) return user.error();
    MV_TRY(check_role_fits(*user, SessionRole::driver));
    driver = *user;
  }
  std::uint64_t seed = 0;
  if (body->contains("seed")) {
    // In an assessed session only instructors fix the seed.
    if (mode == SessionMode::assessed && !teaches)
      return forbidden_role(me, "fix the seed of an assessed session");
    if (!(*body)["seed"].is_number_unsigned())
      return bad_request("field 'seed' must be a whole number >= 0");
    seed = (*body)["seed"].get<std::uint64_t>();
  } else {
    const auto secret = new_secret(8);
    seed = std::stoull(secret.substr(0, 15), nullptr, 16);
  }

  // Per-user limit on running sessions.
  auto mine = c.ctx.store.list_sessions_of_member(me.id);
  if (!mine.ok()) return mine.error();
  const auto running = std::count_if(mine->begin(), mine->end(), [&](const SessionRecord& s) {
    return s.created_by == me.id && s.status == SessionStatus::running;
  });
  if (running >= c.ctx.config.max_running_sessions_per_user) {
    return make_error(ErrorCode::too_many,
                      "you already run " + std::to_string(running) + " sessions (the limit is " +
                          std::to_string(c.ctx.config.max_running_sessions_per_user) +
                          "); end one first");
  }

  SessionRecord s;
  s.id = new_id("ses_");
  s.title = *title;
  s.kind = variant->empty() ? *kind : *kind + ":" + *variant;
  s.created_by = me.id;
  s.seed = seed;
  s.created_us = wall_time_us();
  s.mode = mode;
  s.instance_id = c.ctx.instance.id;
  MV_TRY(c.ctx.store.create_session(s));
  // The creator is a member: an instructor teaches, anyone else drives unless
  // the request names another driver.
  const SessionRole own = me.role == Role::instructor     ? SessionRole::instructor
                          : driver && driver->id != me.id ? SessionRole::participant
                                                          : SessionRole::driver;
  std::string driver_id = own == SessionRole::driver ? me.id : std::string();
  MV_TRY(c.ctx.store.put_session_member(SessionMember{s.id, me.id, own, "", me.id, s.created_us}));
  for (const auto& [user, role] : named) {
    if (user.id == me.id) continue;
    MV_TRY(c.ctx.store.put_session_member(
        SessionMember{s.id, user.id, role, "", me.id, s.created_us}));
    if (role == SessionRole::driver) driver_id = user.id;
  }
  if (driver && driver->id != me.id) {
    MV_TRY(c.ctx.store.put_session_member(
        SessionMember{s.id, driver->id, SessionRole::driver, "", me.id, s.created_us}));
    driver_id = driver->id;
  }
  auto live = c.ctx.hub.start(s);
  if (!live.ok()) {
    // The record exists already: close it so it does not stay "running".
    (void)c.ctx.store.end_session(s.id, SessionStatus::ended_abnormally, wall_time_us());
    return live.error();
  }
  (*live)->set_scenario(def);
  if (!driver_id.empty()) (*live)->set_driver(driver_id);
  return json_response(c.req, http::status::created, session_json(s, true, true));
}

// The answer for a running session this instance does not run.
Result<HttpResponse> elsewhere(RouteCall& c, const SessionRecord& s) {
  if (s.status != SessionStatus::running)
    return make_error(ErrorCode::conflict, "session " + s.id + " has ended and cannot be joined");
  std::string url;
  if (!s.instance_id.empty()) {
    auto lease = c.ctx.store.find_instance_lease(s.instance_id);
    if (lease.ok() && *lease) url = (*lease)->public_url;
  }
  json body = {{"error", "session " + s.id + " runs on instance " +
                             (s.instance_id.empty() ? std::string("(unknown)") : s.instance_id) +
                             (url.empty() ? std::string() : " at " + url) + "; connect there"},
               {"code", "conflict"},
               {"instance", s.instance_id},
               {"url", url}};
  return json_response(c.req, http::status::conflict, body);
}

Result<HttpResponse> get_session(RouteCall& c) {
  const SessionRecord& s = *c.session;
  json out = session_json(s, may_see_seed(c.ctx, s, c.user()), may_see_variant(c.ctx, s, c.user()));
  if (c.member) out["my_role"] = to_string(c.member->role);
  if (auto live = c.ctx.hub.find(s.id)) {
    json people = json::array();
    for (const auto& pi : live->participants()) {
      people.push_back(json{{"number", pi.number},
                            {"username", pi.username},
                            {"role", pi.role},
                            {"team_role", pi.team_role},
                            {"present", pi.present}});
    }
    out["participants"] = people;
    out["tick"] = live->tick();
  } else if (s.status == SessionStatus::running && s.instance_id != c.ctx.instance.id) {
    out["instance"] = s.instance_id;
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> join_session(RouteCall& c) {
  const SessionRecord& s = *c.session;
  if (s.status != SessionStatus::running)
    return make_error(ErrorCode::conflict, "session " + s.id + " has ended and cannot be joined");
  if (!c.ctx.hub.find(s.id)) return elsewhere(c, s);
  return json_response(c.req, http::status::ok, {{"websocket", "/ws?session=" + s.id}});
}

Result<HttpResponse> end_session(RouteCall& c) {
  const SessionRecord& s = *c.session;
  if (!created(c) && !steers(c)) return not_steering(c, "end it (or its creator)");
  if (!c.ctx.hub.find(s.id)) {
    if (s.status == SessionStatus::running) return elsewhere(c, s);
    return make_error(ErrorCode::conflict, "session " + s.id + " has already ended");
  }
  MV_TRY(c.ctx.hub.end(s.id, "ended by " + c.user().username));
  auto ended = c.ctx.store.get_session(s.id);
  if (!ended.ok()) return ended.error();
  return json_response(c.req, http::status::ok, session_json(*ended, true, true));
}

Result<HttpResponse> read_events(RouteCall& c) {
  const SessionRecord& s = *c.session;
  auto after = uint_param(c.req.target(), "after", 0, 0, UINT64_MAX);
  if (!after.ok()) return after.error();
  auto limit = uint_param(c.req.target(), "limit", 1000, 1, 10000);
  if (!limit.ok()) return limit.error();
  auto events = c.ctx.store.list_events(s.id, *after, *limit);
  if (!events.ok()) return events.error();
  const bool hide_seed = !may_see_seed(c.ctx, s, c.user());
  const bool hide_kind_variant = !may_see_variant(c.ctx, s, c.user());
  json out = json::array();
  for (const auto& e : *events) {
    json payload = json::parse(e.payload, nullptr, false);
    if (payload.is_discarded()) payload = e.payload;
    hide_from_members(e.type, payload, hide_seed, hide_kind_variant);
    out.push_back(json{{"seq", e.seq},
                       {"tick", e.tick},
                       {"wall_time", iso8601(e.wall_us)},
                       {"type", e.type},
                       {"payload", payload}});
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> add_observation(RouteCall& c) {
  const SessionRecord& s = *c.session;
  if (!steers(c)) return not_steering(c, "add observations");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto type = string_field(*body, "type", true, 40);
  if (!type.ok()) return type.error();
  if (*type != "observation") return bad_request("field 'type' must be 'observation'");
  auto text = string_field(*body, "text", true, 4000);
  if (!text.ok()) return text.error();
  auto live = c.ctx.hub.find(s.id);
  if (!live) return make_error(ErrorCode::conflict, "session " + s.id + " is not running");
  auto seq = live->record("observation", json{{"text", *text}, {"by", c.user().id}}.dump(
                                             -1, ' ', false, json::error_handler_t::replace));
  if (!seq.ok()) return seq.error();
  return json_response(c.req, http::status::created, {{"seq", *seq}});
}

Result<HttpResponse> control_session(RouteCall& c) {
  const SessionRecord& s = *c.session;
  if (!steers(c)) return not_steering(c, "steer it");
  auto control = wire::parse_control_request(c.req.body());
  if (!control.ok()) return control.error();
  if (control->control == "observation")
    return bad_request("send observations to POST /api/sessions/{id}/events");
  auto live = c.ctx.hub.find(s.id);
  if (!live) return make_error(ErrorCode::conflict, "session " + s.id + " is not running");
  MV_TRY(live->control(*control, c.user().id));
  return json_response(c.req, http::status::accepted, {{"accepted", true}});
}

Result<HttpResponse> list_instructors(RouteCall& c) {
  auto ids = c.ctx.store.list_session_instructors(c.session->id);
  if (!ids.ok()) return ids.error();
  json out = json::array();
  for (const auto& id : *ids) {
    auto user = c.ctx.store.find_user_by_id(id);
    if (user.ok()) out.push_back(user->username);
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> add_instructor(RouteCall& c) {
  if (!steers(c) && !created(c)) return not_steering(c, "add instructors (or its creator)");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto name = string_field(*body, "username", true, 256);
  if (!name.ok()) return name.error();
  auto user = user_named(c.ctx, *name, "");
  if (!user.ok()) return user.error();
  if (user->role != Role::instructor) return bad_request(user->username + " is not an instructor");
  MV_TRY(c.ctx.store.add_session_instructor(c.session->id, user->id, wall_time_us()));
  if (auto live = c.ctx.hub.find(c.session->id))
    live->member_changed(user->id, SessionRole::instructor, "");
  return list_instructors(c);
}

Result<HttpResponse> list_members(RouteCall& c) {
  auto members = c.ctx.store.list_session_members(c.session->id);
  if (!members.ok()) return members.error();
  const std::string driver = driver_of(c.ctx, c.session->id);
  json out = json::array();
  for (const auto& m : *members) out.push_back(member_json(c.ctx, m, driver));
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> add_member(RouteCall& c) {
  if (!steers(c) && !created(c)) return not_steering(c, "add members (or its creator)");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto name = string_field(*body, "username", true, 256);
  if (!name.ok()) return name.error();
  auto role = session_role_field(*body, "role", SessionRole::participant);
  if (!role.ok()) return role.error();
  auto user = user_named(c.ctx, *name, "");
  if (!user.ok()) return user.error();
  MV_TRY(check_role_fits(*user, *role));
  if (*role == SessionRole::driver) {
    MV_TRY(hand_driver_to(c.ctx, *c.session, *user, c.user().id));
  } else {
    auto existing = c.ctx.store.find_session_member(c.session->id, user->id);
    if (!existing.ok()) return existing.error();
    SessionMember m = existing->value_or(
        SessionMember{c.session->id, user->id, *role, "", c.user().id, wall_time_us()});
    m.role = *role;
    MV_TRY(c.ctx.store.put_session_member(m));
    if (auto live = c.ctx.hub.find(c.session->id))
      live->member_changed(user->id, m.role, m.team_role);
  }
  return list_members(c);
}

Result<HttpResponse> remove_member(RouteCall& c) {
  if (!steers(c) && !created(c)) return not_steering(c, "remove members (or its creator)");
  const std::string& user_id = c.param("user_id");
  if (user_id == c.session->created_by) return bad_request("the session's creator stays a member");
  MV_TRY(c.ctx.store.remove_session_member(c.session->id, user_id));
  if (auto live = c.ctx.hub.find(c.session->id)) live->member_changed(user_id, std::nullopt, "");
  return no_content(c.req);
}

// The driver hands over, or an instructor gives the instruments to a member.
Result<HttpResponse> set_driver(RouteCall& c) {
  const bool is_driver = c.member && c.member->role == SessionRole::driver;
  if (!steers(c) && !is_driver) return not_steering(c, "hand over the instruments (or the driver)");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto name = string_field(*body, "username", true, 256);
  if (!name.ok()) return name.error();
  auto user = user_named(c.ctx, *name, "");
  if (!user.ok()) return user.error();
  auto target = c.ctx.store.find_session_member(c.session->id, user->id);
  if (!target.ok()) return target.error();
  if (!*target)
    return bad_request(user->username + " is not a member of this session; add them first");
  MV_TRY(check_role_fits(*user, SessionRole::driver));
  MV_TRY(hand_driver_to(c.ctx, *c.session, *user, c.user().id));
  return list_members(c);
}

// A member claims a team role (or gives theirs up with ""); instructors
// assign or revoke anyone's with "username".
Result<HttpResponse> set_team_role(RouteCall& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto team_role = string_field(*body, "team_role", true, 64);
  if (!team_role.ok()) return team_role.error();
  auto username = string_field(*body, "username", false, 256);
  if (!username.ok()) return username.error();
  std::string user_id = c.user().id;
  if (!username->empty()) {
    auto user = user_named(c.ctx, *username, "");
    if (!user.ok()) return user.error();
    if (user->id != c.user().id && !steers(c))
      return not_steering(c, "assign team roles to others");
    user_id = user->id;
  }
  auto member = c.ctx.store.find_session_member(c.session->id, user_id);
  if (!member.ok()) return member.error();
  if (!*member) return bad_request("that user is not a member of this session");
  SessionMember m = **member;
  if (m.role == SessionRole::observer || m.role == SessionRole::instructor)
    return bad_request(std::string("a session ") + to_string(m.role) + " holds no team role");
  if (!team_role->empty()) {
    const modules::ScenarioListing listing = modules::list_scenarios(c.ctx.config.content_root);
    // (Not a structured binding: lambdas may not capture one in C++20.)
    const std::string kind = modules::split_kind(c.session->kind).first;
    const auto entry =
        std::find_if(listing.scenarios.begin(), listing.scenarios.end(),
                     [&](const modules::ScenarioEntry& e) { return e.kind == kind; });
    if (entry == listing.scenarios.end())
      return bad_request("this session's scenario has no team roles");
    const auto role =
        std::find_if(entry->def->roles.begin(), entry->def->roles.end(),
                     [&](const scenario::RoleDef& r) { return r.name == *team_role; });
    if (role == entry->def->roles.end()) {
      std::string known;
      for (const auto& r : entry->def->roles) known += (known.empty() ? "" : ", ") + r.name;
      return bad_request("no team role '" + utf8_prefix(*team_role, 64, true) +
                         "'; this scenario has " + known);
    }
    auto members = c.ctx.store.list_session_members(c.session->id);
    if (!members.ok()) return members.error();
    const auto holders = std::count_if(
        members->begin(), members->end(),
        [&](const SessionMember& x) { return x.team_role == *team_role && x.user_id != user_id; });
    if (holders >= role->max) {
      return make_error(ErrorCode::conflict, "team role " + *team_role + " is full (" +
                                                 std::to_string(role->max) + " at most)");
    }
  }
  m.team_role = *team_role;
  MV_TRY(c.ctx.store.put_session_member(m));
  if (auto live = c.ctx.hub.find(c.session->id))
    live->member_changed(m.user_id, m.role, m.team_role);
  return list_members(c);
}

Result<HttpResponse> create_invite(RouteCall& c) {
  if (!steers(c) && !created(c)) return not_steering(c, "invite (or its creator)");
  if (c.session->status != SessionStatus::running)
    return make_error(ErrorCode::conflict, "session " + c.session->id + " has ended");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto role = session_role_field(*body, "role", SessionRole::participant);
  if (!role.ok()) return role.error();
  if (*role == SessionRole::driver || *role == SessionRole::instructor)
    return bad_request(
        "an invite makes participants, observers, patients or clinicians; name "
        "instructors and the driver by username");
  std::int64_t max_uses = 1;
  if (body->contains("max_uses")) {
    if (!(*body)["max_uses"].is_number_integer() || (*body)["max_uses"].get<std::int64_t>() < 1 ||
        (*body)["max_uses"].get<std::int64_t>() > 1000)
      return bad_request("field 'max_uses' must be a whole number from 1 to 1000");
    max_uses = (*body)["max_uses"].get<std::int64_t>();
  }
  std::int64_t ttl = c.ctx.config.invite_ttl_s;
  if (body->contains("expires_in_s")) {
    if (!(*body)["expires_in_s"].is_number_integer() ||
        (*body)["expires_in_s"].get<std::int64_t>() < 60 ||
        (*body)["expires_in_s"].get<std::int64_t>() > c.ctx.config.invite_ttl_s)
      return bad_request("field 'expires_in_s' must be a whole number from 60 to " +
                         std::to_string(c.ctx.config.invite_ttl_s));
    ttl = (*body)["expires_in_s"].get<std::int64_t>();
  }
  const std::string code = new_secret(16);
  const std::int64_t now = wall_time_us();
  SessionInvite invite{token_hash(code),      c.session->id, *role, c.user().id, now,
                       now + ttl * 1'000'000, max_uses,      0};
  MV_TRY(c.ctx.store.put_session_invite(invite));
  return json_response(c.req, http::status::created,
                       {{"code", code},
                        {"session_id", c.session->id},
                        {"role", to_string(*role)},
                        {"max_uses", max_uses},
                        {"expires_at", iso8601(invite.expires_us)}});
}

Result<HttpResponse> accept_invite(RouteCall& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto code = string_field(*body, "code", true, 200);
  if (!code.ok()) return code.error();
  auto invite = c.ctx.store.use_session_invite(token_hash(*code), wall_time_us());
  if (!invite.ok()) {
    if (invite.error().code == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "no such invite code");
    return invite.error();
  }
  MV_TRY(check_role_fits(c.user(), invite->role));
  auto session = c.ctx.store.get_session(invite->session_id);
  if (!session.ok()) return session.error();
  auto existing = c.ctx.store.find_session_member(session->id, c.user().id);
  if (!existing.ok()) return existing.error();
  if (!*existing) {
    MV_TRY(c.ctx.store.put_session_member(SessionMember{session->id, c.user().id, invite->role, "",
                                                        invite->created_by, wall_time_us()}));
  }
  return json_response(c.req, http::status::ok,
                       session_json(*session, may_see_seed(c.ctx, *session, c.user()),
                                    may_see_variant(c.ctx, *session, c.user())));
}

Result<HttpResponse> session_report(RouteCall& c, const std::string& name) {
  const SessionRecord& s = *c.session;
  auto artifacts = c.ctx.store.list_artifacts(s.id);
  if (!artifacts.ok()) return artifacts.error();
  std::optional<ArtifactRecord> report;
  for (const auto& a : *artifacts) {
    if (a.kind != "report" || a.name != name) continue;
    auto full = c.ctx.store.get_artifact(a.id);
    if (!full.ok()) return full.error();
    report = std::move(*full);
  }
  if (!report) {
    return make_error(
        ErrorCode::not_found,
        s.status == SessionStatus::running
            ? "session " + s.id + " is still running; its report is written when it ends"
            : "session " + s.id + " has no report (only scenario sessions are scored)");
  }
  HttpResponse res{http::status::ok, c.req.version()};
  res.set(http::field::content_type, report->media_type);
  res.set(http::field::cache_control, "no-store");
  // The page is self-contained: no scripts, inline styles and SVG only.
  if (name == "report.html")
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
  res.keep_alive(c.req.keep_alive());
  res.body() = std::move(report->data);
  res.prepare_payload();
  return res;
}

Route route(http::verb method, std::string pattern, std::vector<Role> roles, Membership membership,
            std::string summary, RouteHandler handler) {
  return make_route("sessions", method, std::move(pattern), std::move(roles), membership,
                    std::move(summary), std::move(handler));
}

}  // namespace

void add_session_routes(std::vector<Route>& t) {
  using M = Membership;
  const auto get = http::verb::get, post = http::verb::post;
  t.push_back(route(get, "/api/sessions", {}, M::none,
                    "the sessions the caller is a member of (admins: all), newest first",
                    list_sessions));
  t.push_back(route(post, "/api/sessions",
                    {Role::trainee, Role::instructor, Role::clinician, Role::admin}, M::none,
                    "body `{\"title\",\"kind\"?,\"variant\"?,\"mode\"?:\"practice|assessed\","
                    "\"seed\"?,\"instructors\"?:[usernames],\"driver\"?:username,"
                    "\"members\"?:[{\"username\",\"role\"}]}`; 201 the session, running; 429 "
                    "past the per-user limit",
                    create_session));
  t.push_back(route(post, "/api/invites/accept", {}, M::none,
                    "body `{\"code\"}`; the caller becomes a member with the invite's role; 200 "
                    "the session; 404 unknown code, 409 expired or used up",
                    accept_invite));
  t.push_back(route(get, "/api/sessions/{id}", {}, M::session_member,
                    "one session, with its participants while it runs", get_session));
  t.push_back(route(post, "/api/sessions/{id}/join", {}, M::session_member,
                    "200 `{\"websocket\"}`; 409 ended, or running on another instance (`url`)",
                    join_session));
  t.push_back(route(post, "/api/sessions/{id}/end", {}, M::session_member,
                    "its creator, instructors, admins: 200 the ended session (scored, report "
                    "stored)",
                    end_session));
  t.push_back(route(get, "/api/sessions/{id}/events", {}, M::session_member,
                    "`?after=SEQ&limit=N` (N 1..10000, default 1000): the stored events",
                    read_events));
  t.push_back(route(post, "/api/sessions/{id}/events", {}, M::session_member,
                    "its instructors, admins: body `{\"type\":\"observation\",\"text\"}`; 201 "
                    "`{\"seq\"}`",
                    add_observation));
  t.push_back(route(post, "/api/sessions/{id}/control", {}, M::session_member,
                    "its instructors, admins: body `{\"control\":\"pause|resume|cue\",\"text\"?}`; "
                    "202",
                    control_session));
  t.push_back(route(get, "/api/sessions/{id}/instructors", {}, M::session_member,
                    "the usernames of its instructors", list_instructors));
  t.push_back(route(post, "/api/sessions/{id}/instructors", {}, M::session_member,
                    "its creator, instructors, admins: body `{\"username\"}` (an instructor)",
                    add_instructor));
  t.push_back(route(get, "/api/sessions/{id}/members", {}, M::session_member,
                    "its members: `[{\"user_id\",\"username\",\"role\",\"team_role\",\"driver\"}]`",
                    list_members));
  t.push_back(route(post, "/api/sessions/{id}/members", {}, M::session_member,
                    "its creator, instructors, admins: body `{\"username\",\"role\"?}`; adds or "
                    "changes a member",
                    add_member));
  t.push_back(route(
      http::verb::delete_, "/api/sessions/{id}/members/{user_id}", {}, M::session_member,
      "its creator, instructors, admins: removes a member (their sockets close)", remove_member));
  t.push_back(route(post, "/api/sessions/{id}/driver", {}, M::session_member,
                    "its instructors, admins or the driver: body `{\"username\"}`; that member "
                    "now holds the instruments",
                    set_driver));
  t.push_back(route(post, "/api/sessions/{id}/team-role", {}, M::session_member,
                    "body `{\"team_role\",\"username\"?}`: a member claims a scenario role (it "
                    "must exist and not be full); instructors assign or revoke (\"\")",
                    set_team_role));
  t.push_back(route(post, "/api/sessions/{id}/invites", {}, M::session_member,
                    "its creator, instructors, admins: body `{\"role\"?,\"max_uses\"?,"
                    "\"expires_in_s\"?}`; 201 `{\"code\",\"expires_at\"}` (the code is shown once)",
                    create_invite));
  t.push_back(route(get, "/api/sessions/{id}/report", {}, M::session_member,
                    "the debrief report (docs/reports.md) once it has ended",
                    [](RouteCall& c) { return session_report(c, "report.json"); }));
  t.push_back(route(get, "/api/sessions/{id}/report.html", {}, M::session_member,
                    "the same report as a page",
                    [](RouteCall& c) { return session_report(c, "report.html"); }));
}

}  // namespace medvision
