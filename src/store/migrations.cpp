#include "store/migrations.h"

#include <array>

namespace medvision::store {
namespace {

// Times are microseconds since the Unix epoch in BIGINT columns. Unsigned
// 64-bit values (seed, seq, tick) are stored bit for bit in signed BIGINT.
// An artifact without a session has a NULL session_id so that the foreign key
// still checks the ones that name a session.
constexpr std::array kMigrations{
    Migration{
        1,
        "roles, users, tokens, sessions, session events, artifacts, audit",
        // ---- SQLite ----
        R"sql(
CREATE TABLE roles (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL
);
INSERT INTO roles (name, description) VALUES
  ('trainee', 'practises in sessions and sees their own results'),
  ('instructor', 'runs and steers sessions, reads trainees'' logs, adds observations'),
  ('clinician', 'works with patient records and reads session logs'),
  ('patient', 'joins sessions a clinician prepared'),
  ('admin', 'manages users and reads the audit log');
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL REFERENCES roles(name),
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  created_us INTEGER NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL
);
CREATE INDEX tokens_user_id ON tokens(user_id);
CREATE INDEX tokens_expires_us ON tokens(expires_us);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_by TEXT NOT NULL,
  status TEXT NOT NULL,
  seed INTEGER NOT NULL,
  created_us INTEGER NOT NULL,
  ended_us INTEGER NOT NULL
);
CREATE INDEX sessions_created_us ON sessions(created_us);
CREATE INDEX sessions_status ON sessions(status);
CREATE TABLE session_events (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  tick INTEGER NOT NULL,
  wall_us INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
CREATE TABLE artifacts (
  id TEXT PRIMARY KEY,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  data BLOB NOT NULL,
  created_us INTEGER NOT NULL
);
CREATE INDEX artifacts_session_id ON artifacts(session_id);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_us INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL
);
)sql",
        // ---- PostgreSQL ----
        R"sql(
CREATE TABLE roles (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL
);
INSERT INTO roles (name, description) VALUES
  ('trainee', 'practises in sessions and sees their own results'),
  ('instructor', 'runs and steers sessions, reads trainees'' logs, adds observations'),
  ('clinician', 'works with patient records and reads session logs'),
  ('patient', 'joins sessions a clinician prepared'),
  ('admin', 'manages users and reads the audit log');
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL REFERENCES roles(name),
  password_hash TEXT NOT NULL,
  must_change_password BOOLEAN NOT NULL,
  disabled BOOLEAN NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_us BIGINT NOT NULL,
  expires_us BIGINT NOT NULL
);
CREATE INDEX tokens_user_id ON tokens(user_id);
CREATE INDEX tokens_expires_us ON tokens(expires_us);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_by TEXT NOT NULL,
  status TEXT NOT NULL,
  seed BIGINT NOT NULL,
  created_us BIGINT NOT NULL,
  ended_us BIGINT NOT NULL
);
CREATE INDEX sessions_created_us ON sessions(created_us);
CREATE INDEX sessions_status ON sessions(status);
CREATE TABLE session_events (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  tick BIGINT NOT NULL,
  wall_us BIGINT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
);
CREATE TABLE artifacts (
  id TEXT PRIMARY KEY,
  session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  data BYTEA NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE INDEX artifacts_session_id ON artifacts(session_id);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  at_us BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL
);
)sql",
    },
    Migration{
        2,
        "session instructors",
        // ---- SQLite ----
        R"sql(
CREATE TABLE session_instructors (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_us INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
CREATE INDEX session_instructors_user_id ON session_instructors(user_id);
)sql",
        // ---- PostgreSQL ----
        R"sql(
CREATE TABLE session_instructors (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_us BIGINT NOT NULL,
  PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_instructors_user_id ON session_instructors(user_id);
)sql",
    },
    Migration{
        3,
        "imaging library: studies, series, models",
        // ---- SQLite ----
        R"sql(
CREATE TABLE studies (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  library TEXT NOT NULL CHECK (library IN ('teaching', 'patient')),
  modality TEXT NOT NULL,
  source TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  bundle TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_us INTEGER NOT NULL
);
CREATE INDEX studies_created_us ON studies(created_us);
CREATE TABLE series (
  id TEXT PRIMARY KEY,
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  description TEXT NOT NULL,
  modality TEXT NOT NULL,
  nx INTEGER NOT NULL,
  ny INTEGER NOT NULL,
  nz INTEGER NOT NULL,
  spacing_x REAL NOT NULL,
  spacing_y REAL NOT NULL,
  spacing_z REAL NOT NULL,
  unit TEXT NOT NULL,
  created_us INTEGER NOT NULL
);
CREATE INDEX series_study_id ON series(study_id);
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  threshold REAL,
  labels TEXT NOT NULL,
  status TEXT NOT NULL,
  progress REAL NOT NULL,
  error TEXT NOT NULL,
  structures INTEGER NOT NULL,
  triangles INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  updated_us INTEGER NOT NULL
);
CREATE INDEX models_series_id ON models(series_id);
CREATE INDEX models_status ON models(status);
)sql",
        // ---- PostgreSQL ----
        R"sql(
