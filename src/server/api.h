#pragma once
// The REST API (docs/api.md): routes, authentication, roles and audit.

#include <boost/beast/http.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "server/auth.h"
#include "server/live_session.h"
#include "server/server_config.h"
#include "store/record_store.h"

namespace medvision {

namespace library {
class ImageLibrary;
}

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct ApiContext {
  RecordStore& store;
  SessionHub& hub;
  LoginThrottle& throttle;
  const ServerConfig& config;
  library::ImageLibrary* library = nullptr;  // studies, series, models; null: not served
};

struct Caller {
  UserRecord user;
  std::string token_hash;
};

// The caller behind the request's bearer token or `mv_token` cookie.
Result<Caller> authenticate(ApiContext& ctx, const HttpRequest& req);

// Answers a request whose target starts with /api/.
HttpResponse handle_api(ApiContext& ctx, const HttpRequest& req, const std::string& remote);

HttpResponse json_response(const HttpRequest& req, http::status status, const nlohmann::json& body);
// Microseconds since the Unix epoch as ISO 8601 UTC with milliseconds ("" for 0).
std::string iso8601(std::int64_t us);

HttpResponse error_response(const HttpRequest& req, http::status status, const Error& error);
http::status status_of(ErrorCode code);
// The value of `name` in the target's query string ("" if absent); no percent-decoding.
std::string query_param(std::string_view target, const std::string& name);
// Whether `user` may steer the session (pause, resume, cue, observations):
// an admin, or an instructor who teaches it.
Result<bool> may_instruct(ApiContext& ctx, const std::string& session_id, const UserRecord& user);

void audit(ApiContext& ctx, const std::string& actor, const std::string& action,
           const std::string& resource, const std::string& outcome, const std::string& detail,
           const std::string& remote);

}  // namespace medvision
