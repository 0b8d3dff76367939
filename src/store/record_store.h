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

// What a token was issued for: a login (user) or a paired headset (device,
// limited to its patient's own routes; comes with the rehabilitation work).
enum class TokenKind { user, device };
const char* to_string(TokenKind kind);
std::optional<TokenKind> parse_token_kind(std::string_view text);

struct TokenRecord {
  std::string token_hash;  // hex SHA-256 of the bearer token; the token itself is never stored
  std::string user_id;
  std::int64_t created_us = 0;
  std::int64_t expires_us = 0;
  TokenKind kind = TokenKind::user;
};

enum class SessionStatus { running, ended, ended_abnormally };
const char* to_string(SessionStatus status);
std::optional<SessionStatus> parse_session_status(std::string_view text);

// Practice sessions are a trainee's own; in assessed ones the server picks the
// seed (only instructors may fix it) and hides it from trainees until the end.
enum class SessionMode { practice, assessed };
const char* to_string(SessionMode mode);
std::optional<SessionMode> parse_session_mode(std::string_view text);

struct SessionRecord {
  std::string id;
  std::string title;
  std::string kind;        // "sandbox" until modules add their own kinds
  std::string created_by;  // user id
  SessionStatus status = SessionStatus::running;
  std::uint64_t seed = 0;
  std::int64_t created_us = 0;
  std::int64_t ended_us = 0;  // 0 while running
  SessionMode mode = SessionMode::practice;
  std::string instance_id;  // the server instance that runs (or ran) it; "" before leases
};

// A member's place in one session (docs/security.md): the driver holds the
// instruments or the patient-facing controls; participants are the team;
// instructors steer; observers watch; patient and clinician are the two sides
// of a patient-facing session.
enum class SessionRole { driver, participant, instructor, observer, patient, clinician };
const char* to_string(SessionRole role);
std::optional<SessionRole> parse_session_role(std::string_view text);

struct SessionMember {
  std::string session_id;
  std::string user_id;
  SessionRole role = SessionRole::participant;
  std::string team_role;  // the scenario role claimed or assigned ("" for none)
  std::string added_by;   // user id
  std::int64_t added_us = 0;
};

// An invitation to a session: single use (max_uses 1) or shared with a cap.
struct SessionInvite {
  std::string code_hash;  // hex SHA-256 of the code; the code itself is never stored
  std::string session_id;
  SessionRole role = SessionRole::participant;
  std::string created_by;
  std::int64_t created_us = 0;
  std::int64_t expires_us = 0;
  std::int64_t max_uses = 1;
  std::int64_t uses = 0;
};

// One running server instance's lease on the store (several instances may
// share one PostgreSQL). Sessions whose instance's lease has expired are the
// ones a starting instance may close as abnormal.
struct InstanceLease {
  std::string id;
  std::string public_url;
  std::int64_t started_us = 0;
  std::int64_t heartbeat_us = 0;
  std::int64_t expires_us = 0;
};

// A patient (src/care): an alias anyone on the care team may read; name,
// contact and hospital identifiers are optional and stored sealed (the care
// layer encrypts them; the store keeps whatever text it is given).
struct PatientRecord {
  std::string id;
  std::string alias;
  std::string name_sealed;
  std::string contact_sealed;
  std::string identifiers_sealed;
  std::string user_id;  // the patient's own account, "" if none
  std::string created_by;
  std::int64_t created_us = 0;
};

struct CareTeamMember {
  std::string patient_id;
  std::string user_id;
  std::string added_by;
  std::int64_t added_us = 0;
};

// Break-the-glass access to a patient outside the care team: with a reason,
// for a limited time, audited and shown to the care team.
struct EmergencyAccess {
  std::string id;
  std::string patient_id;
  std::string user_id;
  std::string reason;
  std::int64_t started_us = 0;
  std::int64_t expires_us = 0;
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
  std::string patient_record_id;  // the care layer's patient (library "patient"), "" if none
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
  // The hashes of the user's tokens (to close what was opened with them).
  virtual Result<std::vector<std::string>> list_token_hashes_of_user(
      const std::string& user_id) = 0;

