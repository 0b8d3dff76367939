#include "store/record_store.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace medvision {

const char* to_string(Role role) {
  switch (role) {
    case Role::trainee:
      return "trainee";
    case Role::instructor:
      return "instructor";
    case Role::clinician:
      return "clinician";
    case Role::patient:
      return "patient";
    case Role::admin:
      return "admin";
  }
  return "trainee";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role role : {Role::trainee, Role::instructor, Role::clinician, Role::patient, Role::admin}) {
    if (text == to_string(role)) return role;
  }
  return std::nullopt;
}

const char* to_string(SessionStatus status) {
  switch (status) {
    case SessionStatus::running:
      return "running";
    case SessionStatus::ended:
      return "ended";
    case SessionStatus::ended_abnormally:
      return "ended_abnormally";
  }
  return "running";
}

std::optional<SessionStatus> parse_session_status(std::string_view text) {
  for (SessionStatus status :
       {SessionStatus::running, SessionStatus::ended, SessionStatus::ended_abnormally}) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

const char* to_string(TokenKind kind) { return kind == TokenKind::device ? "device" : "user"; }

std::optional<TokenKind> parse_token_kind(std::string_view text) {
  if (text == "user") return TokenKind::user;
  if (text == "device") return TokenKind::device;
  return std::nullopt;
}

const char* to_string(SessionMode mode) {
  return mode == SessionMode::assessed ? "assessed" : "practice";
}

std::optional<SessionMode> parse_session_mode(std::string_view text) {
  if (text == "practice") return SessionMode::practice;
  if (text == "assessed") return SessionMode::assessed;
  return std::nullopt;
}

const char* to_string(SessionRole role) {
  switch (role) {
    case SessionRole::driver:
      return "driver";
    case SessionRole::participant:
      return "participant";
    case SessionRole::instructor:
      return "instructor";
    case SessionRole::observer:
      return "observer";
    case SessionRole::patient:
      return "patient";
    case SessionRole::clinician:
      return "clinician";
  }
  return "observer";
}

std::optional<SessionRole> parse_session_role(std::string_view text) {
  for (SessionRole role : {SessionRole::driver, SessionRole::participant, SessionRole::instructor,
                           SessionRole::observer, SessionRole::patient, SessionRole::clinician}) {
    if (text == to_string(role)) return role;
  }
  return std::nullopt;
}

const char* to_string(ModelStatus status) {
  switch (status) {
    case ModelStatus::building:
      return "building";
    case ModelStatus::ready:
      return "ready";
    case ModelStatus::failed:
      return "failed";
  }
  return "building";
}

std::optional<ModelStatus> parse_model_status(std::string_view text) {
  for (ModelStatus status : {ModelStatus::building, ModelStatus::ready, ModelStatus::failed}) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

Result<std::unique_ptr<RecordStore>> open_store(const std::string& url) {
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (url.starts_with(sqlite_prefix)) {
    const std::string path = url.substr(sqlite_prefix.size());
    if (path.empty()) {
      return make_error(ErrorCode::invalid_input,
                        "store URL 'sqlite:' names no file; write e.g. 'sqlite:data/medvision.db'");
    }
    return store::open_sqlite_store(path);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return store::open_postgres_store(url);
  }
  // The URL may carry a password, so it is not echoed.
  return make_error(ErrorCode::invalid_input,
                    "store URL must start with 'sqlite:', 'postgres://' or 'postgresql://'");
}

}  // namespace medvision
