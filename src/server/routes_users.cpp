// Route family "users": logging in and out, one's own account, and the
// accounts admins manage.

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "core/utf8.h"
#include "server/route_table.h"

namespace medvision {
namespace {

using nlohmann::json;

constexpr const char* kCookie = "mv_token";

std::string login_cookie(const ApiContext& ctx, const std::string& token, std::int64_t max_age) {
  std::string cookie = std::string(kCookie) + "=" + token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (ctx.config.tls()) cookie += "; Secure";
  return cookie;
}

// A fresh login token for `user`, stored by its hash; the response carries
// it in the body and in the cookie.
Result<HttpResponse> issue_token(RouteCall& c, const UserRecord& user, http::status status) {
  const std::string token = new_secret(32);
  const std::int64_t now_us = wall_time_us();
  const TokenRecord record{token_hash(token), user.id, now_us,
                           now_us + c.ctx.config.token_ttl_s * 1'000'000, TokenKind::user};
  MV_TRY(c.ctx.store.put_token(record));
  HttpResponse res = json_response(
      c.req, status,
      {{"token", token}, {"expires_at", iso8601(record.expires_us)}, {"user", user_json(user)}});
  res.set(http::field::set_cookie, login_cookie(c.ctx, token, c.ctx.config.token_ttl_s));
  return res;
}

HttpResponse throttled(const HttpRequest& req, std::int64_t wait) {
  HttpResponse res =
      error_response(req, http::status::too_many_requests,
                     make_error(ErrorCode::too_many, "too many failed logins; try again in " +
                                                         std::to_string(wait) + " s"));
  res.set(http::field::retry_after, std::to_string(wait));
  return res;
}

Result<HttpResponse> login(RouteCall& c) {
  // A browser page of another site must not log its visitor in (login CSRF).
  MV_TRY(check_origin(c.ctx, c.req));
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto typed = string_field(*body, "username", true, 256);
  if (!typed.ok()) return typed.error();
  auto password = string_field(*body, "password", true, 1024);
  if (!password.ok()) return password.error();

  const auto now = LoginThrottle::Clock::now();
  const std::string remote = client_address(c.ctx.config, c.req, c.remote);
  const auto name = normalise_username(*typed);
  // A name no account can have still counts against the client address.
  const std::string account = name ? *name : std::string("\x01invalid");
  const std::string account_key = "acct:" + account;
  const std::string pair_key = "pair:" + account + "\x01" + remote;
  const std::string address_key = "addr:" + remote;
  LoginThrottles& t = c.ctx.throttle;
  const std::int64_t wait = std::max({t.account.retry_after(account_key, now),
                                      t.account_address.retry_after(pair_key, now),
                                      t.address.retry_after(address_key, now)});
  if (wait > 0) {
    audit(c.ctx, "", "login", "/api/login", "denied", "throttled: " + account, remote);
    return throttled(c.req, wait);
  }

  Result<UserRecord> user = make_error(ErrorCode::not_found, "no such user");
  if (name) {
    user = c.ctx.store.find_user_by_name(*name);
    if (!user.ok() && user.error().code != ErrorCode::not_found) return user.error();
  }
  bool ok = false;
  if (user.ok()) {
    ok = verify_password(user->password_hash, *password) && !user->disabled;
  } else {
    verify_password_decoy(*password);
  }
  if (!ok) {
    t.account.record_failure(account_key, now);
    t.account_address.record_failure(pair_key, now);
    t.address.record_failure(address_key, now);
    audit(c.ctx, user.ok() ? user->id : "", "login", "/api/login", "denied",
          "bad credentials for '" + account + "'", remote);
    return make_error(ErrorCode::unauthorized, "wrong username or password");
  }
  t.account.record_success(account_key);
  t.account_address.record_success(pair_key);
  audit(c.ctx, user->id, "login", "/api/login", "ok", "", remote);
  return issue_token(c, *user, http::status::ok);
}

HttpResponse cleared_cookie(const HttpRequest& req) {
  HttpResponse res = no_content(req);
  res.set(http::field::set_cookie,
          std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return res;
}

Result<HttpResponse> logout(RouteCall& c) {
  MV_TRY(c.ctx.store.delete_token(c.caller->token_hash));
  if (c.ctx.connections) c.ctx.connections->close_token(c.caller->token_hash, "logged out");
  return cleared_cookie(c.req);
}

// Revokes every token of the user and closes every socket they opened.
Status end_all_logins(ApiContext& ctx, const std::string& user_id, const std::string& why) {
  MV_TRY(ctx.store.delete_tokens_of_user(user_id));
  if (ctx.connections) ctx.connections->close_user(user_id, why);
  return {};
}

Result<HttpResponse> logout_everywhere(RouteCall& c) {
  MV_TRY(end_all_logins(c.ctx, c.user().id, "logged out everywhere"));
  return cleared_cookie(c.req);
}

Result<HttpResponse> me(RouteCall& c) {
  return json_response(c.req, http::status::ok, user_json(c.user()));
}

Result<HttpResponse> change_own_password(RouteCall& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto current = string_field(*body, "current_password", true, 1024);
  if (!current.ok()) return current.error();
  auto next = string_field(*body, "new_password", true, 1024);
  if (!next.ok()) return next.error();
  UserRecord user = c.user();
  if (!verify_password(user.password_hash, *current)) {
    return make_error(ErrorCode::forbidden, "the current password is not right");
  }
  MV_TRY(check_password_policy(*next));
  if (*next == *current) return bad_request("the new password must differ from the current one");
  auto hash = hash_password(*next);
  if (!hash.ok()) return hash.error();
  user.password_hash = *hash;
  user.must_change_password = false;
  MV_TRY(c.ctx.store.update_user(user));
  // Every other login ends; this one gets a fresh token.
  MV_TRY(end_all_logins(c.ctx, user.id, "the password was changed"));
  return issue_token(c, user, http::status::ok);
}

Result<HttpResponse> list_users(RouteCall& c) {
  auto users = c.ctx.store.list_users();
  if (!users.ok()) return users.error();
  json out = json::array();
  for (const auto& u : *users) out.push_back(user_json(u));
  return json_response(c.req, http::status::ok, out);
}

bool valid_username(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
}

Result<HttpResponse> create_user(RouteCall& c) {
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto username = string_field(*body, "username", true, 64);
  if (!username.ok()) return username.error();
  if (!valid_username(*username))
    return bad_request("username must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
  auto password = string_field(*body, "password", true, 1024);
  if (!password.ok()) return password.error();
  MV_TRY(check_password_policy(*password));
  auto role_text = string_field(*body, "role", true, 20);
  if (!role_text.ok()) return role_text.error();
  const auto role = parse_role(*role_text);
  if (!role)
    return bad_request("role must be one of trainee, instructor, clinician, patient, admin; got '" +
                       utf8_prefix(*role_text, 20, true) + "'");
  auto display = string_field(*body, "display_name", false);
  if (!display.ok()) return display.error();
  bool must_change = false;
  if (body->contains("must_change_password")) {
    if (!(*body)["must_change_password"].is_boolean())
      return bad_request("field 'must_change_password' must be true or false");
    must_change = (*body)["must_change_password"].get<bool>();
  }

  auto hash = hash_password(*password);
  if (!hash.ok()) return hash.error();
  UserRecord u;
  u.id = new_id("usr_");
  u.username = *username;
  u.display_name = display->empty() ? *username : *display;
  u.role = *role;
  u.password_hash = *hash;
  u.must_change_password = must_change;
  u.created_us = wall_time_us();
  MV_TRY(c.ctx.store.create_user(u));
  return json_response(c.req, http::status::created, user_json(u));
}

Result<HttpResponse> get_user(RouteCall& c) {
  const std::string& id = c.param("id");
  if (c.user().role != Role::admin && c.user().id != id)
    return forbidden_role(c.user(), "read other users");
  auto user = c.ctx.store.find_user_by_id(id);
  if (!user.ok()) return user.error();
  return json_response(c.req, http::status::ok, user_json(*user));
}

Result<HttpResponse> update_user(RouteCall& c) {
  const std::string& id = c.param("id");
  const bool admin = c.user().role == Role::admin;
  if (!admin && c.user().id != id) return forbidden_role(c.user(), "change other users");
  auto body = json_body(c.req);
  if (!body.ok()) return body.error();
  auto user = c.ctx.store.find_user_by_id(id);
  if (!user.ok()) return user.error();
  bool password_changed = false;
  for (const auto& [key, value] : body->items()) {
    if (key == "display_name") {
      auto name = string_field(*body, "display_name", true);
      if (!name.ok()) return name.error();
      user->display_name = *name;
      continue;
    }
    if (!admin) {
      if (key == "password" || key == "current_password")
        return bad_request(
            "change your own password with POST /api/me/password, giving the "
            "current one");
      return forbidden_role(c.user(), "change '" + utf8_prefix(key, 40, true) + "'");
    }
    if (key == "password") {
      auto password = string_field(*body, "password", true, 1024);
      if (!password.ok()) return password.error();
      MV_TRY(check_password_policy(*password));
      auto hash = hash_password(*password);
      if (!hash.ok()) return hash.error();
      user->password_hash = *hash;
      password_changed = true;
    } else if (key == "must_change_password") {
      if (!value.is_boolean())
        return bad_request("field 'must_change_password' must be true or false");
      user->must_change_password = value.get<bool>();
    } else if (key == "role") {
      const auto role = value.is_string() ? parse_role(value.get<std::string>()) : std::nullopt;
      if (!role)
        return bad_request("role must be one of trainee, instructor, clinician, patient, admin");
      if (id == c.user().id && *role != Role::admin)
        return bad_request("an admin cannot take away their own admin role");
      user->role = *role;
    } else if (key == "disabled") {
      if (!value.is_boolean()) return bad_request("field 'disabled' must be true or false");
      if (id == c.user().id && value.get<bool>())
        return bad_request("an admin cannot disable their own account");
      user->disabled = value.get<bool>();
    } else {
      return bad_request("unknown field '" + utf8_prefix(key, 40, true) +
                         "'; allowed: role, display_name, disabled, password, "
                         "must_change_password");
    }
  }
  MV_TRY(c.ctx.store.update_user(*user));
  // A reset password or a disabled account ends every login of the user.
  if (password_changed || user->disabled) {
    MV_TRY(end_all_logins(c.ctx, id,
                          user->disabled ? "the account was disabled" : "the password was reset"));
  }
  return json_response(c.req, http::status::ok, user_json(*user));
}

Route route(http::verb method, std::string pattern, std::vector<Role> roles, std::string summary,
            RouteHandler handler) {
  return make_route("users", method, std::move(pattern), std::move(roles), Membership::none,
                    std::move(summary), std::move(handler));
}

Result<HttpResponse> health(RouteCall& c) {
  auto version = c.ctx.store.schema_version();
  if (!version.ok()) return version.error();
  return json_response(c.req, http::status::ok,
                       {{"status", "ok"}, {"store", c.ctx.store.backend_name()}});
}

Result<HttpResponse> version(RouteCall& c) {
  return json_response(
      c.req, http::status::ok,
      {{"name", "medvision"}, {"version", MEDVISION_VERSION}, {"protocol", wire::kVersion}});
}

}  // namespace

void add_user_routes(std::vector<Route>& t) {
  Route health_route =
      route(http::verb::get, "/api/health", {},
            "the store answers: `{\"status\":\"ok\",\"store\"}`; 503 if not", health);
  health_route.anonymous = true;
  t.push_back(health_route);
  Route version_route = route(http::verb::get, "/api/version", {},
                              "`{\"name\":\"medvision\",\"version\",\"protocol\"}`", version);
  version_route.anonymous = true;
  t.push_back(version_route);
  Route login_route = route(http::verb::post, "/api/login", {},
                            "body `{\"username\",\"password\"}`; 200 `{\"token\",\"expires_at\","
                            "\"user\"}` and the `mv_token` cookie; 401 bad credentials; 429 "
                            "throttled",
                            login);
  login_route.anonymous = true;
  t.push_back(login_route);
  Route out = route(http::verb::post, "/api/logout", {},
                    "204; this login's token stops working and its sockets close", logout);
  out.before_password_change = true;
  t.push_back(out);
  Route everywhere = route(http::verb::post, "/api/logout/everywhere", {},
                           "204; every token of the caller stops working and their sockets close",
                           logout_everywhere);
  everywhere.before_password_change = true;
  t.push_back(everywhere);
  Route me_route = route(http::verb::get, "/api/me", {}, "the caller's user", me);
  me_route.before_password_change = true;
  t.push_back(me_route);
  Route password = route(http::verb::post, "/api/me/password", {},
                         "body `{\"current_password\",\"new_password\"}`; 200 a fresh login (as "
                         "login); every other login of the caller ends",
                         change_own_password);
  password.before_password_change = true;
  t.push_back(password);
  t.push_back(route(http::verb::get, "/api/users", {Role::admin}, "all users", list_users));
  t.push_back(route(http::verb::post, "/api/users", {Role::admin},
                    "body `{\"username\",\"password\",\"role\",\"display_name\"?,"
                    "\"must_change_password\"?}`; 201 the user",
                    create_user));
  t.push_back(route(http::verb::get, "/api/users/{id}", {},
                    "one user: admins any, others themselves", get_user));
  t.push_back(route(http::verb::patch, "/api/users/{id}", {},
                    "admins: any of `{\"role\",\"display_name\",\"disabled\",\"password\","
                    "\"must_change_password\"}`; a user: their own `display_name`. A reset "
                    "password or disabling ends the user's logins",
                    update_user));
}

}  // namespace medvision
