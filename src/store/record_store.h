#pragma once
// RecordStore: the one interface to MedVision's records. Backends (SQLite,
// PostgreSQL) are chosen at start-up by open_store(url) and pass the same
// test suite (tests/store/record_store_test.cpp).
//
// Thread safety: every method may be called from any thread; a backend
// serialises access internally.
//
// Durability: a method that returns success has committed its write. The
// server acknowledges an event to a client only after append_events returned,
// so acknowledged events survive a crash of the process.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medvision {

enum class Role { trainee, instructor, clinician, patient, admin };
const char* to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct UserRecord {
  std::string id;
  std::string username;
  std::string display_name;
  Role role = Role::trainee;
  std::string password_hash;  // argon2id string as produced by libsodium crypto_pwhash_str
  bool must_change_password = false;
  bool disabled = false;
  std::int64_t created_us = 0;  // wall time, microseconds since the Unix epoch
};

struct TokenRecord {
  std::string token_hash;  // hex SHA-256 of the bearer token; the token itself is never stored
  std::string user_id;
  std::int64_t created_us = 0;
  std::int64_t expires_us = 0;
};

enum class SessionStatus { running, ended, ended_abnormally };
const char* to_string(SessionStatus status);
std::optional<SessionStatus> parse_session_status(std::string_view text);

struct SessionRecord {
  std::string id;
  std::string title;
  std::string kind;        // "sandbox" until modules add their own kinds
  std::string created_by;  // user id
  SessionStatus status = SessionStatus::running;
  std::uint64_t seed = 0;
  std::int64_t created_us = 0;
  std::int64_t ended_us = 0;  // 0 while running
};

struct EventRecord {
  std::string session_id;
  std::uint64_t seq = 0;   // 1, 2, 3 ... per session, no gaps
  std::uint64_t tick = 0;  // session tick at which the event happened
  std::int64_t wall_us = 0;
  std::string type;     // "input", "grab", "participant_joined", ...
  std::string payload;  // JSON text
};

struct ArtifactRecord {
  std::string id;
  std::string session_id;  // may be empty: an artifact not tied to a session
  std::string kind;        // "report", "model", "screenshot", ...
  std::string name;
  std::string media_type;
  std::string data;  // bytes
  std::int64_t created_us = 0;
};

struct AuditEntry {
  std::int64_t id = 0;  // assigned by the store, increasing
  std::int64_t at_us = 0;
  std::string actor;     // user id, or "" for anonymous
  std::string action;    // "login", "login_failed", "read", "create", "update", "delete"
  std::string resource;  // "/api/sessions/ses..."
  std::string outcome;   // "ok", "denied", "error"
  std::string detail;    // free text, never a password or token
  std::string remote;    // client address
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;

  // Brings the schema to the newest version; safe to call on every start.
  virtual Status migrate() = 0;
  virtual Result<int> schema_version() = 0;
  virtual std::string backend_name() const = 0;  // "sqlite" or "postgres"

  // Users. Usernames are unique (conflict on duplicates).
  virtual Status create_user(const UserRecord& user) = 0;
  virtual Result<UserRecord> find_user_by_id(const std::string& id) = 0;
  virtual Result<UserRecord> find_user_by_name(const std::string& username) = 0;
  virtual Result<std::vector<UserRecord>> list_users() = 0;  // ordered by username
  virtual Status update_user(const UserRecord& user) = 0;    // by id; not_found if absent
  virtual Result<std::int64_t> count_users() = 0;

  // Login tokens.
  virtual Status put_token(const TokenRecord& token) = 0;
  virtual Result<TokenRecord> find_token(const std::string& token_hash) = 0;
  virtual Status delete_token(const std::string& token_hash) = 0;
  virtual Status delete_tokens_of_user(const std::string& user_id) = 0;
  virtual Result<std::int64_t> purge_expired_tokens(std::int64_t now_us) = 0;

  // Sessions.
  virtual Status create_session(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> get_session(const std::string& id) = 0;
  virtual Result<std::vector<SessionRecord>> list_sessions() = 0;  // newest first
  virtual Status end_session(const std::string& id, SessionStatus status,
                             std::int64_t ended_us) = 0;
  // Marks every session still `running` as ended_abnormally (used at start-up
  // after a crash); returns how many were marked.
  virtual Result<std::int64_t> mark_running_sessions_abnormal(std::int64_t ended_us) = 0;

  // Session instructors: which users teach which session. Adding a pair that
  // is already there succeeds and keeps the first added_us; not_found if the
  // session or the user does not exist. The store does not check the user's
  // role. Listing and asking about an unknown session or user is no error.
  virtual Status add_session_instructor(const std::string& session_id, const std::string& user_id,
                                        std::int64_t added_us) = 0;
  // User ids, ordered by added_us, then by user id.
  virtual Result<std::vector<std::string>> list_session_instructors(
      const std::string& session_id) = 0;
  virtual Result<bool> is_session_instructor(const std::string& session_id,
                                             const std::string& user_id) = 0;

  // Session events. append_events writes all or nothing, in one transaction;
  // seq must continue the session's log without gaps (conflict otherwise).
  virtual Status append_events(const std::vector<EventRecord>& events) = 0;
  virtual Result<std::vector<EventRecord>> list_events(const std::string& session_id,
                                                       std::uint64_t after_seq,
                                                       std::size_t limit) = 0;
  virtual Result<std::uint64_t> last_event_seq(const std::string& session_id) = 0;  // 0 if none

  // Artifacts.
  virtual Status put_artifact(const ArtifactRecord& artifact) = 0;
  virtual Result<ArtifactRecord> get_artifact(const std::string& id) = 0;
  virtual Result<std::vector<ArtifactRecord>> list_artifacts(
      const std::string& session_id) = 0;  // without data

  // Audit log: append-only.
  virtual Status append_audit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> list_audit(std::int64_t after_id, std::size_t limit) = 0;
};

// url: "sqlite:PATH" (PATH may be relative), "postgres://..." or "postgresql://...".
Result<std::unique_ptr<RecordStore>> open_store(const std::string& url);

}  // namespace medvision
