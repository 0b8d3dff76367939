#pragma once
// The REST API (docs/api.md): routes, authentication, roles and audit.

#include <boost/beast/http.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "server/auth.h"
#include "server/connections.h"
#include "server/live_session.h"
#include "server/server_config.h"
#include "store/record_store.h"

namespace medvision {

namespace library {
class ImageLibrary;
}
class RecordCipher;

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// This server instance among those sharing the store.
struct InstanceInfo {
  std::string id;
  std::string public_url;
};

struct ApiContext {
  RecordStore& store;
  SessionHub& hub;
  LoginThrottles& throttle;
  const ServerConfig& config;
  library::ImageLibrary* library = nullptr;  // studies, series, models; null: not served
  ConnectionRegistry* connections = nullptr;
  RefusalCounter* refusals = nullptr;
  const RecordCipher* cipher = nullptr;  // seals patients' identifying fields
  InstanceInfo instance;
};

// How a request proved who it is: the `mv_token` cookie (ambient: a browser
// sends it on requests other sites make, so those are checked for origin and
// content type) or an Authorization header (never sent by another site).
enum class Credential { cookie, bearer };

struct Caller {
  UserRecord user;
  std::string token_hash;
  TokenKind token_kind = TokenKind::user;
  Credential credential = Credential::bearer;
};

// The caller behind the request's bearer token or `mv_token` cookie.
Result<Caller> authenticate(ApiContext& ctx, const HttpRequest& req);

// Whether a state-changing request (or a WebSocket upgrade) comes from one of
// the server's own origins: the Origin header (else the Referer's origin)
// must be the server's own (its Host) or one of config.allowed_origins. A
// request with neither header is let through only when it carries no cookie.
Status check_origin(const ApiContext& ctx, const HttpRequest& req);

// The client's address: the peer, or the last X-Forwarded-For hop when the
// peer is a configured trusted proxy.
std::string client_address(const ServerConfig& config, const HttpRequest& req,
                           const std::string& peer);

// A username as typed, normalised for lookups (trimmed, lower case); nullopt
// for one that cannot name an account (control bytes, invalid UTF-8, too long).
std::optional<std::string> normalise_username(std::string_view typed);

// Answers a request whose target starts with /api/.
HttpResponse handle_api(ApiContext& ctx, const HttpRequest& req, const std::string& remote);

HttpResponse json_response(const HttpRequest& req, http::status status, const nlohmann::json& body);
// Microseconds since the Unix epoch as ISO 8601 UTC with milliseconds ("" for 0).
std::string iso8601(std::int64_t us);

HttpResponse error_response(const HttpRequest& req, http::status status, const Error& error);
http::status status_of(ErrorCode code);
// The value of `name` in the target's query string ("" if absent); no percent-decoding.
std::string query_param(std::string_view target, const std::string& name);
// The caller's membership of a session (nullopt if none).
Result<std::optional<SessionMember>> membership(ApiContext& ctx, const std::string& session_id,
                                                const std::string& user_id);
// Whether `user` may steer the session (pause, resume, cue, observations,
// members): an admin, or a member whose session role is instructor.
Result<bool> may_instruct(ApiContext& ctx, const std::string& session_id, const UserRecord& user);
// Who may see a patient's data: the care team, or someone with unexpired
// emergency access.
Result<bool> may_see_patient(ApiContext& ctx, const std::string& patient_id,
                             const UserRecord& user);

void audit(ApiContext& ctx, const std::string& actor, const std::string& action,
           const std::string& resource, const std::string& outcome, const std::string& detail,
           const std::string& remote);

}  // namespace medvision
