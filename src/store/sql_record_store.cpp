#include "store/sql_record_store.h"

#include <utility>

#include "store/event_batch.h"

namespace medvision::store {
namespace {

constexpr const char* kSessionColumns =
    "id, title, kind, created_by, status, seed, created_us, ended_us, mode, instance_id";
constexpr const char* kStudyColumns =
    "id, title, description, library, modality, source, patient_id, bundle, created_by, "
    "created_us, patient_record_id";
constexpr const char* kMemberColumns = "session_id, user_id, role, team_role, added_by, added_us";
constexpr const char* kInviteColumns =
    "code_hash, session_id, role, created_by, created_us, expires_us, max_uses, uses";
constexpr const char* kPatientColumns =
    "id, alias, name, contact, identifiers, user_id, created_by, created_us";

// Unsigned 64-bit values (seeds) are stored bit for bit in signed columns.
std::int64_t as_signed(std::uint64_t v) { return static_cast<std::int64_t>(v); }

// Runs `body` in a transaction and hands back the value it produced.
template <class T, class F>
Result<T> read(SqlDriver& sql, const std::string& what, F&& body) {
  std::optional<T> out;
  const Status s = sql.transact(what, [&](SqlTx& tx) -> Status {
    auto r = body(tx);
    if (!r.ok()) return r.error();
    out.emplace(std::move(r).value());
    return {};
  });
  if (!s.ok()) return s.error();
  return std::move(*out);
}

Result<SessionRecord> session_of(const SqlRow& r) {
  SessionRecord s;
  s.id = r.text(0);
  s.title = r.text(1);
  s.kind = r.text(2);
  s.created_by = r.text(3);
  const auto status = parse_session_status(r.text(4));
  if (!status) {
    return make_error(ErrorCode::internal, "session '" + s.id + "' has an unknown status '" +
                                               r.text(4) + "' in the store");
  }
  s.status = *status;
  s.seed = static_cast<std::uint64_t>(r.integer(5));
  s.created_us = r.integer(6);
  s.ended_us = r.integer(7);
  s.mode = parse_session_mode(r.text(8)).value_or(SessionMode::practice);
  s.instance_id = r.text(9);
  return s;
}

Result<std::vector<SessionRecord>> sessions_of(const SqlRows& rows) {
  std::vector<SessionRecord> out;
  for (const auto& r : rows) {
    auto s = session_of(r);
    if (!s.ok()) return s.error();
    out.push_back(std::move(s).value());
  }
  return out;
}

constexpr const char* kUserColumns =
    "id, username, display_name, role, password_hash, must_change_password, disabled, created_us";

Result<UserRecord> user_of(const SqlRow& r) {
  UserRecord user;
  user.id = r.text(0);
  user.username = r.text(1);
  user.display_name = r.text(2);
  const std::string role = r.text(3);
  const auto parsed = parse_role(role);
  if (!parsed) {
    return make_error(ErrorCode::internal, "user '" + user.username + "' has an unknown role '" +
                                               role + "' in the store");
  }
  user.role = *parsed;
  user.password_hash = r.text(4);
  user.must_change_password = r.integer(5) != 0;
  user.disabled = r.integer(6) != 0;
  user.created_us = r.integer(7);
  return user;
}

// A username belongs to one user: conflict when another id holds it.
Status username_free(SqlTx& tx, const std::string& username, const std::string& own_id) {
  auto rows = tx.query("SELECT id FROM users WHERE username = $1", {username});
  if (!rows.ok()) return rows.error();
  if (!rows->empty() && rows->front().text(0) != own_id)
    return make_error(ErrorCode::conflict, "username '" + username + "' is already taken");
  return {};
}

Status check_user(const UserRecord& user) {
  if (user.id.empty() || user.username.empty())
    return make_error(ErrorCode::invalid_input, "a user needs a non-empty id and username");
  return {};
}

Result<UserRecord> one_user(SqlTx& tx, const char* column, const std::string& value,
                            const std::string& missing) {
  auto rows = tx.query(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE " + column + " = $1", {value});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::not_found, missing);
  return user_of(rows->front());
}

constexpr const char* kSeriesColumns =
    "id, study_id, description, modality, nx, ny, nz, spacing_x, spacing_y, spacing_z, unit, "
    "created_us";
constexpr const char* kModelColumns =
    "id, series_id, name, kind, threshold, labels, status, progress, error, structures, "
    "triangles, created_by, created_us, updated_us";

SeriesRecord series_of(const SqlRow& r) {
  SeriesRecord series;
  series.id = r.text(0);
  series.study_id = r.text(1);
  series.description = r.text(2);
  series.modality = r.text(3);
  series.dims = {r.integer(4), r.integer(5), r.integer(6)};
  series.spacing_mm = {r.real(7), r.real(8), r.real(9)};
  series.unit = r.text(10);
  series.created_us = r.integer(11);
  return series;
}

Result<ModelRecord> model_of(const SqlRow& r) {
  ModelRecord model;
  model.id = r.text(0);
  model.series_id = r.text(1);
  model.name = r.text(2);
  model.kind = r.text(3);
  if (!r.is_null(4)) model.threshold = r.real(4);
  model.labels = r.text(5);
  const std::string status = r.text(6);
  const auto parsed = parse_model_status(status);
  if (!parsed) {
    return make_error(ErrorCode::internal, "model '" + model.id + "' has an unknown status '" +
                                               status + "' in the store");
  }
  model.status = *parsed;
  model.progress = r.real(7);
  model.error = r.text(8);
  model.structures = r.integer(9);
  model.triangles = r.integer(10);
  model.created_by = r.text(11);
  model.created_us = r.integer(12);
  model.updated_us = r.integer(13);
  return model;
}

// An INSERT's failure in words: a duplicate id, or a parent (foreign key) that is missing.
Status inserted(const Result<std::int64_t>& done, const std::string& what,
                const std::string& parent) {
  if (done.ok()) return {};
  if (done.error().code == ErrorCode::conflict)
    return make_error(ErrorCode::conflict, what + " already exists");
  if (done.error().code == ErrorCode::not_found)
    return make_error(ErrorCode::not_found, "cannot create " + what + ": " + parent + " not found");
  return done.error();
}

// A LIMIT for `limit` rows, where 0 means no limit.
std::int64_t sql_limit(std::size_t limit) {
  return limit == 0 || limit > static_cast<std::size_t>(INT64_MAX)
             ? INT64_MAX
             : static_cast<std::int64_t>(limit);
}

// The session's status; `lock_row` (PostgreSQL) makes writers on other
// instances take turns on the session, so each sees the seq the other committed.
Status session_exists(SqlTx& tx, const std::string& id, bool lock_row) {
  auto rows = tx.query(
      std::string("SELECT status FROM sessions WHERE id = $1") + (lock_row ? " FOR UPDATE" : ""),
      {id});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return make_error(ErrorCode::not_found, "session '" + id + "' not found");
  return {};
}

Result<std::uint64_t> last_seq(SqlTx& tx, const std::string& session_id) {
  auto rows = tx.query("SELECT coalesce(max(seq), 0) FROM session_events WHERE session_id = $1",
                       {session_id});
  if (!rows.ok()) return rows.error();
  return rows->empty() ? 0 : static_cast<std::uint64_t>(rows->front().integer(0));
}

StudyRecord study_of(const SqlRow& r) {
  StudyRecord s;
  s.id = r.text(0);
  s.title = r.text(1);
  s.description = r.text(2);
  s.library = r.text(3);
  s.modality = r.text(4);
  s.source = r.text(5);
  s.patient_id = r.text(6);
  s.bundle = r.text(7);
  s.created_by = r.text(8);
  s.created_us = r.integer(9);
  s.patient_record_id = r.text(10);
  return s;
}

SessionMember member_of(const SqlRow& r) {
  SessionMember m;
  m.session_id = r.text(0);
  m.user_id = r.text(1);
  m.role = parse_session_role(r.text(2)).value_or(SessionRole::observer);
  m.team_role = r.text(3);
  m.added_by = r.text(4);
  m.added_us = r.integer(5);
  return m;
}

SessionInvite invite_of(const SqlRow& r) {
  SessionInvite i;
  i.code_hash = r.text(0);
  i.session_id = r.text(1);
  i.role = parse_session_role(r.text(2)).value_or(SessionRole::observer);
  i.created_by = r.text(3);
  i.created_us = r.integer(4);
  i.expires_us = r.integer(5);
  i.max_uses = r.integer(6);
  i.uses = r.integer(7);
  return i;
}

PatientRecord patient_of(const SqlRow& r) {
  return PatientRecord{r.text(0), r.text(1), r.text(2), r.text(3),
                       r.text(4), r.text(5), r.text(6), r.integer(7)};
}

// Checks that the session and the user exist, naming the missing one.
Status require_session_and_user(SqlTx& tx, const std::string& what, const std::string& session_id,
                                const std::string& user_id) {
  auto rows = tx.query(
      "SELECT (SELECT count(*) FROM sessions WHERE id = $1),"
      " (SELECT count(*) FROM users WHERE id = $2)",
      {session_id, user_id});
  if (!rows.ok()) return rows.error();
  if (rows->empty() || rows->front().integer(0) == 0)
    return make_error(ErrorCode::not_found, what + ": session '" + session_id + "' not found");
  if (rows->front().integer(1) == 0)
    return make_error(ErrorCode::not_found, what + ": user with id '" + user_id + "' not found");
  return {};
}

}  // namespace

// ---- tokens ----

Status SqlRecordStore::put_token(const TokenRecord& token) {
  if (token.token_hash.empty())
    return make_error(ErrorCode::invalid_input, "a token needs a non-empty hash");
  // The hash is a credential in its own right, so messages never quote it.
  return sql().transact("cannot store token for user '" + token.user_id + "'", [&](SqlTx& tx) {
    auto done = tx.exec(
        "INSERT INTO tokens (token_hash, user_id, created_us, expires_us, kind)"
        " VALUES ($1, $2, $3, $4, $5)",
        {token.token_hash, token.user_id, token.created_us, token.expires_us,
         std::string(to_string(token.kind))});
    if (!done.ok() && done.error().code == ErrorCode::not_found) {
      return Status(make_error(ErrorCode::not_found, "cannot store token: user with id '" +
                                                         token.user_id + "' not found"));
    }
    if (!done.ok()) return Status(done.error());
    return Status();
  });
}

Result<TokenRecord> SqlRecordStore::find_token(const std::string& token_hash) {
  return read<TokenRecord>(sql(), "cannot look up token", [&](SqlTx& tx) -> Result<TokenRecord> {
    auto rows = tx.query(
        "SELECT token_hash, user_id, created_us, expires_us, kind FROM tokens"
        " WHERE token_hash = $1",
        {token_hash});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::not_found, "token not found");
    const SqlRow& r = rows->front();
    return TokenRecord{r.text(0), r.text(1), r.integer(2), r.integer(3),
                       parse_token_kind(r.text(4)).value_or(TokenKind::user)};
  });
}

Status SqlRecordStore::delete_token(const std::string& token_hash) {
  return sql().transact("cannot delete token", [&](SqlTx& tx) -> Status {
    auto n = tx.exec("DELETE FROM tokens WHERE token_hash = $1", {token_hash});
    if (!n.ok()) return n.error();
    if (*n == 0) return make_error(ErrorCode::not_found, "token not found");
    return {};
  });
}

Status SqlRecordStore::delete_tokens_of_user(const std::string& user_id) {
  return sql().transact("cannot delete tokens of user '" + user_id + "'", [&](SqlTx& tx) {
    auto n = tx.exec("DELETE FROM tokens WHERE user_id = $1", {user_id});
    return n.ok() ? Status() : Status(n.error());
  });
}

Result<std::int64_t> SqlRecordStore::purge_expired_tokens(std::int64_t now_us) {
  return read<std::int64_t>(sql(), "cannot purge expired tokens", [&](SqlTx& tx) {
    return tx.exec("DELETE FROM tokens WHERE expires_us <= $1", {now_us});
  });
}

Result<std::vector<std::string>> SqlRecordStore::list_token_hashes_of_user(
    const std::string& user_id) {
  return read<std::vector<std::string>>(
      sql(), "cannot list tokens of user '" + user_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<std::string>> {
        auto rows = tx.query("SELECT token_hash FROM tokens WHERE user_id = $1 ORDER BY created_us",
                             {user_id});
        if (!rows.ok()) return rows.error();
        std::vector<std::string> out;
        for (const auto& r : *rows) out.push_back(r.text(0));
        return out;
      });
}

// ---- sessions ----

Status SqlRecordStore::create_session(const SessionRecord& session) {
  if (session.id.empty())
    return make_error(ErrorCode::invalid_input, "a session needs a non-empty id");
  return sql().transact("cannot create session '" + session.id + "'", [&](SqlTx& tx) -> Status {
    auto done = tx.exec(
        std::string("INSERT INTO sessions (") + kSessionColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {session.id, session.title, session.kind, session.created_by,
         std::string(to_string(session.status)), as_signed(session.seed), session.created_us,
         session.ended_us, std::string(to_string(session.mode)), session.instance_id});
    if (!done.ok() && done.error().code == ErrorCode::conflict)
      return make_error(ErrorCode::conflict, "session '" + session.id + "' already exists");
    if (!done.ok()) return done.error();
    return {};
  });
}

Result<SessionRecord> SqlRecordStore::get_session(const std::string& id) {
  return read<SessionRecord>(
      sql(), "cannot read session '" + id + "'", [&](SqlTx& tx) -> Result<SessionRecord> {
        auto rows = tx.query(
            std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE id = $1", {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty())
          return make_error(ErrorCode::not_found, "session '" + id + "' not found");
        return session_of(rows->front());
      });
}

Result<std::vector<SessionRecord>> SqlRecordStore::list_sessions() {
  return read<std::vector<SessionRecord>>(
      sql(), "cannot list sessions", [&](SqlTx& tx) -> Result<std::vector<SessionRecord>> {
        auto rows = tx.query(std::string("SELECT ") + kSessionColumns +
                             " FROM sessions ORDER BY created_us DESC, id DESC");
        if (!rows.ok()) return rows.error();
        return sessions_of(*rows);
      });
}

Result<std::vector<SessionRecord>> SqlRecordStore::list_sessions_of_member(
    const std::string& user_id) {
  return read<std::vector<SessionRecord>>(
      sql(), "cannot list sessions of user '" + user_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<SessionRecord>> {
        auto rows = tx.query(std::string("SELECT ") + kSessionColumns +
                                 " FROM sessions WHERE id IN"
                                 " (SELECT session_id FROM session_members WHERE user_id = $1)"
                                 " ORDER BY created_us DESC, id DESC",
                             {user_id});
        if (!rows.ok()) return rows.error();
        return sessions_of(*rows);
      });
}

Status SqlRecordStore::end_session(const std::string& id, SessionStatus status,
                                   std::int64_t ended_us) {
  if (status == SessionStatus::running)
    return make_error(ErrorCode::invalid_input, "end_session needs an ended status, not 'running'");
  return sql().transact("cannot end session '" + id + "'", [&](SqlTx& tx) -> Status {
    auto rows = tx.query("SELECT status FROM sessions WHERE id = $1", {id});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return make_error(ErrorCode::not_found, "session '" + id + "' not found");
    const std::string current = rows->front().text(0);
    if (current != to_string(SessionStatus::running)) {
      return make_error(ErrorCode::conflict,
                        "session '" + id + "' has already ended (" + current + ")");
    }
    auto done = tx.exec("UPDATE sessions SET status = $1, ended_us = $2 WHERE id = $3",
                        {std::string(to_string(status)), ended_us, id});
    return done.ok() ? Status() : Status(done.error());
  });
}

Result<std::int64_t> SqlRecordStore::mark_running_sessions_abnormal(std::int64_t ended_us) {
  return read<std::int64_t>(
      sql(), "cannot mark running sessions as ended abnormally", [&](SqlTx& tx) {
        return tx.exec("UPDATE sessions SET status = $1, ended_us = $2 WHERE status = $3",
                       {std::string(to_string(SessionStatus::ended_abnormally)), ended_us,
                        std::string(to_string(SessionStatus::running))});
      });
}

Result<std::vector<SessionRecord>> SqlRecordStore::list_orphaned_sessions(
    const std::string& restarting_instance, std::int64_t now_us) {
  return read<std::vector<SessionRecord>>(
      sql(), "cannot list the sessions of stopped instances",
      [&](SqlTx& tx) -> Result<std::vector<SessionRecord>> {
        // A session is orphaned when no instance with a live lease owns it,
        // or when its instance is starting again (it died with the process).
        auto rows =
            tx.query(std::string("SELECT ") + kSessionColumns +
                         " FROM sessions WHERE status = $1 AND (instance_id = $2 OR NOT"
                         " EXISTS (SELECT 1 FROM instances WHERE"
                         " instances.id = sessions.instance_id"
                         " AND instances.lease_expires_us > $3))"
                         " ORDER BY created_us, id",
                     {std::string(to_string(SessionStatus::running)), restarting_instance, now_us});
        if (!rows.ok()) return rows.error();
        return sessions_of(*rows);
      });
}

Status SqlRecordStore::set_session_instance(const std::string& session_id,
                                            const std::string& instance_id) {
  return sql().transact(
      "cannot record the instance of session '" + session_id + "'", [&](SqlTx& tx) -> Status {
        auto n = tx.exec("UPDATE sessions SET instance_id = $1 WHERE id = $2",
                         {instance_id, session_id});
        if (!n.ok()) return n.error();
        if (*n == 0)
          return make_error(ErrorCode::not_found, "session '" + session_id + "' not found");
        return {};
      });
}

// ---- members ----

Status SqlRecordStore::add_session_instructor(const std::string& session_id,
                                              const std::string& user_id, std::int64_t added_us) {
  const std::string what =
      "cannot add instructor '" + user_id + "' to session '" + session_id + "'";
  return sql().transact(what, [&](SqlTx& tx) -> Status {
    MV_TRY(require_session_and_user(tx, what, session_id, user_id));
    // An existing member becomes an instructor; a new one is added as one.
    auto done =
        tx.exec(std::string("INSERT INTO session_members (") + kMemberColumns +
                    ") VALUES ($1, $2, $3, '', '', $4)"
                    " ON CONFLICT (session_id, user_id) DO UPDATE SET role = excluded.role",
                {session_id, user_id, std::string(to_string(SessionRole::instructor)), added_us});
    return done.ok() ? Status() : Status(done.error());
  });
}

Result<std::vector<std::string>> SqlRecordStore::list_session_instructors(
    const std::string& session_id) {
  return read<std::vector<std::string>>(
      sql(), "cannot list instructors of session '" + session_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<std::string>> {
        auto rows = tx.query(
            "SELECT user_id FROM session_members WHERE session_id = $1 AND role = $2"
            " ORDER BY added_us, user_id",
            {session_id, std::string(to_string(SessionRole::instructor))});
        if (!rows.ok()) return rows.error();
        std::vector<std::string> out;
        for (const auto& r : *rows) out.push_back(r.text(0));
        return out;
      });
}

Result<bool> SqlRecordStore::is_session_instructor(const std::string& session_id,
                                                   const std::string& user_id) {
  auto m = find_session_member(session_id, user_id);
  if (!m.ok()) return m.error();
  return m->has_value() && (*m)->role == SessionRole::instructor;
}

Status SqlRecordStore::put_session_member(const SessionMember& member) {
  const std::string what =
      "cannot add member '" + member.user_id + "' to session '" + member.session_id + "'";
  return sql().transact(what, [&](SqlTx& tx) -> Status {
    MV_TRY(require_session_and_user(tx, what, member.session_id, member.user_id));
    auto done = tx.exec(std::string("INSERT INTO session_members (") + kMemberColumns +
                            ") VALUES ($1, $2, $3, $4, $5, $6)"
                            " ON CONFLICT (session_id, user_id) DO UPDATE SET"
                            " role = excluded.role, team_role = excluded.team_role",
                        {member.session_id, member.user_id, std::string(to_string(member.role)),
                         member.team_role, member.added_by, member.added_us});
    return done.ok() ? Status() : Status(done.error());
  });
}

Result<std::optional<SessionMember>> SqlRecordStore::find_session_member(
    const std::string& session_id, const std::string& user_id) {
  return read<std::optional<SessionMember>>(
      sql(), "cannot look up member '" + user_id + "' of session '" + session_id + "'",
      [&](SqlTx& tx) -> Result<std::optional<SessionMember>> {
        auto rows = tx.query(std::string("SELECT ") + kMemberColumns +
                                 " FROM session_members WHERE session_id = $1 AND user_id = $2",
                             {session_id, user_id});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return std::optional<SessionMember>();
        return std::optional<SessionMember>(member_of(rows->front()));
      });
}

Result<std::vector<SessionMember>> SqlRecordStore::list_session_members(
    const std::string& session_id) {
  return read<std::vector<SessionMember>>(
      sql(), "cannot list members of session '" + session_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<SessionMember>> {
        auto rows = tx.query(std::string("SELECT ") + kMemberColumns +
                                 " FROM session_members WHERE session_id = $1"
                                 " ORDER BY added_us, user_id",
                             {session_id});
        if (!rows.ok()) return rows.error();
        std::vector<SessionMember> out;
        for (const auto& r : *rows) out.push_back(member_of(r));
        return out;
      });
}

Status SqlRecordStore::remove_session_member(const std::string& session_id,
                                             const std::string& user_id) {
  return sql().transact(
      "cannot remove member '" + user_id + "' from session '" + session_id + "'",
      [&](SqlTx& tx) -> Status {
        auto n = tx.exec("DELETE FROM session_members WHERE session_id = $1 AND user_id = $2",
                         {session_id, user_id});
        if (!n.ok()) return n.error();
        if (*n == 0)
          return make_error(
              ErrorCode::not_found,
              "user with id '" + user_id + "' is not a member of session '" + session_id + "'");
        return {};
      });
}

Status SqlRecordStore::put_session_invite(const SessionInvite& invite) {
  if (invite.code_hash.empty() || invite.max_uses < 1)
    return make_error(ErrorCode::invalid_input, "an invite needs a code and at least one use");
  return sql().transact(
      "cannot store an invite to session '" + invite.session_id + "'", [&](SqlTx& tx) -> Status {
        auto done = tx.exec(std::string("INSERT INTO session_invites (") + kInviteColumns +
                                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            {invite.code_hash, invite.session_id,
                             std::string(to_string(invite.role)), invite.created_by,
                             invite.created_us, invite.expires_us, invite.max_uses, invite.uses});
        if (!done.ok() && done.error().code == ErrorCode::not_found)
          return make_error(ErrorCode::not_found, "session '" + invite.session_id + "' not found");
        return done.ok() ? Status() : Status(done.error());
      });
}

Result<SessionInvite> SqlRecordStore::use_session_invite(const std::string& code_hash,
                                                         std::int64_t now_us) {
  return read<SessionInvite>(
      sql(), "cannot use an invite", [&](SqlTx& tx) -> Result<SessionInvite> {
        auto rows = tx.query(
            std::string("SELECT ") + kInviteColumns + " FROM session_invites WHERE code_hash = $1",
            {code_hash});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return make_error(ErrorCode::not_found, "no such invite code");
        SessionInvite invite = invite_of(rows->front());
        if (invite.expires_us <= now_us)
          return make_error(ErrorCode::conflict, "this invite code has expired");
        // The guard in the UPDATE makes two concurrent uses of the last slot
        // take it once (a row lock in PostgreSQL, the write lock in SQLite).
        auto n = tx.exec(
            "UPDATE session_invites SET uses = uses + 1 WHERE code_hash = $1 AND uses < max_uses",
            {code_hash});
        if (!n.ok()) return n.error();
        if (*n == 0) return make_error(ErrorCode::conflict, "this invite code has been used up");
        ++invite.uses;
        return invite;
      });
}

// ---- instances ----

Status SqlRecordStore::renew_instance_lease(const InstanceLease& lease) {
  return sql().transact(
      "cannot renew the lease of instance '" + lease.id + "'", [&](SqlTx& tx) -> Status {
        auto done = tx.exec(
            "INSERT INTO instances (id, public_url, started_us, heartbeat_us,"
            " lease_expires_us) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (id) DO UPDATE SET public_url = excluded.public_url,"
            " heartbeat_us = excluded.heartbeat_us,"
            " lease_expires_us = excluded.lease_expires_us",
            {lease.id, lease.public_url, lease.started_us, lease.heartbeat_us, lease.expires_us});
        return done.ok() ? Status() : Status(done.error());
      });
}

Result<std::optional<InstanceLease>> SqlRecordStore::find_instance_lease(const std::string& id) {
  return read<std::optional<InstanceLease>>(
      sql(), "cannot read the lease of instance '" + id + "'",
      [&](SqlTx& tx) -> Result<std::optional<InstanceLease>> {
        auto rows = tx.query(
            "SELECT id, public_url, started_us, heartbeat_us, lease_expires_us FROM instances"
            " WHERE id = $1",
            {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return std::optional<InstanceLease>();
        const SqlRow& r = rows->front();
        return std::optional<InstanceLease>(
            InstanceLease{r.text(0), r.text(1), r.integer(2), r.integer(3), r.integer(4)});
      });
}

// ---- studies ----

Status SqlRecordStore::create_study(const StudyRecord& study) {
  if (study.id.empty()) return make_error(ErrorCode::invalid_input, "a study needs an id");
  return sql().transact("cannot create study '" + study.id + "'", [&](SqlTx& tx) -> Status {
    auto done = tx.exec(std::string("INSERT INTO studies (") + kStudyColumns +
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        {study.id, study.title, study.description, study.library, study.modality,
                         study.source, study.patient_id, study.bundle, study.created_by,
                         study.created_us, study.patient_record_id});
    if (!done.ok() && done.error().code == ErrorCode::conflict)
      return make_error(ErrorCode::conflict, "study '" + study.id + "' already exists");
    return done.ok() ? Status() : Status(done.error());
  });
}

Result<StudyRecord> SqlRecordStore::get_study(const std::string& id) {
  return read<StudyRecord>(
      sql(), "cannot read study '" + id + "'", [&](SqlTx& tx) -> Result<StudyRecord> {
        auto rows =
            tx.query(std::string("SELECT ") + kStudyColumns + " FROM studies WHERE id = $1", {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return make_error(ErrorCode::not_found, "study '" + id + "' not found");
        return study_of(rows->front());
      });
}

Result<std::vector<StudyRecord>> SqlRecordStore::list_studies() {
  return read<std::vector<StudyRecord>>(
      sql(), "cannot list studies", [&](SqlTx& tx) -> Result<std::vector<StudyRecord>> {
        auto rows = tx.query(std::string("SELECT ") + kStudyColumns +
                             " FROM studies ORDER BY created_us, id");
        if (!rows.ok()) return rows.error();
        std::vector<StudyRecord> out;
        for (const auto& r : *rows) out.push_back(study_of(r));
        return out;
      });
}

Status SqlRecordStore::set_study_patient(const std::string& study_id,
                                         const std::string& patient_record_id) {
  return sql().transact("cannot file study '" + study_id + "'", [&](SqlTx& tx) -> Status {
    auto n = tx.exec("UPDATE studies SET patient_record_id = $1 WHERE id = $2",
                     {patient_record_id, study_id});
    if (!n.ok()) return n.error();
    if (*n == 0) return make_error(ErrorCode::not_found, "study '" + study_id + "' not found");
    return {};
  });
}

Status SqlRecordStore::replace_sealed(SealedColumn column, const std::string& id,
                                      const std::string& value) {
  // Table and column names come from this fixed table, never from input.
  struct Target {
    const char* table;
    const char* column;
  };
  const Target t = [&]() -> Target {
    switch (column) {
      case SealedColumn::patient_name:
        return {"patients", "name"};
      case SealedColumn::patient_contact:
        return {"patients", "contact"};
      case SealedColumn::patient_identifiers:
        return {"patients", "identifiers"};
      case SealedColumn::study_title:
        return {"studies", "title"};
      case SealedColumn::study_description:
        return {"studies", "description"};
      case SealedColumn::study_patient_id:
        return {"studies", "patient_id"};
      case SealedColumn::series_description:
        return {"series", "description"};
      case SealedColumn::artifact_data:
        return {"artifacts", "data"};
    }
    return {"patients", "name"};
  }();
  const std::string what =
      std::string("cannot rewrite ") + t.table + "." + t.column + " of '" + id + "'";
  return sql().transact(what, [&](SqlTx& tx) -> Status {
    const SqlParam v =
        column == SealedColumn::artifact_data ? SqlParam(SqlBlob{value}) : SqlParam(value);
    auto n = tx.exec(std::string("UPDATE ") + t.table + " SET " + t.column + " = $1 WHERE id = $2",
                     {v, id});
    if (!n.ok()) return n.error();
    if (*n == 0) return make_error(ErrorCode::not_found, what + ": not found");
    return {};
  });
}

// ---- patients and care teams ----

Status SqlRecordStore::create_patient(const PatientRecord& p) {
  if (p.id.empty() || p.alias.empty())
    return make_error(ErrorCode::invalid_input, "a patient needs an id and an alias");
  return sql().transact("cannot create patient '" + p.id + "'", [&](SqlTx& tx) -> Status {
    auto done = tx.exec(
        std::string("INSERT INTO patients (") + kPatientColumns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {p.id, p.alias, p.name_sealed, p.contact_sealed, p.identifiers_sealed,
         p.user_id.empty() ? SqlParam(nullptr) : SqlParam(p.user_id), p.created_by, p.created_us});
    if (!done.ok() && done.error().code == ErrorCode::conflict)
      return make_error(ErrorCode::conflict, "patient '" + p.id + "' already exists");
    if (!done.ok() && done.error().code == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "user with id '" + p.user_id + "' not found");
    return done.ok() ? Status() : Status(done.error());
  });
}

Result<PatientRecord> SqlRecordStore::get_patient(const std::string& id) {
  return read<PatientRecord>(
      sql(), "cannot read patient '" + id + "'", [&](SqlTx& tx) -> Result<PatientRecord> {
        auto rows = tx.query(
            std::string("SELECT ") + kPatientColumns + " FROM patients WHERE id = $1", {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty())
          return make_error(ErrorCode::not_found, "patient '" + id + "' not found");
        return patient_of(rows->front());
      });
}

Status SqlRecordStore::update_patient(const PatientRecord& p) {
  return sql().transact("cannot update patient '" + p.id + "'", [&](SqlTx& tx) -> Status {
    auto n = tx.exec(
        "UPDATE patients SET alias = $1, name = $2, contact = $3, identifiers = $4, user_id = $5"
        " WHERE id = $6",
        {p.alias, p.name_sealed, p.contact_sealed, p.identifiers_sealed,
         p.user_id.empty() ? SqlParam(nullptr) : SqlParam(p.user_id), p.id});
    if (!n.ok()) return n.error();
    if (*n == 0) return make_error(ErrorCode::not_found, "patient '" + p.id + "' not found");
    return {};
  });
}

Result<std::vector<PatientRecord>> SqlRecordStore::list_patients() {
  return read<std::vector<PatientRecord>>(
      sql(), "cannot list patients", [&](SqlTx& tx) -> Result<std::vector<PatientRecord>> {
        auto rows = tx.query(std::string("SELECT ") + kPatientColumns +
                             " FROM patients ORDER BY created_us, id");
        if (!rows.ok()) return rows.error();
        std::vector<PatientRecord> out;
        for (const auto& r : *rows) out.push_back(patient_of(r));
        return out;
      });
}

Status SqlRecordStore::add_care_team_member(const CareTeamMember& m) {
  const std::string what =
      "cannot add user '" + m.user_id + "' to the care team of patient '" + m.patient_id + "'";
  return sql().transact(what, [&](SqlTx& tx) -> Status {
    auto rows = tx.query(
        "SELECT (SELECT count(*) FROM patients WHERE id = $1),"
        " (SELECT count(*) FROM users WHERE id = $2)",
        {m.patient_id, m.user_id});
    if (!rows.ok()) return rows.error();
    if (rows->front().integer(0) == 0)
      return make_error(ErrorCode::not_found, what + ": patient not found");
    if (rows->front().integer(1) == 0)
      return make_error(ErrorCode::not_found, what + ": user not found");
    auto done = tx.exec(
        "INSERT INTO care_team (patient_id, user_id, added_by, added_us) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (patient_id, user_id) DO NOTHING",
        {m.patient_id, m.user_id, m.added_by, m.added_us});
    return done.ok() ? Status() : Status(done.error());
  });
}

Status SqlRecordStore::remove_care_team_member(const std::string& patient_id,
                                               const std::string& user_id) {
  return sql().transact(
      "cannot remove user '" + user_id + "' from the care team of patient '" + patient_id + "'",
      [&](SqlTx& tx) -> Status {
        auto n = tx.exec("DELETE FROM care_team WHERE patient_id = $1 AND user_id = $2",
                         {patient_id, user_id});
        if (!n.ok()) return n.error();
        if (*n == 0)
          return make_error(
              ErrorCode::not_found,
              "user '" + user_id + "' is not on the care team of patient '" + patient_id + "'");
        return {};
      });
}

Result<std::vector<CareTeamMember>> SqlRecordStore::list_care_team(const std::string& patient_id) {
  return read<std::vector<CareTeamMember>>(
      sql(), "cannot list the care team of patient '" + patient_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<CareTeamMember>> {
        auto rows = tx.query(
            "SELECT patient_id, user_id, added_by, added_us FROM care_team WHERE patient_id = $1"
            " ORDER BY added_us, user_id",
            {patient_id});
        if (!rows.ok()) return rows.error();
        std::vector<CareTeamMember> out;
        for (const auto& r : *rows)
          out.push_back(CareTeamMember{r.text(0), r.text(1), r.text(2), r.integer(3)});
        return out;
      });
}

Result<bool> SqlRecordStore::is_on_care_team(const std::string& patient_id,
                                             const std::string& user_id) {
  return read<bool>(sql(), "cannot look up the care team of patient '" + patient_id + "'",
                    [&](SqlTx& tx) -> Result<bool> {
                      auto rows = tx.query(
                          "SELECT count(*) FROM care_team WHERE patient_id = $1 AND user_id = $2",
                          {patient_id, user_id});
                      if (!rows.ok()) return rows.error();
                      return rows->front().integer(0) > 0;
                    });
}

Result<std::vector<std::string>> SqlRecordStore::patients_cared_for_by(const std::string& user_id) {
  return read<std::vector<std::string>>(
      sql(), "cannot list the patients of user '" + user_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<std::string>> {
        auto rows = tx.query(
            "SELECT patient_id FROM care_team WHERE user_id = $1 ORDER BY added_us, patient_id",
            {user_id});
        if (!rows.ok()) return rows.error();
        std::vector<std::string> out;
        for (const auto& r : *rows) out.push_back(r.text(0));
        return out;
      });
}

Status SqlRecordStore::grant_emergency_access(const EmergencyAccess& a) {
  return sql().transact(
      "cannot record emergency access to patient '" + a.patient_id + "'", [&](SqlTx& tx) {
        auto done = tx.exec(
            "INSERT INTO emergency_access (id, patient_id, user_id, reason, started_us,"
            " expires_us) VALUES ($1, $2, $3, $4, $5, $6)",
            {a.id, a.patient_id, a.user_id, a.reason, a.started_us, a.expires_us});
        return done.ok() ? Status() : Status(done.error());
      });
}

Result<std::vector<EmergencyAccess>> SqlRecordStore::list_emergency_access(
    const std::string& patient_id) {
  return read<std::vector<EmergencyAccess>>(
      sql(), "cannot list emergency access to patient '" + patient_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<EmergencyAccess>> {
        auto rows = tx.query(
            "SELECT id, patient_id, user_id, reason, started_us, expires_us FROM emergency_access"
            " WHERE patient_id = $1 ORDER BY started_us DESC, id DESC",
            {patient_id});
        if (!rows.ok()) return rows.error();
        std::vector<EmergencyAccess> out;
        for (const auto& r : *rows)
          out.push_back(EmergencyAccess{r.text(0), r.text(1), r.text(2), r.text(3), r.integer(4),
                                        r.integer(5)});
        return out;
      });
}

Status SqlRecordStore::create_user(const UserRecord& user) {
  MV_TRY(check_user(user));
  return sql().transact(
      "cannot create user '" + user.username + "' (id '" + user.id + "')",
      [&](SqlTx& tx) -> Status {
        MV_TRY(username_free(tx, user.username, user.id));
        auto done =
            tx.exec(std::string("INSERT INTO users (") + kUserColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    {user.id, user.username, user.display_name, std::string(to_string(user.role)),
                     user.password_hash, std::int64_t{user.must_change_password ? 1 : 0},
                     std::int64_t{user.disabled ? 1 : 0}, user.created_us});
        return done.ok() ? Status() : Status(done.error());
      });
}

Result<UserRecord> SqlRecordStore::find_user_by_id(const std::string& id) {
  return read<UserRecord>(sql(), "cannot look up user", [&](SqlTx& tx) {
    return one_user(tx, "id", id, "user with id '" + id + "' not found");
  });
}

Result<UserRecord> SqlRecordStore::find_user_by_name(const std::string& username) {
  return read<UserRecord>(sql(), "cannot look up user", [&](SqlTx& tx) {
    return one_user(tx, "username", username, "user '" + username + "' not found");
  });
}

Result<std::vector<UserRecord>> SqlRecordStore::list_users() {
  return read<std::vector<UserRecord>>(
      sql(), "cannot list users", [&](SqlTx& tx) -> Result<std::vector<UserRecord>> {
        auto rows =
            tx.query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username");
        if (!rows.ok()) return rows.error();
        std::vector<UserRecord> users;
        for (const auto& r : *rows) {
          auto user = user_of(r);
          if (!user.ok()) return user.error();
          users.push_back(std::move(user).value());
        }
        return users;
      });
}

Status SqlRecordStore::update_user(const UserRecord& user) {
  MV_TRY(check_user(user));
  return sql().transact("cannot update user '" + user.username + "'", [&](SqlTx& tx) -> Status {
    MV_TRY(username_free(tx, user.username, user.id));
    auto changed = tx.exec(
        "UPDATE users SET username = $1, display_name = $2, role = $3, password_hash = $4,"
        " must_change_password = $5, disabled = $6, created_us = $7 WHERE id = $8",
        {user.username, user.display_name, std::string(to_string(user.role)), user.password_hash,
         std::int64_t{user.must_change_password ? 1 : 0}, std::int64_t{user.disabled ? 1 : 0},
         user.created_us, user.id});
    if (!changed.ok()) return changed.error();
    if (*changed == 0)
      return make_error(ErrorCode::not_found, "user with id '" + user.id + "' not found");
    return {};
  });
}

Result<std::int64_t> SqlRecordStore::count_users() {
  return read<std::int64_t>(sql(), "cannot count users", [&](SqlTx& tx) -> Result<std::int64_t> {
    auto rows = tx.query("SELECT count(*) FROM users");
    if (!rows.ok()) return rows.error();
    return rows->empty() ? 0 : rows->front().integer(0);
  });
}

Status SqlRecordStore::append_audit(const AuditEntry& entry) {
  return sql().transact("cannot append to the audit log", [&](SqlTx& tx) -> Status {
    auto done = tx.exec(
        "INSERT INTO audit (at_us, actor, action, resource, outcome, detail, remote)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {entry.at_us, entry.actor, entry.action, entry.resource, entry.outcome, entry.detail,
         entry.remote});
    return done.ok() ? Status() : Status(done.error());
  });
}

Result<std::vector<AuditEntry>> SqlRecordStore::list_audit(std::int64_t after_id,
                                                           std::size_t limit) {
  const std::int64_t n = sql_limit(limit);
  return read<std::vector<AuditEntry>>(
      sql(), "cannot list the audit log", [&](SqlTx& tx) -> Result<std::vector<AuditEntry>> {
        auto rows = tx.query(
            "SELECT id, at_us, actor, action, resource, outcome, detail, remote FROM audit"
            " WHERE id > $1 ORDER BY id LIMIT $2",
            {after_id, n});
        if (!rows.ok()) return rows.error();
        std::vector<AuditEntry> entries;
        for (const auto& r : *rows) {
          entries.push_back(AuditEntry{r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4),
                                       r.text(5), r.text(6), r.text(7)});
        }
        return entries;
      });
}

Status SqlRecordStore::create_series(const SeriesRecord& series) {
  if (series.id.empty()) return make_error(ErrorCode::invalid_input, "a series needs an id");
  return sql().transact("cannot create series '" + series.id + "'", [&](SqlTx& tx) -> Status {
    return inserted(
        tx.exec(std::string("INSERT INTO series (") + kSeriesColumns +
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                {series.id, series.study_id, series.description, series.modality, series.dims[0],
                 series.dims[1], series.dims[2], series.spacing_mm[0], series.spacing_mm[1],
                 series.spacing_mm[2], series.unit, series.created_us}),
        "series '" + series.id + "'", "study '" + series.study_id + "'");
  });
}

Result<SeriesRecord> SqlRecordStore::get_series(const std::string& id) {
  return read<SeriesRecord>(
      sql(), "cannot read series '" + id + "'", [&](SqlTx& tx) -> Result<SeriesRecord> {
        auto rows =
            tx.query(std::string("SELECT ") + kSeriesColumns + " FROM series WHERE id = $1", {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return make_error(ErrorCode::not_found, "series '" + id + "' not found");
        return series_of(rows->front());
      });
}

Result<std::vector<SeriesRecord>> SqlRecordStore::list_series(const std::string& study_id) {
  return read<std::vector<SeriesRecord>>(
      sql(), "cannot list series of study '" + study_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<SeriesRecord>> {
        auto rows = tx.query(std::string("SELECT ") + kSeriesColumns +
                                 " FROM series WHERE study_id = $1 ORDER BY created_us, id",
                             {study_id});
        if (!rows.ok()) return rows.error();
        std::vector<SeriesRecord> all;
        for (const auto& r : *rows) all.push_back(series_of(r));
        return all;
      });
}

Status SqlRecordStore::create_model(const ModelRecord& model) {
  if (model.id.empty()) return make_error(ErrorCode::invalid_input, "a model needs an id");
  return sql().transact("cannot create model '" + model.id + "'", [&](SqlTx& tx) -> Status {
    const SqlParam threshold = model.threshold ? SqlParam(*model.threshold) : SqlParam(nullptr);
    return inserted(
        tx.exec(
            std::string("INSERT INTO models (") + kModelColumns +
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            {model.id, model.series_id, model.name, model.kind, threshold, model.labels,
             std::string(to_string(model.status)), model.progress, model.error, model.structures,
             model.triangles, model.created_by, model.created_us, model.updated_us}),
        "model '" + model.id + "'", "series '" + model.series_id + "'");
  });
}

Result<ModelRecord> SqlRecordStore::get_model(const std::string& id) {
  return read<ModelRecord>(
      sql(), "cannot read model '" + id + "'", [&](SqlTx& tx) -> Result<ModelRecord> {
        auto rows =
            tx.query(std::string("SELECT ") + kModelColumns + " FROM models WHERE id = $1", {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return make_error(ErrorCode::not_found, "model '" + id + "' not found");
        return model_of(rows->front());
      });
}

Result<std::vector<ModelRecord>> SqlRecordStore::list_models(const std::string& series_id) {
  return read<std::vector<ModelRecord>>(
      sql(), "cannot list models of series '" + series_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<ModelRecord>> {
        auto rows = tx.query(std::string("SELECT ") + kModelColumns +
                                 " FROM models WHERE series_id = $1 ORDER BY created_us, id",
                             {series_id});
        if (!rows.ok()) return rows.error();
        std::vector<ModelRecord> models;
        for (const auto& r : *rows) {
          auto model = model_of(r);
          if (!model.ok()) return model.error();
          models.push_back(std::move(model).value());
        }
        return models;
      });
}

Status SqlRecordStore::update_model(const ModelRecord& model) {
  return sql().transact("cannot update model '" + model.id + "'", [&](SqlTx& tx) -> Status {
    auto changed = tx.exec(
        "UPDATE models SET status = $1, progress = $2, error = $3, structures = $4,"
        " triangles = $5, updated_us = $6 WHERE id = $7",
        {std::string(to_string(model.status)), model.progress, model.error, model.structures,
         model.triangles, model.updated_us, model.id});
    if (!changed.ok()) return changed.error();
    if (*changed == 0)
      return make_error(ErrorCode::not_found, "model '" + model.id + "' not found");
    return {};
  });
}

Result<std::int64_t> SqlRecordStore::fail_building_models(const std::string& error,
                                                          std::int64_t at_us) {
  std::int64_t n = 0;
  const Status s = sql().transact("cannot mark building models failed", [&](SqlTx& tx) -> Status {
    auto changed = tx.exec(
        "UPDATE models SET status = 'failed', error = $1, updated_us = $2"
        " WHERE status = 'building'",
        {error, at_us});
    if (!changed.ok()) return changed.error();
    n = *changed;
    return {};
  });
  if (!s.ok()) return s.error();
  return n;
}

Status SqlRecordStore::append_events(const std::vector<EventRecord>& events) {
  MV_TRY(check_event_batch(events));
  if (events.empty()) return {};
  const std::string& session_id = events.front().session_id;
  const bool lock_row = sql().dialect() == "postgres";
  return sql().transact(
      "cannot append events to session '" + session_id + "'", [&](SqlTx& tx) -> Status {
        MV_TRY(session_exists(tx, session_id, lock_row));
        auto last = last_seq(tx, session_id);
        if (!last.ok()) return last.error();
        MV_TRY(check_batch_continues_log(events, *last));
        for (const EventRecord& event : events) {
          auto done = tx.exec(
              "INSERT INTO session_events (session_id, seq, tick, wall_us, type, payload)"
              " VALUES ($1, $2, $3, $4, $5, $6)",
              {event.session_id, static_cast<std::int64_t>(event.seq),
               static_cast<std::int64_t>(event.tick), event.wall_us, event.type, event.payload});
          if (!done.ok()) return done.error();
        }
        return {};
      });
}

Result<std::vector<EventRecord>> SqlRecordStore::list_events(const std::string& session_id,
                                                             std::uint64_t after_seq,
                                                             std::size_t limit) {
  const std::int64_t n = sql_limit(limit);
  return read<std::vector<EventRecord>>(
      sql(), "cannot list events of session '" + session_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<EventRecord>> {
        MV_TRY(session_exists(tx, session_id, false));
        auto rows = tx.query(
            "SELECT session_id, seq, tick, wall_us, type, payload FROM session_events"
            " WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            {session_id, static_cast<std::int64_t>(after_seq), n});
        if (!rows.ok()) return rows.error();
        std::vector<EventRecord> events;
        events.reserve(rows->size());
        for (const auto& r : *rows) {
          events.push_back(EventRecord{r.text(0), static_cast<std::uint64_t>(r.integer(1)),
                                       static_cast<std::uint64_t>(r.integer(2)), r.integer(3),
                                       r.text(4), r.text(5)});
        }
        return events;
      });
}

Result<std::uint64_t> SqlRecordStore::last_event_seq(const std::string& session_id) {
  return read<std::uint64_t>(sql(), "cannot read events of session '" + session_id + "'",
                             [&](SqlTx& tx) -> Result<std::uint64_t> {
                               MV_TRY(session_exists(tx, session_id, false));
                               return last_seq(tx, session_id);
                             });
}

Status SqlRecordStore::put_artifact(const ArtifactRecord& artifact) {
  if (artifact.id.empty())
    return make_error(ErrorCode::invalid_input, "an artifact needs a non-empty id");
  return sql().transact("cannot store artifact '" + artifact.id + "'", [&](SqlTx& tx) -> Status {
    // An empty session id stores NULL: the artifact belongs to no session.
    const SqlParam session =
        artifact.session_id.empty() ? SqlParam(nullptr) : SqlParam(artifact.session_id);
    auto done = tx.exec(
        "INSERT INTO artifacts (id, session_id, kind, name, media_type, data, created_us)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {artifact.id, session, artifact.kind, artifact.name, artifact.media_type,
         SqlBlob{artifact.data}, artifact.created_us});
    if (done.ok()) return {};
    if (done.error().code == ErrorCode::not_found)
      return make_error(ErrorCode::not_found, "cannot store artifact '" + artifact.id +
                                                  "': session '" + artifact.session_id +
                                                  "' not found");
    if (done.error().code == ErrorCode::conflict)
      return make_error(ErrorCode::conflict, "artifact '" + artifact.id + "' already exists");
    return done.error();
  });
}

Result<ArtifactRecord> SqlRecordStore::get_artifact(const std::string& id) {
  return read<ArtifactRecord>(
      sql(), "cannot read artifact '" + id + "'", [&](SqlTx& tx) -> Result<ArtifactRecord> {
        auto rows = tx.query(
            "SELECT id, coalesce(session_id, ''), kind, name, media_type, data, created_us"
            " FROM artifacts WHERE id = $1",
            {id});
        if (!rows.ok()) return rows.error();
        if (rows->empty())
          return make_error(ErrorCode::not_found, "artifact '" + id + "' not found");
        const SqlRow& r = rows->front();
        return ArtifactRecord{r.text(0), r.text(1), r.text(2),   r.text(3),
                              r.text(4), r.text(5), r.integer(6)};
      });
}

Result<std::vector<ArtifactRecord>> SqlRecordStore::list_artifacts(const std::string& session_id) {
  return read<std::vector<ArtifactRecord>>(
      sql(), "cannot list artifacts of session '" + session_id + "'",
      [&](SqlTx& tx) -> Result<std::vector<ArtifactRecord>> {
        // An empty id lists the artifacts that belong to no session.
        auto rows =
            session_id.empty()
                ? tx.query(
                      "SELECT id, '', kind, name, media_type, created_us FROM artifacts"
                      " WHERE session_id IS NULL ORDER BY created_us, id")
                : tx.query(
                      "SELECT id, session_id, kind, name, media_type, created_us FROM artifacts"
                      " WHERE session_id = $1 ORDER BY created_us, id",
                      {session_id});
        if (!rows.ok()) return rows.error();
        std::vector<ArtifactRecord> artifacts;
        for (const auto& r : *rows) {
          artifacts.push_back(ArtifactRecord{
              r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), {}, r.integer(5)});
        }
        return artifacts;
      });
}

}  // namespace medvision::store
