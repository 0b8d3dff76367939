#pragma once
// The REST surface as a registered table (docs/api.md is kept equal to it by
// a test): each route declares its method, path pattern, the account roles
// that may call it, its membership rule and its handler. The router
// (server/api.cpp) authenticates, checks the role, the request's origin and
// content type, and the membership before the handler runs, so that a
// handler only does its job.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/api.h"

namespace medvision {

// Who, beyond the role, may call a route on one resource.
enum class Membership {
  none,            // the role alone decides
  session_member,  // a member of the session {id} (admins always)
  care_team,       // on the care team of patient {id}, or with emergency access
};
const char* to_string(Membership m);

// One request in flight, as a handler sees it.
struct RouteCall {
  ApiContext& ctx;
  const HttpRequest& req;
  const std::string& remote;
  std::map<std::string, std::string> params;  // {id} and the like, from the path
  std::optional<Caller> caller;               // absent only on anonymous routes
  // With Membership::session_member: the session and the caller's place in it
  // (absent for an admin who is not a member).
  std::optional<SessionRecord> session;
  std::optional<SessionMember> member;
  // With Membership::care_team: the patient.
  std::optional<PatientRecord> patient;

  const std::string& param(const std::string& name) const { return params.at(name); }
  const UserRecord& user() const { return caller->user; }
};

using RouteHandler = std::function<Result<HttpResponse>(RouteCall&)>;

struct Route {
  std::string family;  // users, sessions, scenarios, library, audit, care
  http::verb method;
  std::string pattern;  // "/api/sessions/{id}/events"
  // Account roles that may call it; empty: anyone logged in. Ignored when anonymous.
  std::vector<Role> roles;
  Membership membership = Membership::none;
  bool anonymous = false;  // no login needed (health, version, login)
  // The content type a cookie-authenticated request with a body must carry.
  std::string content_type = "application/json";
  // May a user whose generated password must still be changed call it?
  bool before_password_change = false;
  std::string summary;  // one line for docs/api.md
  RouteHandler handler;
};

// Every route, in the order docs/api.md lists them.
const std::vector<Route>& route_table();

// The route for `method` and `path` (no query) and its path parameters;
// nullptr when none matches. `path_matched` tells whether some route has
// this path with another method (405 rather than 404).
const Route* match_route(http::verb method, std::string_view path,
                         std::map<std::string, std::string>& params, bool* path_matched);

// The route table as docs/api.md shows it (a test keeps the two equal).
std::string route_table_markdown();

// Route families, registered from their own files.
void add_user_routes(std::vector<Route>& table);
void add_session_routes(std::vector<Route>& table);
void add_scenario_routes(std::vector<Route>& table);
void add_library_routes(std::vector<Route>& table);
void add_audit_routes(std::vector<Route>& table);
void add_care_routes(std::vector<Route>& table);

// Shared by the route files.
Route make_route(std::string family, http::verb method, std::string pattern,
                 std::vector<Role> roles, Membership membership, std::string summary,
                 RouteHandler handler);
Error bad_request(const std::string& message);
Error forbidden_role(const UserRecord& user, const std::string& what);
Result<nlohmann::json> json_body(const HttpRequest& req);
Result<std::string> string_field(const nlohmann::json& j, const char* name, bool required,
                                 std::size_t max_len = 200);
// `name` from the query as a whole number in [min, max]; `fallback` when absent.
Result<std::uint64_t> uint_param(std::string_view target, const std::string& name,
                                 std::uint64_t fallback, std::uint64_t min, std::uint64_t max);
HttpResponse no_content(const HttpRequest& req);
nlohmann::json user_json(const UserRecord& u);
bool has_role(const UserRecord& user, std::initializer_list<Role> roles);

}  // namespace medvision
