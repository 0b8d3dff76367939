#include "server/api.h"

#include <spdlog/spdlog.h>

#include <boost/beast/version.hpp>
#include <charconv>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "modules/registry.h"
#include "server/library_routes.h"

namespace medvision {
namespace {

using nlohmann::json;

constexpr const char* kCookie = "mv_token";

}  // namespace

std::string iso8601(std::int64_t us) {
  if (us == 0) return "";
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>((us / 1000) % 1000));
  return out;
}

namespace {

json user_json(const UserRecord& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", to_string(u.role)},
          {"disabled", u.disabled},
          {"must_change_password", u.must_change_password},
          {"created_at", iso8601(u.created_us)}};
}

json session_json(const SessionRecord& s) {
  json j = {{"id", s.id},
            {"title", s.title},
            {"kind", s.kind},
            {"status", to_string(s.status)},
            {"created_by", s.created_by},
            {"seed", s.seed},
            {"created_at", iso8601(s.created_us)},
            {"ended_at", s.ended_us ? json(iso8601(s.ended_us)) : json(nullptr)}};
  return j;
}

}  // namespace

HttpResponse json_response(const HttpRequest& req, http::status status, const json& body) {
  HttpResponse res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = body.dump();
  res.prepare_payload();
  return res;
}

namespace {

HttpResponse no_content(const HttpRequest& req) {
  HttpResponse res{http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  return res;
}

Error bad(const std::string& message) { return make_error(ErrorCode::invalid_input, message); }

// The request body as a JSON object, or an error naming what is wrong with it.
Result<json> json_body(const HttpRequest& req) {
  const json j = json::parse(req.body(), nullptr, false);
  if (j.is_discarded()) return bad("request body is not valid JSON");
  if (!j.is_object()) return bad("request body must be a JSON object");
  return j;
}

Result<std::string> string_field(const json& j, const char* name, bool required,
                                 std::size_t max_len = 200) {
  if (!j.contains(name)) {
    if (required) return bad(std::string("field '") + name + "' is required");
    return std::string();
  }
  if (!j[name].is_string()) return bad(std::string("field '") + name + "' must be a string");
  auto s = j[name].get<std::string>();
  if (s.size() > max_len) {
    return bad(std::string("field '") + name + "' must have at most " + std::to_string(max_len) +
               " characters");
  }
  return s;
}

std::vector<std::string> split_path(std::string_view target) {
  const auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

Result<std::uint64_t> uint_param(std::string_view target, const std::string& name,
                                 std::uint64_t fallback, std::uint64_t max) {
  const std::string text = query_param(target, name);
  if (text.empty()) return fallback;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v > max) {
    return bad("query parameter '" + name + "' must be a whole number from 0 to " +
               std::to_string(max));
  }
  return v;
}

std::string cookie_value(const HttpRequest& req, const std::string& name) {
  const auto it = req.find(http::field::cookie);
  if (it == req.end()) return {};
  std::string_view all = it->value();
  while (!all.empty()) {
    const auto semi = all.find(';');
    std::string_view part = all.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    all = all.substr(semi + 1);
  }
  return {};
}

bool has_role(const Caller& c, std::initializer_list<Role> roles) {
  for (Role r : roles) {
    if (c.user.role == r) return true;
  }
  return false;
}

Error forbidden(const Caller& c, const std::string& what) {
  return make_error(ErrorCode::forbidden,
                    std::string("role '") + to_string(c.user.role) + "' may not " + what);
}

std::string action_of(http::verb method) {
  switch (method) {
    case http::verb::get:
      return "read";
    case http::verb::post:
      return "create";
    case http::verb::patch:
    case http::verb::put:
      return "update";
    case http::verb::delete_:
      return "delete";
    default:
      return "other";
  }
}

// One request in flight: everything a route needs.
struct Call {
  ApiContext& ctx;
  const HttpRequest& req;
  const std::string& remote;
  std::vector<std::string> parts;  // "api", "sessions", "{id}", ...
  std::optional<Caller> caller;
};

Result<HttpResponse> login(Call& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto username = string_field(*body, "username", true, 100);
  if (!username.ok()) return username.error();
  auto password = string_field(*body, "password", true, 1024);
  if (!password.ok()) return password.error();

  const auto now = LoginThrottle::Clock::now();
  const std::string user_key = "user:" + *username;
  const std::string addr_key = "addr:" + c.remote;
  const std::int64_t wait = std::max(c.ctx.throttle.retry_after(user_key, now),
                                     c.ctx.throttle.retry_after(addr_key, now));
  if (wait > 0) {
    audit(c.ctx, "", "login", "/api/login", "denied", "throttled: " + *username, c.remote);
    HttpResponse res =
        error_response(c.req, http::status::too_many_requests,
                       make_error(ErrorCode::unavailable, "too many failed logins; try again in " +
                                                              std::to_string(wait) + " s"));
    res.set(http::field::retry_after, std::to_string(wait));
    return res;
  }

  auto user = c.ctx.store.find_user_by_name(*username);
  if (!user.ok() && user.error().code != ErrorCode::not_found) return user.error();
  bool ok = false;
  if (user.ok()) {
    ok = verify_password(user->password_hash, *password) && !user->disabled;
  } else {
    verify_password_decoy(*password);
  }
  if (!ok) {
    c.ctx.throttle.record_failure(user_key, now);
    c.ctx.throttle.record_failure(addr_key, now);
    audit(c.ctx, user.ok() ? user->id : "", "login", "/api/login", "denied",
          "bad credentials for '" + *username + "'", c.remote);
    return make_error(ErrorCode::unauthorized, "wrong username or password");
  }
  c.ctx.throttle.record_success(user_key);

  const std::string token = new_secret(32);
  const std::int64_t now_us = wall_time_us();
  const TokenRecord record{token_hash(token), user->id, now_us,
                           now_us + c.ctx.config.token_ttl_s * 1'000'000};
  MV_TRY(c.ctx.store.put_token(record));
  audit(c.ctx, user->id, "login", "/api/login", "ok", "", c.remote);

  HttpResponse res = json_response(
      c.req, http::status::ok,
      {{"token", token}, {"expires_at", iso8601(record.expires_us)}, {"user", user_json(*user)}});
  std::string cookie =
      std::string(kCookie) + "=" + token +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(c.ctx.config.token_ttl_s);
  if (c.ctx.config.tls()) cookie += "; Secure";
  res.set(http::field::set_cookie, cookie);
  return res;
}

Result<HttpResponse> logout(Call& c) {
  MV_TRY(c.ctx.store.delete_token(c.caller->token_hash));
  HttpResponse res = no_content(c.req);
  res.set(http::field::set_cookie,
          std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return res;
}

Result<HttpResponse> create_user(Call& c) {
  if (!has_role(*c.caller, {Role::admin})) return forbidden(*c.caller, "create users");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto username = string_field(*body, "username", true, 64);
  if (!username.ok()) return username.error();
  if (username->empty() ||
      username->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    return bad("username must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
  }
  auto password = string_field(*body, "password", true, 1024);
  if (!password.ok()) return password.error();
  MV_TRY(check_password_policy(*password));
  auto role_text = string_field(*body, "role", true, 20);
  if (!role_text.ok()) return role_text.error();
  const auto role = parse_role(*role_text);
  if (!role)
    return bad("role must be one of trainee, instructor, clinician, patient, admin; got '" +
               *role_text + "'");
  auto display = string_field(*body, "display_name", false);
  if (!display.ok()) return display.error();

  auto hash = hash_password(*password);
  if (!hash.ok()) return hash.error();
  UserRecord u;
  u.id = new_id("usr_");
  u.username = *username;
  u.display_name = display->empty() ? *username : *display;
  u.role = *role;
  u.password_hash = *hash;
  u.created_us = wall_time_us();
  MV_TRY(c.ctx.store.create_user(u));
  return json_response(c.req, http::status::created, user_json(u));
}

Result<HttpResponse> update_user(Call& c, const std::string& id) {
  const bool admin = has_role(*c.caller, {Role::admin});
  if (!admin && c.caller->user.id != id) return forbidden(*c.caller, "change other users");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto user = c.ctx.store.find_user_by_id(id);
  if (!user.ok()) return user.error();
  for (const auto& [key, value] : body->items()) {
    if (key != "password" && !admin) return forbidden(*c.caller, "change '" + key + "'");
    if (key == "password") {
      auto password = string_field(*body, "password", true, 1024);
      if (!password.ok()) return password.error();
      MV_TRY(check_password_policy(*password));
      auto hash = hash_password(*password);
      if (!hash.ok()) return hash.error();
      user->password_hash = *hash;
      user->must_change_password = false;
    } else if (key == "role") {
      const auto role = value.is_string() ? parse_role(value.get<std::string>()) : std::nullopt;
      if (!role) return bad("role must be one of trainee, instructor, clinician, patient, admin");
      user->role = *role;
    } else if (key == "display_name") {
      auto name = string_field(*body, "display_name", true);
      if (!name.ok()) return name.error();
      user->display_name = *name;
    } else if (key == "disabled") {
      if (!value.is_boolean()) return bad("field 'disabled' must be true or false");
      user->disabled = value.get<bool>();
    } else {
      return bad("unknown field '" + key + "'; allowed: role, display_name, disabled, password");
    }
  }
  MV_TRY(c.ctx.store.update_user(*user));
  // A changed password or a disabled account ends the user's other logins.
  if (body->contains("password") || user->disabled) MV_TRY(c.ctx.store.delete_tokens_of_user(id));
  return json_response(c.req, http::status::ok, user_json(*user));
}

Result<HttpResponse> users_route(Call& c) {
  const auto& p = c.parts;
  const auto method = c.req.method();
  if (p.size() == 2 && method == http::verb::get) {
    if (!has_role(*c.caller, {Role::admin})) return forbidden(*c.caller, "list users");
    auto users = c.ctx.store.list_users();
    if (!users.ok()) return users.error();
    json out = json::array();
    for (const auto& u : *users) out.push_back(user_json(u));
    return json_response(c.req, http::status::ok, out);
  }
  if (p.size() == 2 && method == http::verb::post) return create_user(c);
  if (p.size() == 3 && method == http::verb::get) {
    if (!has_role(*c.caller, {Role::admin}) && c.caller->user.id != p[2])
      return forbidden(*c.caller, "read other users");
    auto user = c.ctx.store.find_user_by_id(p[2]);
    if (!user.ok()) return user.error();
    return json_response(c.req, http::status::ok, user_json(*user));
  }
  if (p.size() == 3 && method == http::verb::patch) return update_user(c, p[2]);
  return make_error(ErrorCode::not_found, "no such route: " + std::string(c.req.method_string()) +
                                              " " + std::string(c.req.target()));
}

// The user called `username`, who must be an instructor to teach a session;
// `where` prefixes the error (the request field it came from).
Result<UserRecord> instructor_named(ApiContext& ctx, const std::string& username,
                                    const std::string& where) {
  auto user = ctx.store.find_user_by_name(username);
  if (!user.ok()) return bad(where + "no user '" + username + "'");
  if (user->role != Role::instructor) return bad(where + user->username + " is not an instructor");
  return user;
}

Result<HttpResponse> create_session(Call& c) {
  if (!has_role(*c.caller, {Role::trainee, Role::instructor, Role::clinician, Role::admin})) {
    return forbidden(*c.caller, "create sessions");
  }
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto title = string_field(*body, "title", true);
  if (!title.ok()) return title.error();
  if (title->empty()) return bad("field 'title' must not be empty");
  auto kind = string_field(*body, "kind", false, 80);
  if (!kind.ok()) return kind.error();
  if (kind->empty()) *kind = "sandbox";
  auto variant = string_field(*body, "variant", false, 80);
  if (!variant.ok()) return variant.error();
  if (kind->find(':') != std::string::npos) {
    if (!variant->empty())
      return bad("give the variant either in 'kind' (KIND:VARIANT) or in 'variant', not both");
    std::tie(*kind, *variant) = modules::split_kind(*kind);
  }
  if (*kind == "sandbox") {
    if (!variant->empty()) return bad("the sandbox has no variants");
  } else {
    const modules::ScenarioListing listing = modules::list_scenarios(c.ctx.config.content_root);
    const auto entry =
        std::find_if(listing.scenarios.begin(), listing.scenarios.end(),
                     [&](const modules::ScenarioEntry& e) { return e.kind == *kind; });
    if (entry == listing.scenarios.end()) {
      std::string known = "sandbox";
      for (const auto& e : listing.scenarios) known += ", " + e.kind;
      return bad("field 'kind': no scenario '" + *kind + "'; this server runs " + known);
    }
    if (!variant->empty() && entry->def->find_variant(*variant) == nullptr) {
      std::string known;
      for (const auto& v : entry->def->variants) known += (known.empty() ? "" : ", ") + v.name;
      return bad("field 'variant': scenario " + *kind + " has no variant '" + *variant + "'" +
                 (known.empty() ? std::string(" (it has none)") : "; it has " + known));
    }
  }
  // Instructors named in the request must exist and be instructors.
  std::vector<UserRecord> teachers;
  if (c.caller->user.role == Role::instructor) teachers.push_back(c.caller->user);
  if (body->contains("instructors")) {
    const json& names = (*body)["instructors"];
    if (!names.is_array() || names.size() > 20)
      return bad("field 'instructors' must be a list of at most 20 usernames");
    for (const auto& n : names) {
      if (!n.is_string()) return bad("field 'instructors' must hold usernames (strings)");
      auto user = instructor_named(c.ctx, n.get<std::string>(), "field 'instructors': ");
      if (!user.ok()) return user.error();
      teachers.push_back(*user);
    }
  }
  std::uint64_t seed = 0;
  if (body->contains("seed")) {
    if (!(*body)["seed"].is_number_unsigned())
      return bad("field 'seed' must be a whole number >= 0");
    seed = (*body)["seed"].get<std::uint64_t>();
  } else {
    const auto secret = new_secret(8);
    seed = std::stoull(secret.substr(0, 15), nullptr, 16);
  }
  SessionRecord s;
  s.id = new_id("ses_");
  s.title = *title;
  s.kind = variant->empty() ? *kind : *kind + ":" + *variant;
  s.created_by = c.caller->user.id;
  s.seed = seed;
  s.created_us = wall_time_us();
  MV_TRY(c.ctx.store.create_session(s));
  for (const auto& t : teachers)
    MV_TRY(c.ctx.store.add_session_instructor(s.id, t.id, s.created_us));
  auto live = c.ctx.hub.start(s);
  if (!live.ok()) {
    // The record exists already: close it so it does not stay "running".
    (void)c.ctx.store.end_session(s.id, SessionStatus::ended_abnormally, wall_time_us());
    return live.error();
  }
  return json_response(c.req, http::status::created, session_json(s));
}

// The stored report.json of a session, if it has one.
Result<std::optional<ArtifactRecord>> find_report(ApiContext& ctx, const std::string& session_id,
                                                  const std::string& name) {
  auto artifacts = ctx.store.list_artifacts(session_id);
  if (!artifacts.ok()) return artifacts.error();
  for (const auto& a : *artifacts) {
    if (a.kind != "report" || a.name != name) continue;
    auto full = ctx.store.get_artifact(a.id);
    if (!full.ok()) return full.error();
    return std::optional<ArtifactRecord>(std::move(*full));
  }
  return std::optional<ArtifactRecord>();
}

// Whether the user joined the session: the live participant list while it
// runs, the report's participants once it has ended.
bool took_part(ApiContext& ctx, const SessionRecord& s, const std::string& user_id) {
  if (auto live = ctx.hub.find(s.id)) {
    for (const auto& p : live->participants()) {
      if (p.user_id == user_id) return true;
    }
    return false;
  }
  auto report = find_report(ctx, s.id, "report.json");
  if (!report.ok() || !*report) return false;
  const json j = json::parse((*report)->data, nullptr, false);
  if (!j.is_object() || !j.contains("session")) return false;
  for (const auto& p : j["session"].value("participants", json::array())) {
    if (p.is_object() && p.value("user_id", std::string()) == user_id) return true;
  }
  return false;
}

bool may_read_events(ApiContext& ctx, const Caller& c, const SessionRecord& s) {
  return s.created_by == c.user.id ||
         has_role(c, {Role::instructor, Role::clinician, Role::admin}) ||
         took_part(ctx, s, c.user.id);
}

Status require_instructor_of(Call& c, const SessionRecord& s, const std::string& what) {
  auto allowed = may_instruct(c.ctx, s.id, c.caller->user);
  if (!allowed.ok()) return allowed.error();
  if (!*allowed) {
    return make_error(
        ErrorCode::forbidden,
        c.caller->user.role == Role::instructor
            ? "you do not teach session " + s.id + ", so you may not " + what
            : std::string("role '") + to_string(c.caller->user.role) + "' may not " + what);
  }
  return {};
}

Result<HttpResponse> session_events(Call& c, const SessionRecord& s) {
  if (c.req.method() == http::verb::get) {
    if (!may_read_events(c.ctx, *c.caller, s))
      return forbidden(*c.caller, "read this session's events");
    auto after = uint_param(c.req.target(), "after", 0, UINT64_MAX);
    if (!after.ok()) return after.error();
    auto limit = uint_param(c.req.target(), "limit", 1000, 10000);
    if (!limit.ok()) return limit.error();
    auto events = c.ctx.store.list_events(s.id, *after, *limit);
    if (!events.ok()) return events.error();
    json out = json::array();
    for (const auto& e : *events) {
      json payload = json::parse(e.payload, nullptr, false);
      if (payload.is_discarded()) payload = e.payload;
      out.push_back(json{{"seq", e.seq},
                         {"tick", e.tick},
                         {"wall_time", iso8601(e.wall_us)},
                         {"type", e.type},
                         {"payload", payload}});
    }
    return json_response(c.req, http::status::ok, out);
  }
  if (c.req.method() == http::verb::post) {
    if (auto allowed = require_instructor_of(c, s, "add observations to it"); !allowed.ok())
      return allowed.error();
    auto body = json_body(c.req);
    if (!body.ok()) return body.error();
    auto type = string_field(*body, "type", true, 40);
    if (!type.ok()) return type.error();
    if (*type != "observation") return bad("field 'type' must be 'observation'");
    auto text = string_field(*body, "text", true, 4000);
    if (!text.ok()) return text.error();
    auto live = c.ctx.hub.find(s.id);
    if (!live) return make_error(ErrorCode::conflict, "session " + s.id + " is not running");
    auto seq = live->record("observation", json{{"text", *text}, {"by", c.caller->user.id}}.dump());
    if (!seq.ok()) return seq.error();
    return json_response(c.req, http::status::created, {{"seq", *seq}});
  }
  return make_error(ErrorCode::not_found, "no such route");
}

Result<HttpResponse> session_control(Call& c, const SessionRecord& s) {
  if (auto allowed = require_instructor_of(c, s, "steer it"); !allowed.ok()) return allowed.error();
  auto control = wire::parse_control_request(c.req.body());
  if (!control.ok()) return control.error();
  if (control->control == "observation")
    return bad("send observations to POST /api/sessions/{id}/events");
  auto live = c.ctx.hub.find(s.id);
  if (!live) return make_error(ErrorCode::conflict, "session " + s.id + " is not running");
  MV_TRY(live->control(*control, c.caller->user.id));
  return json_response(c.req, http::status::accepted, {{"accepted", true}});
}

Result<HttpResponse> session_instructors(Call& c, const SessionRecord& s) {
  if (c.req.method() == http::verb::post) {
    if (auto allowed = require_instructor_of(c, s, "add instructors to it"); !allowed.ok())
      return allowed.error();
    auto body = json_body(c.req);
    if (!body.ok()) return body.error();
    auto name = string_field(*body, "username", true, 100);
    if (!name.ok()) return name.error();
    auto user = instructor_named(c.ctx, *name, "");
    if (!user.ok()) return user.error();
    MV_TRY(c.ctx.store.add_session_instructor(s.id, user->id, wall_time_us()));
  } else if (c.req.method() != http::verb::get) {
    return make_error(ErrorCode::not_found, "no such route");
  }
  auto ids = c.ctx.store.list_session_instructors(s.id);
  if (!ids.ok()) return ids.error();
  json out = json::array();
  for (const auto& id : *ids) {
    auto user = c.ctx.store.find_user_by_id(id);
    if (user.ok()) out.push_back(user->username);
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> session_report(Call& c, const SessionRecord& s, const std::string& name) {
  if (!may_read_events(c.ctx, *c.caller, s))
    return forbidden(*c.caller, "read this session's report");
  auto report = find_report(c.ctx, s.id, name);
  if (!report.ok()) return report.error();
  if (!*report) {
    return make_error(
        ErrorCode::not_found,
        s.status == SessionStatus::running
            ? "session " + s.id + " is still running; its report is written when it ends"
            : "session " + s.id + " has no report (only scenario sessions are scored)");
  }
  HttpResponse res{http::status::ok, c.req.version()};
  res.set(http::field::content_type, (*report)->media_type);
  res.set(http::field::cache_control, "no-store");
  // The page is self-contained: no scripts, inline styles and SVG only.
  if (name == "report.html")
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  res.keep_alive(c.req.keep_alive());
  res.body() = (*report)->data;
  res.prepare_payload();
  return res;
}

json scenario_json(const modules::ScenarioEntry& e) {
  json variants = json::array(), roles = json::array(), cues = json::array();
  for (const auto& v : e.def->variants)
    variants.push_back({{"name", v.name}, {"title", v.title}, {"description", v.description}});
  for (const auto& r : e.def->roles) {
    roles.push_back(
        {{"name", r.name}, {"description", r.description}, {"min", r.min}, {"max", r.max}});
  }
  for (const auto& q : e.def->cues)
    cues.push_back({{"name", q.name}, {"description", q.description}});
  return {{"kind", e.kind},
          {"module", e.def->module},
          {"id", e.def->id},
          {"title", e.def->title},
          {"description", e.def->description},
          {"variants", variants},
          {"roles", roles},
          {"cues", cues},
          {"actions", e.actions}};
}

Result<HttpResponse> scenarios_route(Call& c) {
  const modules::ScenarioListing listing = modules::list_scenarios(c.ctx.config.content_root);
  for (const auto& error : listing.errors) spdlog::warn("scenario not offered: {}", error);
  json out = json::array();
  for (const auto& e : listing.scenarios) out.push_back(scenario_json(e));
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> sessions_route(Call& c) {
  const auto& p = c.parts;
  const auto method = c.req.method();
  if (p.size() == 2 && method == http::verb::get) {
    auto sessions = c.ctx.store.list_sessions();
    if (!sessions.ok()) return sessions.error();
    json out = json::array();
    for (const auto& s : *sessions) out.push_back(session_json(s));
    return json_response(c.req, http::status::ok, out);
  }
  if (p.size() == 2 && method == http::verb::post) return create_session(c);
  if (p.size() < 3) return make_error(ErrorCode::not_found, "no such route");

  auto session = c.ctx.store.get_session(p[2]);
  if (!session.ok()) return session.error();
  if (p.size() == 3 && method == http::verb::get) {
    json out = session_json(*session);
    if (auto live = c.ctx.hub.find(session->id)) {
      json people = json::array();
      for (const auto& pi : live->participants()) {
        people.push_back(json{{"number", pi.number},
                              {"username", pi.username},
                              {"role", pi.role},
                              {"present", pi.present}});
      }
      out["participants"] = people;
      out["tick"] = live->tick();
    }
    return json_response(c.req, http::status::ok, out);
  }
  if (p.size() == 4 && p[3] == "join" && method == http::verb::post) {
    if (session->status != SessionStatus::running || !c.ctx.hub.find(session->id)) {
      return make_error(ErrorCode::conflict,
                        "session " + session->id + " has ended and cannot be joined");
    }
    return json_response(c.req, http::status::ok, {{"websocket", "/ws?session=" + session->id}});
  }
  if (p.size() == 4 && p[3] == "end" && method == http::verb::post) {
    if (session->created_by != c.caller->user.id &&
        !has_role(*c.caller, {Role::instructor, Role::admin})) {
      return forbidden(*c.caller, "end a session someone else started");
    }
    MV_TRY(c.ctx.hub.end(session->id, "ended by " + c.caller->user.username));
    auto ended = c.ctx.store.get_session(session->id);
    if (!ended.ok()) return ended.error();
    return json_response(c.req, http::status::ok, session_json(*ended));
  }
  if (p.size() == 4 && p[3] == "events") return session_events(c, *session);
  if (p.size() == 4 && p[3] == "control" && method == http::verb::post)
    return session_control(c, *session);
  if (p.size() == 4 && p[3] == "instructors") return session_instructors(c, *session);
  if (p.size() == 4 && (p[3] == "report" || p[3] == "report.html") && method == http::verb::get) {
    return session_report(c, *session, p[3] == "report" ? "report.json" : "report.html");
  }
  return make_error(ErrorCode::not_found, "no such route: " + std::string(c.req.method_string()) +
                                              " " + std::string(c.req.target()));
}

Result<HttpResponse> audit_route(Call& c) {
  if (!has_role(*c.caller, {Role::admin})) return forbidden(*c.caller, "read the audit log");
  auto after = uint_param(c.req.target(), "after", 0, INT64_MAX);
  if (!after.ok()) return after.error();
  auto limit = uint_param(c.req.target(), "limit", 1000, 10000);
  if (!limit.ok()) return limit.error();
  auto entries = c.ctx.store.list_audit(static_cast<std::int64_t>(*after), *limit);
  if (!entries.ok()) return entries.error();
  json out = json::array();
  for (const auto& a : *entries) {
    out.push_back(json{{"id", a.id},
                       {"at", iso8601(a.at_us)},
                       {"actor", a.actor},
                       {"action", a.action},
                       {"resource", a.resource},
                       {"outcome", a.outcome},
                       {"detail", a.detail},
                       {"remote", a.remote}});
  }
  return json_response(c.req, http::status::ok, out);
}

Result<HttpResponse> route_authenticated(Call& c) {
  const auto& p = c.parts;
  if (p.size() == 2 && p[1] == "logout" && c.req.method() == http::verb::post) return logout(c);
  if (p.size() == 2 && p[1] == "me" && c.req.method() == http::verb::get) {
    return json_response(c.req, http::status::ok, user_json(c.caller->user));
  }
  if (is_library_route(p)) return route_library(c.ctx, *c.caller, c.req, p, c.remote);
  if (p[1] == "users") return users_route(c);
  if (p[1] == "sessions") return sessions_route(c);
  if (p.size() == 2 && p[1] == "scenarios" && c.req.method() == http::verb::get)
    return scenarios_route(c);
  if (p.size() == 2 && p[1] == "audit" && c.req.method() == http::verb::get) return audit_route(c);
  return make_error(ErrorCode::not_found, "no such route: " + std::string(c.req.method_string()) +
                                              " " + std::string(c.req.target()));
}

}  // namespace

std::string query_param(std::string_view target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return {};
}

http::status status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input:
      return http::status::bad_request;
    case ErrorCode::not_found:
      return http::status::not_found;
    case ErrorCode::conflict:
      return http::status::conflict;
    case ErrorCode::unauthorized:
      return http::status::unauthorized;
    case ErrorCode::forbidden:
      return http::status::forbidden;
    case ErrorCode::unavailable:
      return http::status::service_unavailable;
    case ErrorCode::internal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

HttpResponse error_response(const HttpRequest& req, http::status status, const Error& error) {
  HttpResponse res =
      json_response(req, status, {{"error", error.message}, {"code", to_string(error.code)}});
  if (status == http::status::unauthorized) res.set(http::field::www_authenticate, "Bearer");
  return res;
}

void audit(ApiContext& ctx, const std::string& actor, const std::string& action,
           const std::string& resource, const std::string& outcome, const std::string& detail,
           const std::string& remote) {
  const Status s = ctx.store.append_audit(
      AuditEntry{0, wall_time_us(), actor, action, resource, outcome, detail, remote});
  if (!s.ok())
    spdlog::error("audit entry not written ({} {} by '{}'): {}", action, resource, actor,
                  s.error().message);
}

Result<bool> may_instruct(ApiContext& ctx, const std::string& session_id, const UserRecord& user) {
  if (user.role == Role::admin) return true;
  if (user.role != Role::instructor) return false;
  return ctx.store.is_session_instructor(session_id, user.id);
}

Result<Caller> authenticate(ApiContext& ctx, const HttpRequest& req) {
  std::string token;
  const auto auth = req.find(http::field::authorization);
  if (auth != req.end()) {
    const std::string_view v = auth->value();
    if (v.size() > 7 && v.substr(0, 7) == "Bearer ") token = std::string(v.substr(7));
  }
  if (token.empty()) token = cookie_value(req, kCookie);
  if (token.empty()) return make_error(ErrorCode::unauthorized, "log in first: no token was sent");
  auto record = ctx.store.find_token(token_hash(token));
  if (!record.ok()) {
    if (record.error().code == ErrorCode::not_found) {
      return make_error(ErrorCode::unauthorized, "the login token is not valid; log in again");
    }
    return record.error();
  }
  if (record->expires_us <= wall_time_us()) {
    (void)ctx.store.delete_token(record->token_hash);
    return make_error(ErrorCode::unauthorized, "the login has expired; log in again");
  }
  auto user = ctx.store.find_user_by_id(record->user_id);
  if (!user.ok()) return make_error(ErrorCode::unauthorized, "the login's user no longer exists");
  if (user->disabled) return make_error(ErrorCode::unauthorized, "this account is disabled");
  return Caller{std::move(*user), record->token_hash};
}

HttpResponse handle_api(ApiContext& ctx, const HttpRequest& req, const std::string& remote) {
  Call c{ctx, req, remote, split_path(req.target()), std::nullopt};
  const auto& p = c.parts;
  try {
    if (p.size() == 2 && p[1] == "health" && req.method() == http::verb::get) {
      auto version = ctx.store.schema_version();
      if (!version.ok()) {
        return error_response(req, http::status::service_unavailable, version.error());
      }
      return json_response(req, http::status::ok,
                           {{"status", "ok"}, {"store", ctx.store.backend_name()}});
    }
    if (p.size() == 2 && p[1] == "version" && req.method() == http::verb::get) {
      return json_response(
          req, http::status::ok,
          {{"name", "medvision"}, {"version", MEDVISION_VERSION}, {"protocol", wire::kVersion}});
    }
    if (p.size() == 2 && p[1] == "login" && req.method() == http::verb::post) {
      auto res = login(c);
      return res.ok() ? std::move(*res)
                      : error_response(req, status_of(res.error().code), res.error());
    }

    auto caller = authenticate(ctx, req);
    const std::string resource(req.target().substr(0, req.target().find('?')));
    if (!caller.ok()) {
      audit(ctx, "", action_of(req.method()), resource, "denied", caller.error().message, remote);
      return error_response(req, status_of(caller.error().code), caller.error());
    }
    c.caller = std::move(*caller);
    auto res = p.size() >= 2
                   ? route_authenticated(c)
                   : Result<HttpResponse>(make_error(ErrorCode::not_found, "no such route"));
    if (!res.ok()) {
      const auto code = res.error().code;
      audit(ctx, c.caller->user.id, action_of(req.method()), resource,
            code == ErrorCode::forbidden ? "denied" : "error", res.error().message, remote);
      return error_response(req, status_of(code), res.error());
    }
    audit(ctx, c.caller->user.id, action_of(req.method()), resource, "ok", "", remote);
    return std::move(*res);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", std::string(req.method_string()), std::string(req.target()),
                  e.what());
    return error_response(
        req, http::status::internal_server_error,
        make_error(ErrorCode::internal, "internal error; the server log has details"));
  }
}

}  // namespace medvision