  // Sessions.
  virtual Status create_session(const SessionRecord& session) = 0;
  virtual Result<SessionRecord> get_session(const std::string& id) = 0;
  virtual Result<std::vector<SessionRecord>> list_sessions() = 0;  // newest first
  virtual Status end_session(const std::string& id, SessionStatus status,
                             std::int64_t ended_us) = 0;
  // Marks every session still `running` as ended_abnormally (used at start-up
  // after a crash); returns how many were marked.
  virtual Result<std::int64_t> mark_running_sessions_abnormal(std::int64_t ended_us) = 0;
  // The running sessions whose instance holds no live lease at `now_us`
  // (expired, unknown, or none recorded) and those of `restarting_instance`
  // (an instance starting again: they died with its previous process; ""
  // for none), oldest first. The server closes them as ended_abnormally.
  virtual Result<std::vector<SessionRecord>> list_orphaned_sessions(
      const std::string& restarting_instance, std::int64_t now_us) = 0;
  // Sessions the user is a member of, newest first.
  virtual Result<std::vector<SessionRecord>> list_sessions_of_member(
      const std::string& user_id) = 0;

  // Session members. put_session_member adds the member or changes its role
  // and team role (keeping added_by and added_us); not_found for an unknown
  // session or user.
  virtual Status put_session_member(const SessionMember& member) = 0;
  virtual Result<std::optional<SessionMember>> find_session_member(const std::string& session_id,
                                                                   const std::string& user_id) = 0;
  // Ordered by added_us, then user id.
  virtual Result<std::vector<SessionMember>> list_session_members(
      const std::string& session_id) = 0;
  virtual Status remove_session_member(const std::string& session_id,
                                       const std::string& user_id) = 0;

  // Session invitations. use_session_invite takes one use atomically and
  // returns the invite: not_found for an unknown code, conflict once it has
  // expired or its uses are spent.
  virtual Status put_session_invite(const SessionInvite& invite) = 0;
  virtual Result<SessionInvite> use_session_invite(const std::string& code_hash,
                                                   std::int64_t now_us) = 0;

  // Instance leases.
  virtual Status renew_instance_lease(const InstanceLease& lease) = 0;  // insert or update
  virtual Result<std::optional<InstanceLease>> find_instance_lease(const std::string& id) = 0;
  virtual Status set_session_instance(const std::string& session_id,
                                      const std::string& instance_id) = 0;

  // Patients and care teams (src/care). Lists are ordered by created_us / added_us, then id.
  virtual Status create_patient(const PatientRecord& patient) = 0;
  virtual Result<PatientRecord> get_patient(const std::string& id) = 0;
  virtual Status update_patient(const PatientRecord& patient) = 0;  // by id
  virtual Result<std::vector<PatientRecord>> list_patients() = 0;
  // Adding a member twice keeps the first; not_found for an unknown patient or user.
  virtual Status add_care_team_member(const CareTeamMember& member) = 0;
  virtual Status remove_care_team_member(const std::string& patient_id,
                                         const std::string& user_id) = 0;
  virtual Result<std::vector<CareTeamMember>> list_care_team(const std::string& patient_id) = 0;
  virtual Result<bool> is_on_care_team(const std::string& patient_id,
                                       const std::string& user_id) = 0;
  virtual Result<std::vector<std::string>> patients_cared_for_by(const std::string& user_id) = 0;
  virtual Status grant_emergency_access(const EmergencyAccess& access) = 0;
  // Grants for the patient, newest first (the care team sees them).
  virtual Result<std::vector<EmergencyAccess>> list_emergency_access(
      const std::string& patient_id) = 0;
  virtual Status set_study_patient(const std::string& study_id,
                                   const std::string& patient_record_id) = 0;

  // Key rotation (`medvision keys rotate`): replaces one sealed value, found
  // by its row's id, in place; not_found if the row is absent.
  enum class SealedColumn {
    patient_name,
    patient_contact,
    patient_identifiers,
    study_title,
    study_description,
    study_patient_id,
    series_description,
    artifact_data,
  };
  virtual Status replace_sealed(SealedColumn column, const std::string& id,
                                const std::string& value) = 0;

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