CREATE TABLE studies (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  library TEXT NOT NULL CHECK (library IN ('teaching', 'patient')),
  modality TEXT NOT NULL,
  source TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  bundle TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE INDEX studies_created_us ON studies(created_us);
CREATE TABLE series (
  id TEXT PRIMARY KEY,
  study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  description TEXT NOT NULL,
  modality TEXT NOT NULL,
  nx BIGINT NOT NULL,
  ny BIGINT NOT NULL,
  nz BIGINT NOT NULL,
  spacing_x DOUBLE PRECISION NOT NULL,
  spacing_y DOUBLE PRECISION NOT NULL,
  spacing_z DOUBLE PRECISION NOT NULL,
  unit TEXT NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE INDEX series_study_id ON series(study_id);
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  threshold DOUBLE PRECISION,
  labels TEXT NOT NULL,
  status TEXT NOT NULL,
  progress DOUBLE PRECISION NOT NULL,
  error TEXT NOT NULL,
  structures BIGINT NOT NULL,
  triangles BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  updated_us BIGINT NOT NULL
);
CREATE INDEX models_series_id ON models(series_id);
CREATE INDEX models_status ON models(status);
)sql",
    },
    Migration{
        4,
        "session members, invites, modes and owning instances; token kinds; instance leases; "
        "patients, care teams and emergency access",
        // ---- SQLite ----
        R"sql(
CREATE TABLE session_members (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  team_role TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_us INTEGER NOT NULL,
  PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_members_user_id ON session_members(user_id);
INSERT INTO session_members (session_id, user_id, role, team_role, added_by, added_us)
  SELECT session_id, user_id, 'instructor', '', '', added_us FROM session_instructors;
INSERT INTO session_members (session_id, user_id, role, team_role, added_by, added_us)
  SELECT id, created_by, 'driver', '', created_by, created_us FROM sessions
  WHERE created_by IN (SELECT id FROM users)
  ON CONFLICT (session_id, user_id) DO NOTHING;
DROP TABLE session_instructors;
CREATE TABLE session_invites (
  code_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  max_uses INTEGER NOT NULL,
  uses INTEGER NOT NULL
);
ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice';
ALTER TABLE sessions ADD COLUMN instance_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
ALTER TABLE studies ADD COLUMN patient_record_id TEXT NOT NULL DEFAULT '';
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  public_url TEXT NOT NULL,
  started_us INTEGER NOT NULL,
  heartbeat_us INTEGER NOT NULL,
  lease_expires_us INTEGER NOT NULL
);
CREATE TABLE patients (
  id TEXT PRIMARY KEY,
  alias TEXT NOT NULL,
  name TEXT NOT NULL,
  contact TEXT NOT NULL,
  identifiers TEXT NOT NULL,
  user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_by TEXT NOT NULL,
  created_us INTEGER NOT NULL
);
CREATE INDEX patients_user_id ON patients(user_id);
CREATE TABLE care_team (
  patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_by TEXT NOT NULL,
  added_us INTEGER NOT NULL,
  PRIMARY KEY (patient_id, user_id)
);
CREATE INDEX care_team_user_id ON care_team(user_id);
CREATE TABLE emergency_access (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  started_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL
);
CREATE INDEX emergency_access_patient_id ON emergency_access(patient_id);
)sql",
        // ---- PostgreSQL ----
        R"sql(
CREATE TABLE session_members (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  team_role TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_us BIGINT NOT NULL,
  PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_members_user_id ON session_members(user_id);
INSERT INTO session_members (session_id, user_id, role, team_role, added_by, added_us)
  SELECT session_id, user_id, 'instructor', '', '', added_us FROM session_instructors;
INSERT INTO session_members (session_id, user_id, role, team_role, added_by, added_us)
  SELECT id, created_by, 'driver', '', created_by, created_us FROM sessions
  WHERE created_by IN (SELECT id FROM users)
  ON CONFLICT (session_id, user_id) DO NOTHING;
DROP TABLE session_instructors;
CREATE TABLE session_invites (
  code_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  expires_us BIGINT NOT NULL,
  max_uses BIGINT NOT NULL,
  uses BIGINT NOT NULL
);
ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'practice';
ALTER TABLE sessions ADD COLUMN instance_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
ALTER TABLE studies ADD COLUMN patient_record_id TEXT NOT NULL DEFAULT '';
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  public_url TEXT NOT NULL,
  started_us BIGINT NOT NULL,
  heartbeat_us BIGINT NOT NULL,
  lease_expires_us BIGINT NOT NULL
);
CREATE TABLE patients (
  id TEXT PRIMARY KEY,
  alias TEXT NOT NULL,
  name TEXT NOT NULL,
  contact TEXT NOT NULL,
  identifiers TEXT NOT NULL,
  user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_by TEXT NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE INDEX patients_user_id ON patients(user_id);
CREATE TABLE care_team (
  patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_by TEXT NOT NULL,
  added_us BIGINT NOT NULL,
  PRIMARY KEY (patient_id, user_id)
);
CREATE INDEX care_team_user_id ON care_team(user_id);
CREATE TABLE emergency_access (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  started_us BIGINT NOT NULL,
  expires_us BIGINT NOT NULL
);
CREATE INDEX emergency_access_patient_id ON emergency_access(patient_id);
)sql",
    },
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.back().version; }

}  // namespace medvision::store
