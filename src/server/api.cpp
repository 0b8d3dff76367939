#include "server/api.h"

#include <spdlog/spdlog.h>

#include <boost/beast/version.hpp>
#include <charconv>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "server/route_table.h"

namespace medvision {
namespace {

using nlohmann::json;

constexpr const char* kCookie = "mv_token";

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

bool changes_state(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

// "scheme://host[:port]" of an Origin or Referer value; "" if it has none.
std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto host_end = url.find('/', scheme_end + 3);
  return std::string(url.substr(0, host_end));
}

// A path segment matches a pattern segment literally, or a {name} captures it.
bool match_segments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                    std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (path[i].empty()) return false;
      found[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::vector<std::string> split_path(std::string_view path) {
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

// A request path the router will look at: printable ASCII only. Anything
// else is refused before any echo or lookup.
bool plain_path(std::string_view path) {
  for (const char ch : path) {
    if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7F ||
        ch == '\\')
      return false;
  }
  return true;
}

struct CompiledRoute {
  const Route* route;
  std::vector<std::string> segments;
};

const std::vector<CompiledRoute>& compiled_routes() {
  static const std::vector<CompiledRoute> compiled = [] {
    std::vector<CompiledRoute> out;
    for (const Route& r : route_table()) out.push_back({&r, split_path(r.pattern)});
    return out;
  }();
  return compiled;
}

HttpResponse refuse(const HttpRequest& req, const Error& e) {
  return error_response(req, status_of(e.code), e);
}

// The membership rule of a route, checked for the caller. Fills the call's
// session/member or patient.
Status check_membership(const Route& route, RouteCall& call) {
  if (route.membership == Membership::none) return {};
  const std::string& id = call.param("id");
  const UserRecord& user = call.user();
  if (route.membership == Membership::session_member) {
    auto session = call.ctx.store.get_session(id);
    if (!session.ok()) return session.error();
    call.session = std::move(*session);
    auto member = membership(call.ctx, id, user.id);
    if (!member.ok()) return member.error();
    if (*member) call.member = **member;
    if (!call.member && user.role != Role::admin) {
      return make_error(ErrorCode::forbidden,
                        "you are not a member of session " + id +
                            "; ask its creator or an instructor for an invitation");
    }
    return {};
  }
  auto patient = call.ctx.store.get_patient(id);
  if (!patient.ok()) return patient.error();
  auto allowed = may_see_patient(call.ctx, id, user);
  if (!allowed.ok()) return allowed.error();
  if (!*allowed) {
    return make_error(ErrorCode::forbidden,
                      "you are not on the care team of patient " + id +
                          "; ask the care team or an admin, or request emergency access");
  }
  // A read of patient data whose audit row cannot be written is refused.
  const Status audited = call.ctx.store.append_audit(AuditEntry{
      0, wall_time_us(), user.id, "access_patient_record", "/api/patients/" + id, "ok",
      std::string(http::to_string(call.req.method())) + " " + route.pattern, call.remote});
  if (!audited.ok()) {
    return make_error(ErrorCode::unavailable,
                      "patient data is not shown while the audit log cannot be written");
  }
  call.patient = std::move(*patient);
  return {};
}

// Origin and content type of a cookie-authenticated state-changing request.
Status check_cross_site(const ApiContext& ctx, const Route& route, const HttpRequest& req,
                        const Caller& caller) {
  if (!changes_state(req.method()) || caller.credential != Credential::cookie) return {};
  MV_TRY(check_origin(ctx, req));
  const auto type_it = req.find(http::field::content_type);
  const std::string_view type =
      type_it == req.end() ? std::string_view() : std::string_view(type_it->value());
  const std::string_view base = type.substr(0, type.find(';'));
  if (!req.body().empty() || type_it != req.end()) {
    if (base != route.content_type) {
      return make_error(ErrorCode::forbidden, "this request must be sent as " + route.content_type +
                                                  " (a page of another site cannot)");
    }
  }
  return {};
}

Result<HttpResponse> dispatch(ApiContext& ctx, const HttpRequest& req, const std::string& remote) {
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (!plain_path(target)) {
    return make_error(ErrorCode::invalid_input,
                      "the request target holds bytes that are not allowed in a URL");
  }
  std::map<std::string, std::string> params;
  bool path_matched = false;
  const Route* route = match_route(req.method(), path, params, &path_matched);
  const std::string resource(path);
  if (route == nullptr) {
    // Unauthenticated probes are counted, not audited row by row.
    auto caller = authenticate(ctx, req);
    if (!caller.ok()) {
      if (ctx.refusals) ctx.refusals->count(remote, resource);
      return caller.error();
    }
    return make_error(ErrorCode::not_found,
                      path_matched ? "this route does not take that method" : "no such route");
  }
  RouteCall call{ctx,          req,          remote,       std::move(params),
                 std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  if (route->anonymous) return route->handler(call);

  auto caller = authenticate(ctx, req);
  if (!caller.ok()) {
    if (ctx.refusals) ctx.refusals->count(remote, resource);
    return caller.error();
  }
  call.caller = std::move(*caller);
  const UserRecord& user = call.user();
  const auto deny = [&](const Error& e) -> Result<HttpResponse> {
    audit(ctx, user.id, action_of(req.method()), resource, "denied", e.message, remote);
    return e;
  };
  if (call.caller->token_kind != TokenKind::user) {
    return deny(
        make_error(ErrorCode::forbidden, "a device token may only use its patient's routes"));
  }
  if (user.must_change_password && !route->before_password_change) {
    return deny(make_error(ErrorCode::forbidden,
                           "change your password first (POST /api/me/password): the one you "
                           "logged in with was generated by the server"));
  }
  if (!route->roles.empty() &&
      std::find(route->roles.begin(), route->roles.end(), user.role) == route->roles.end()) {
    return deny(
        forbidden_role(user, std::string(http::to_string(req.method())) + " " + route->pattern));
  }
  if (auto cross = check_cross_site(ctx, *route, req, *call.caller); !cross.ok())
    return deny(cross.error());
  if (auto member = check_membership(*route, call); !member.ok()) {
    if (member.error().code == ErrorCode::forbidden) return deny(member.error());
    return member.error();
  }
  auto res = route->handler(call);
  if (!res.ok()) {
    const auto code = res.error().code;
    audit(ctx, user.id, action_of(req.method()), resource,
          code == ErrorCode::forbidden ? "denied" : "error", res.error().message, remote);
    return res;
  }
  audit(ctx, user.id, action_of(req.method()), resource, "ok", "", remote);
  return res;
}

}  // namespace

const char* to_string(Membership m) {
  switch (m) {
    case Membership::none:
      return "none";
    case Membership::session_member:
      return "session member";
    case Membership::care_team:
      return "care team";
  }
  return "none";
}

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

HttpResponse json_response(const HttpRequest& req, http::status status, const json& body) {
  HttpResponse res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

Route make_route(std::string family, http::verb method, std::string pattern,
                 std::vector<Role> roles, Membership membership, std::string summary,
                 RouteHandler handler) {
  Route r;
  r.family = std::move(family);
  r.method = method;
  r.pattern = std::move(pattern);
  r.roles = std::move(roles);
  r.membership = membership;
  r.summary = std::move(summary);
  r.handler = std::move(handler);
  return r;
}

HttpResponse no_content(const HttpRequest& req) {
  HttpResponse res{http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  return res;
}

Error bad_request(const std::string& message) {
  return make_error(ErrorCode::invalid_input, message);
}

Error forbidden_role(const UserRecord& user, const std::string& what) {
  return make_error(ErrorCode::forbidden,
                    std::string("role '") + to_string(user.role) + "' may not " + what);
}

bool has_role(const UserRecord& user, std::initializer_list<Role> roles) {
  for (Role r : roles) {
    if (user.role == r) return true;
  }
  return false;
}

Result<json> json_body(const HttpRequest& req) {
  const json j = json::parse(req.body(), nullptr, false);
  if (j.is_discarded()) return bad_request("request body is not valid JSON");
  if (!j.is_object()) return bad_request("request body must be a JSON object");
  return j;
}

Result<std::string> string_field(const json& j, const char* name, bool required,
                                 std::size_t max_len) {
  if (!j.contains(name)) {
    if (required) return bad_request(std::string("field '") + name + "' is required");
    return std::string();
  }
  if (!j[name].is_string())
    return bad_request(std::string("field '") + name + "' must be a string");
  auto s = j[name].get<std::string>();
  if (s.size() > max_len) {
    return bad_request(std::string("field '") + name + "' must have at most " +
                       std::to_string(max_len) + " characters");
  }
  return s;
}

Result<std::uint64_t> uint_param(std::string_view target, const std::string& name,
                                 std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  const std::string text = query_param(target, name);
  if (text.empty()) return fallback;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return bad_request("query parameter '" + name + "' must be a whole number from " +
                       std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

json user_json(const UserRecord& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", to_string(u.role)},
          {"disabled", u.disabled},
          {"must_change_password", u.must_change_password},
          {"created_at", iso8601(u.created_us)}};
}

const std::vector<Route>& route_table() {
  static const std::vector<Route> table = [] {
    std::vector<Route> t;
    add_user_routes(t);
    add_session_routes(t);
    add_scenario_routes(t);
    add_library_routes(t);
    add_care_routes(t);
    add_audit_routes(t);
    return t;
  }();
  return table;
}

std::string route_table_markdown() {
  std::string out;
  std::string family;
  for (const Route& r : route_table()) {
    if (r.family != family) {
      family = r.family;
      out += "\n### " + family + "\n\n";
      out += "| method and path | who | membership | what |\n| --- | --- | --- | --- |\n";
    }
    std::string who;
    if (r.anonymous) {
      who = "anyone";
    } else if (r.roles.empty()) {
      who = "logged in";
    } else {
      for (Role role : r.roles) who += (who.empty() ? "" : ", ") + std::string(to_string(role));
    }
    std::string summary;
    for (const char ch : r.summary) {
      if (ch == '|') summary += '\\';
      summary += ch;
    }
    out += "| `" + std::string(http::to_string(r.method)) + " " + r.pattern + "` | " + who + " | " +
           to_string(r.membership) + " | " + summary + " |\n";
  }
  return out;
}

const Route* match_route(http::verb method, std::string_view path,
                         std::map<std::string, std::string>& params, bool* path_matched) {
  const std::vector<std::string> parts = split_path(path);
  if (path_matched) *path_matched = false;
  for (const CompiledRoute& c : compiled_routes()) {
    std::map<std::string, std::string> found;
    if (!match_segments(c.segments, parts, found)) continue;
    if (c.route->method != method) {
      if (path_matched) *path_matched = true;
      continue;
    }
    params = std::move(found);
    return c.route;
  }
  return nullptr;
}

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
    case ErrorCode::too_many:
      return http::status::too_many_requests;
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
  // Client bytes reach the audit only as printable, valid UTF-8, so the
  // insert cannot fail on them (PostgreSQL refuses invalid UTF-8 text).
  const Status s = ctx.store.append_audit(
      AuditEntry{0, wall_time_us(), printable_text(actor, 100), printable_text(action, 100),
                 printable_text(resource, 300), printable_text(outcome, 40),
                 printable_text(detail, 1000), printable_text(remote, 100)});
  if (!s.ok())
    spdlog::error("audit entry not written ({} {} by '{}'): {}", printable_text(action, 100),
                  printable_text(resource, 300), printable_text(actor, 100), s.error().message);
}

Result<std::optional<SessionMember>> membership(ApiContext& ctx, const std::string& session_id,
                                                const std::string& user_id) {
  return ctx.store.find_session_member(session_id, user_id);
}

Result<bool> may_instruct(ApiContext& ctx, const std::string& session_id, const UserRecord& user) {
  if (user.role == Role::admin) return true;
  auto m = membership(ctx, session_id, user.id);
  if (!m.ok()) return m.error();
  return m->has_value() && (*m)->role == SessionRole::instructor;
}

Result<bool> may_see_patient(ApiContext& ctx, const std::string& patient_id,
                             const UserRecord& user) {
  if (user.role != Role::clinician && user.role != Role::admin) {
    // A patient sees their own record; nobody else outside the care roles.
    if (user.role == Role::patient) {
      auto p = ctx.store.get_patient(patient_id);
      if (!p.ok()) return p.error();
      return p->user_id == user.id;
    }
    return false;
  }
  auto on_team = ctx.store.is_on_care_team(patient_id, user.id);
  if (!on_team.ok()) return on_team.error();
  if (*on_team) return true;
  auto grants = ctx.store.list_emergency_access(patient_id);
  if (!grants.ok()) return grants.error();
  const std::int64_t now = wall_time_us();
  for (const auto& g : *grants) {
    if (g.user_id == user.id && g.started_us <= now && now < g.expires_us) return true;
  }
  return false;
}

std::optional<std::string> normalise_username(std::string_view typed) {
  if (typed.size() > 256 || !is_valid_utf8(typed)) return std::nullopt;
  std::string out;
  std::size_t b = 0, e = typed.size();
  while (b < e && (typed[b] == ' ' || typed[b] == '\t')) ++b;
  while (e > b && (typed[e - 1] == ' ' || typed[e - 1] == '\t')) --e;
  for (std::size_t i = b; i < e; ++i) {
    const auto ch = static_cast<unsigned char>(typed[i]);
    if (ch < 0x20 || ch == 0x7F) return std::nullopt;
    out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : static_cast<char>(ch);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string client_address(const ServerConfig& config, const HttpRequest& req,
                           const std::string& peer) {
  const bool trusted = std::find(config.trusted_proxies.begin(), config.trusted_proxies.end(),
                                 peer) != config.trusted_proxies.end();
  if (!trusted) return peer;
  const auto it = req.find("X-Forwarded-For");
  if (it == req.end()) return peer;
  std::string_view list = it->value();
  // The last hop is the one the trusted proxy added; earlier ones are the
  // client's own claims.
  const auto comma = list.rfind(',');
  std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  if (last.empty() || last.size() > 64 ||
      last.find_first_not_of("0123456789abcdefABCDEF.:[]") != std::string_view::npos)
    return peer;
  return std::string(last);
}

Status check_origin(const ApiContext& ctx, const HttpRequest& req) {
  std::string origin;
  if (const auto it = req.find(http::field::origin); it != req.end()) {
    origin = std::string(it->value());
  } else if (const auto ref = req.find(http::field::referer); ref != req.end()) {
    origin = origin_of(ref->value());
  }
  if (origin.empty()) {
    // Browsers send Origin on every cross-site state-changing request and on
    // WebSocket upgrades; a request with neither header is a script's, which
    // is safe unless it rides on a cookie.
    if (!cookie_value(req, kCookie).empty())
      return make_error(ErrorCode::forbidden,
                        "a request made with the login cookie must say its Origin");
    return {};
  }
  if (origin == "null")
    return make_error(ErrorCode::forbidden, "requests from an opaque origin are refused");
  const auto host = req.find(http::field::host);
  if (host != req.end()) {
    const std::string own_scheme = ctx.config.tls() ? "https://" : "http://";
    if (origin == own_scheme + std::string(host->value())) return {};
  }
  for (const auto& allowed : ctx.config.allowed_origins) {
    if (origin == allowed) return {};
  }
  return make_error(ErrorCode::forbidden, "requests from " + printable_text(origin, 100) +
                                              " are not accepted (not this server's origin)");
}

Result<Caller> authenticate(ApiContext& ctx, const HttpRequest& req) {
  std::string token;
  Credential credential = Credential::bearer;
  const auto auth = req.find(http::field::authorization);
  if (auth != req.end()) {
    const std::string_view v = auth->value();
    if (v.size() > 7 && v.substr(0, 7) == "Bearer ") token = std::string(v.substr(7));
    if (token.empty())
      return make_error(ErrorCode::unauthorized, "the Authorization header must be 'Bearer TOKEN'");
  } else {
    token = cookie_value(req, kCookie);
    credential = Credential::cookie;
  }
  if (token.empty()) return make_error(ErrorCode::unauthorized, "log in first: no token was sent");
  if (token.size() > 200)
    return make_error(ErrorCode::unauthorized, "the login token is not valid; log in again");
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
  return Caller{std::move(*user), record->token_hash, record->kind, credential};
}

HttpResponse handle_api(ApiContext& ctx, const HttpRequest& req, const std::string& remote) {
  try {
    auto res = dispatch(ctx, req, remote);
    if (!res.ok()) return refuse(req, res.error());
    return std::move(*res);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", std::string(req.method_string()), printable_text(req.target(), 200),
                  e.what());
    return error_response(
        req, http::status::internal_server_error,
        make_error(ErrorCode::internal, "internal error; the server log has details"));
  }
}

}  // namespace medvision
