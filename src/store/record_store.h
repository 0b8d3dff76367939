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

#include <array>
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

// The imaging library: studies hold series (volumes), series hold surface
// models. Their binary blobs (volume texture, voxels, .glb, .stl) are
// artifacts without a session. Fields of patient studies may hold ciphertext:
// the library layer encrypts them (store/record_cipher.h); the store keeps
// whatever text it is given.
struct StudyRecord {
  std::string id;
  std::string title;
  std::string description;
  std::string library;     // "teaching" (de-identified) or "patient" (identified)
  std::string modality;    // "MR", "CT", ...
  std::string source;      // "bundled", "import", "pacs"
  std::string patient_id;  // "" in the teaching library
  std::string bundle;      // key of bundled content ("colin27-aal"), "" otherwise
  std::string created_by;  // user id, "" for the server itself
  std::int64_t created_us = 0;
};

struct SeriesRecord {
  std::string id;
  std::string study_id;
  std::string description;
  std::string modality;
  std::array<std::int64_t, 3> dims{0, 0, 0};
  std::array<double, 3> spacing_mm{0, 0, 0};
  std::string unit;  // "HU" for CT, "" otherwise
  std::int64_t created_us = 0;
};

enum class ModelStatus { building, ready, failed };
const char* to_string(ModelStatus status);
std::optional<ModelStatus> parse_model_status(std::string_view text);

struct ModelRecord {
  std::string id;
  std::string series_id;
  std::string name;
  std::string kind;                 // "threshold" or "labels"
  std::optional<double> threshold;  // with kind "threshold"
  std::string labels;               // with kind "labels": the label source ("aal")
  ModelStatus status = ModelStatus::building;
  double progress = 0;  // 0..1
  std::string error;    // why it failed
  std::int64_t structures = 0;
  std::int64_t triangles = 0;
  std::string created_by;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
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

  // Imaging library. Creating a record whose id exists is a conflict; a
  // series of an unknown study, or a model of an unknown series, is not_found.
  // Lists are ordered by created_us, then id.
  virtual Status create_study(const StudyRecord& study) = 0;
  virtual Result<StudyRecord> get_study(const std::string& id) = 0;
  virtual Result<std::vector<StudyRecord>> list_studies() = 0;
  virtual Status create_series(const SeriesRecord& series) = 0;
  virtual Result<SeriesRecord> get_series(const std::string& id) = 0;
  virtual Result<std::vector<SeriesRecord>> list_series(const std::string& study_id) = 0;
  virtual Status create_model(const ModelRecord& model) = 0;
  virtual Result<ModelRecord> get_model(const std::string& id) = 0;
  virtual Result<std::vector<ModelRecord>> list_models(const std::string& series_id) = 0;
  // Writes status, progress, error, structures, triangles and updated_us of
  // the model with model.id; not_found if absent.
  virtual Status update_model(const ModelRecord& model) = 0;
  // Marks every model still `building` as failed with `error` (used at
  // start-up: their builder died with the previous process); returns how many.
  virtual Result<std::int64_t> fail_building_models(const std::string& error,
                                                    std::int64_t at_us) = 0;

  // Audit log: append-only.
  virtual Status append_audit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> list_audit(std::int64_t after_id, std::size_t limit) = 0;
};

// url: "sqlite:PATH" (PATH may be relative), "postgres://..." or "postgresql://...".
Result<std::unique_ptr<RecordStore>> open_store(const std::string& url);

}  // namespace medvision
