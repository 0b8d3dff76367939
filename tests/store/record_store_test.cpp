// The RecordStore contract. Every behaviour runs against both backends, the
// embedded SQLite file and a real PostgreSQL server.

#include "store/record_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <ostream>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "postgres_fixture.h"
#include "store/migrations.h"

namespace medvision {
namespace {

namespace fs = std::filesystem;
using test::PostgresEnvironment;

[[maybe_unused]] ::testing::Environment* const kPostgres =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

constexpr int kLatestSchemaVersion = 4;

template <class R>
std::string why(const R& result) {
  if (result.ok()) return "ok";
  return std::string(to_string(result.error().code)) + ": " + result.error().message;
}

#define ASSERT_OK(expr)                                            \
  do {                                                             \
    const auto& assert_ok_result_ = (expr);                        \
    ASSERT_TRUE(assert_ok_result_.ok()) << why(assert_ok_result_); \
  } while (false)

#define EXPECT_ERROR(expr, expected_code)                                  \
  do {                                                                     \
    const auto& expect_error_result_ = (expr);                             \
    ASSERT_FALSE(expect_error_result_.ok()) << "expected " #expected_code; \
    EXPECT_EQ(expect_error_result_.error().code, ErrorCode::expected_code) \
        << why(expect_error_result_);                                      \
  } while (false)

std::string make_temp_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string path =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/medvision-store-test-XXXXXX";
  if (mkdtemp(path.data()) == nullptr) return {};
  return path;
}

UserRecord make_user(const std::string& username, Role role = Role::trainee) {
  UserRecord user;
  user.id = "usr_" + username;
  user.username = username;
  user.display_name = "Dr. " + username;
  user.role = role;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  user.created_us = 1'700'000'000'000'000;
  return user;
}

SessionRecord make_session(const std::string& id, std::int64_t created_us = 1'000) {
  SessionRecord session;
  session.id = id;
  session.title = "Laparoscopic cholecystectomy " + id;
  session.kind = "sandbox";
  session.created_by = "usr_alice";
  session.seed = 42;
  session.created_us = created_us;
  return session;
}

EventRecord make_event(const std::string& session_id, std::uint64_t seq) {
  return EventRecord{session_id, seq,
                     seq * 10,   2'000 + static_cast<std::int64_t>(seq),
                     "input",    R"({"seq":)" + std::to_string(seq) + "}"};
}

std::vector<EventRecord> make_events(const std::string& session_id, std::uint64_t first,
                                     std::uint64_t count) {
  std::vector<EventRecord> events;
  for (std::uint64_t seq = first; seq < first + count; ++seq) {
    events.push_back(make_event(session_id, seq));
  }
  return events;
}

TokenRecord make_token(const std::string& hash, const std::string& user_id,
                       std::int64_t expires_us) {
  return TokenRecord{hash, user_id, 100, expires_us};
}

AuditEntry make_audit(const std::string& action, std::int64_t at_us) {
  return AuditEntry{0, at_us, "usr_alice", action, "/api/sessions", "ok", "", "127.0.0.1"};
}

enum class Backend { sqlite, postgres };

void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::sqlite ? "SQLite" : "PostgreSQL");
}

std::string backend_label(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

// Each test gets a store of its own: a new SQLite file, or a new PostgreSQL
// database on the shared test server.
class RecordStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::postgres) {
      ASSERT_NE(PostgresEnvironment::require_server(), nullptr);
    } else {
      temp_dir_ = make_temp_dir();
      ASSERT_FALSE(temp_dir_.empty()) << "cannot create a temporary directory";
    }
    url_ = new_store_url();
    ASSERT_FALSE(url_.empty());
    auto opened = open_store(url_);
    ASSERT_OK(opened);
    store_ = std::move(opened).value();
    ASSERT_OK(store_->migrate());
  }

  void TearDown() override {
    store_.reset();
    if (PostgresEnvironment::server() != nullptr) {
      for (const std::string& name : databases_) {
        const Status dropped = PostgresEnvironment::server()->drop_database(name);
        EXPECT_TRUE(dropped.ok()) << why(dropped);
      }
    }
    if (!temp_dir_.empty()) {
      std::error_code ec;
      fs::remove_all(temp_dir_, ec);
    }
  }

  // URL of a new, empty store of the backend under test; "" on failure.
  std::string new_store_url() {
    if (GetParam() == Backend::sqlite) {
      // A nested directory checks that open_store creates parent directories.
      return "sqlite:" + temp_dir_ + "/records/" + std::to_string(store_count_++) + ".db";
    }
    auto database = PostgresEnvironment::server()->create_database();
    EXPECT_TRUE(database.ok()) << why(database);
    if (!database.ok()) return {};
    databases_.push_back(database->name);
    return database->url;
  }

  // URL of a new store whose schema is at `version`, written the way a build
  // of that version left it: the released migrations applied in plain SQL,
  // without RecordStore::migrate. "" on failure.
  std::string new_store_url_at_version(int version, const std::string& then = "") {
    const std::string url = new_store_url();
    if (url.empty()) return {};
    std::string sql = store::kSchemaMigrationsTableSql;
    sql += ";\n";
    for (const store::Migration& migration : store::migrations()) {
      if (migration.version > version) break;
      sql += GetParam() == Backend::sqlite ? migration.sqlite_sql : migration.postgres_sql;
      sql += "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
             std::to_string(migration.version) + ", 1);\n";
    }
    sql += then;
    if (GetParam() == Backend::sqlite) {
      const std::string path = url.substr(std::string("sqlite:").size());
      std::error_code ec;
      fs::create_directories(fs::path(path).parent_path(), ec);
      sqlite3* db = nullptr;
      int rc =
          sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
      char* message = nullptr;
      if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
      EXPECT_EQ(rc, SQLITE_OK) << (message != nullptr ? message : sqlite3_errmsg(db));
      sqlite3_free(message);
      sqlite3_close(db);
      return rc == SQLITE_OK ? url : std::string();
    }
    try {
      pqxx::connection connection(url);
      pqxx::work tx(connection);
      tx.exec(sql);
      tx.commit();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot create a schema at version " << version << ": " << e.what();
      return {};
    }
    return url;
  }

  // Creates users alice and bob and one running session "ses_a" by alice.
  void add_people_and_a_session() {
    ASSERT_OK(store_->create_user(make_user("alice", Role::instructor)));
    ASSERT_OK(store_->create_user(make_user("bob")));
    ASSERT_OK(store_->create_session(make_session("ses_a")));
  }

  std::string url_;
  std::unique_ptr<RecordStore> store_;
  std::string temp_dir_;
  std::vector<std::string> databases_;
  int store_count_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, RecordStoreTest,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_label);

// ---- schema ----

TEST_P(RecordStoreTest, BackendNameNamesTheBackend) {
  EXPECT_EQ(store_->backend_name(), GetParam() == Backend::sqlite ? "sqlite" : "postgres");
}

TEST_P(RecordStoreTest, SchemaVersionIsZeroBeforeMigrateAndLatestAfter) {
  auto opened = open_store(new_store_url());
  ASSERT_OK(opened);
  auto version = (*opened)->schema_version();
  ASSERT_OK(version);
  EXPECT_EQ(*version, 0);
  ASSERT_OK((*opened)->migrate());
  version = (*opened)->schema_version();
  ASSERT_OK(version);
  EXPECT_EQ(*version, kLatestSchemaVersion);
}

TEST_P(RecordStoreTest, MigratingTwiceIsANoOpThatKeepsTheData) {
  ASSERT_OK(store_->create_user(make_user("alice")));
  ASSERT_OK(store_->migrate());
  ASSERT_OK(store_->migrate());
  auto version = store_->schema_version();
  ASSERT_OK(version);
  EXPECT_EQ(*version, kLatestSchemaVersion);
  auto count = store_->count_users();
  ASSERT_OK(count);
  EXPECT_EQ(*count, 1);
}

TEST_P(RecordStoreTest, MigratingAVersionOneDatabaseBringsItToTheLatestAndKeepsItsData) {
  // Rows as a version-1 build wrote them, in that version's columns.
  const std::string url = new_store_url_at_version(
      1,
      "INSERT INTO users (id, username, display_name, role, password_hash, "
      "must_change_password, disabled, created_us) VALUES ('usr_alice', 'alice', 'Dr. alice', "
      "'instructor', 'h', FALSE, FALSE, 1);\n"
      "INSERT INTO sessions (id, title, kind, created_by, status, seed, created_us, ended_us) "
      "VALUES ('ses_old', 'old', 'sandbox', 'usr_alice', 'running', 42, 1000, 0);\n"
      "INSERT INTO session_events (session_id, seq, tick, wall_us, type, payload) VALUES "
      "('ses_old', 1, 0, 1, 'session_started', '{}'), ('ses_old', 2, 5, 2, 'observation', "
      "'{}');\n");
  ASSERT_FALSE(url.empty());
  auto opened = open_store(url);
  ASSERT_OK(opened);
  RecordStore& old_store = **opened;
  auto version = old_store.schema_version();
  ASSERT_OK(version);
  ASSERT_EQ(*version, 1);

  ASSERT_OK(old_store.migrate());
  version = old_store.schema_version();
  ASSERT_OK(version);
  EXPECT_EQ(*version, kLatestSchemaVersion);
  auto alice = old_store.find_user_by_name("alice");
  ASSERT_OK(alice);
  EXPECT_EQ(alice->role, Role::instructor);
  auto last = old_store.last_event_seq("ses_old");
  ASSERT_OK(last);
  EXPECT_EQ(*last, 2u);

  // Sessions from before session modes and members: practice, and their
  // creator is their driver.
  auto old_session = old_store.get_session("ses_old");
  ASSERT_OK(old_session);
  EXPECT_EQ(old_session->mode, SessionMode::practice);
  EXPECT_EQ(old_session->instance_id, "");
  auto creator = old_store.find_session_member("ses_old", "usr_alice");
  ASSERT_OK(creator);
  ASSERT_TRUE(creator->has_value());
  EXPECT_EQ((*creator)->role, SessionRole::driver);

  // The new table is there and refers to the rows written before the upgrade.
  ASSERT_OK(old_store.add_session_instructor("ses_old", "usr_alice", 10));
  auto instructors = old_store.list_session_instructors("ses_old");
  ASSERT_OK(instructors);
  EXPECT_EQ(*instructors, std::vector<std::string>{"usr_alice"});
  EXPECT_ERROR(old_store.add_session_instructor("ses_old", "usr_nobody", 11), not_found);

  ASSERT_OK(old_store.migrate());
  version = old_store.schema_version();
  ASSERT_OK(version);
  EXPECT_EQ(*version, kLatestSchemaVersion);
}

TEST_P(RecordStoreTest, ReopeningTheStoreKeepsTheData) {
  add_people_and_a_session();
  ASSERT_OK(store_->append_events(make_events("ses_a", 1, 3)));
  store_.reset();

  auto reopened = open_store(url_);
  ASSERT_OK(reopened);
  ASSERT_OK((*reopened)->migrate());
  auto alice = (*reopened)->find_user_by_name("alice");
  ASSERT_OK(alice);
  EXPECT_EQ(alice->role, Role::instructor);
  auto last = (*reopened)->last_event_seq("ses_a");
  ASSERT_OK(last);
  EXPECT_EQ(*last, 3u);
}

// ---- users ----

TEST_P(RecordStoreTest, CreatedUserIsFoundByIdAndByNameWithEveryField) {
  UserRecord user = make_user("carol", Role::clinician);
  user.must_change_password = true;
  user.disabled = true;
  ASSERT_OK(store_->create_user(user));

  for (auto found : {store_->find_user_by_id("usr_carol"), store_->find_user_by_name("carol")}) {
    ASSERT_OK(found);
    EXPECT_EQ(found->id, user.id);
    EXPECT_EQ(found->username, user.username);
    EXPECT_EQ(found->display_name, user.display_name);
    EXPECT_EQ(found->role, Role::clinician);
    EXPECT_EQ(found->password_hash, user.password_hash);
    EXPECT_TRUE(found->must_change_password);
    EXPECT_TRUE(found->disabled);
    EXPECT_EQ(found->created_us, user.created_us);
  }
}

TEST_P(RecordStoreTest, DuplicateUsernameIsAConflictThatNamesTheUsername) {
  ASSERT_OK(store_->create_user(make_user("alice")));
  UserRecord again = make_user("alice");
  again.id = "usr_other";
  const Status status = store_->create_user(again);
  EXPECT_ERROR(status, conflict);
  EXPECT_NE(status.error().message.find("'alice'"), std::string::npos) << status.error().message;
}

TEST_P(RecordStoreTest, DuplicateUserIdIsAConflict) {
  ASSERT_OK(store_->create_user(make_user("alice")));
  UserRecord same_id = make_user("alicia");
  same_id.id = "usr_alice";
  EXPECT_ERROR(store_->create_user(same_id), conflict);
}

TEST_P(RecordStoreTest, MissingUserIsNotFoundAndTheMessageNamesIt) {
  const auto by_name = store_->find_user_by_name("bob");
  EXPECT_ERROR(by_name, not_found);
  EXPECT_EQ(by_name.error().message, "user 'bob' not found");
  const auto by_id = store_->find_user_by_id("usr_nobody");
  EXPECT_ERROR(by_id, not_found);
  EXPECT_NE(by_id.error().message.find("usr_nobody"), std::string::npos);
}

TEST_P(RecordStoreTest, UsersAreListedByUsernameAndCounted) {
  for (const char* name : {"zoe", "alice", "mike"}) ASSERT_OK(store_->create_user(make_user(name)));
  auto users = store_->list_users();
  ASSERT_OK(users);
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[0].username, "alice");
  EXPECT_EQ((*users)[1].username, "mike");
  EXPECT_EQ((*users)[2].username, "zoe");
  auto count = store_->count_users();
  ASSERT_OK(count);
  EXPECT_EQ(*count, 3);
}

TEST_P(RecordStoreTest, UpdateUserReplacesItsFields) {
  ASSERT_OK(store_->create_user(make_user("alice")));
  UserRecord changed = make_user("alice");
  changed.username = "alice.smith";
  changed.display_name = "Prof. Alice Smith";
  changed.role = Role::admin;
  changed.password_hash = "$argon2id$new";
  changed.must_change_password = true;
  changed.disabled = true;
  ASSERT_OK(store_->update_user(changed));

  auto found = store_->find_user_by_id("usr_alice");
  ASSERT_OK(found);
  EXPECT_EQ(found->username, "alice.smith");
  EXPECT_EQ(found->display_name, "Prof. Alice Smith");
  EXPECT_EQ(found->role, Role::admin);
  EXPECT_EQ(found->password_hash, "$argon2id$new");
  EXPECT_TRUE(found->must_change_password);
  EXPECT_TRUE(found->disabled);
  EXPECT_ERROR(store_->find_user_by_name("alice"), not_found);
}

TEST_P(RecordStoreTest, UpdateOfAMissingUserIsNotFound) {
  EXPECT_ERROR(store_->update_user(make_user("ghost")), not_found);
}

TEST_P(RecordStoreTest, RenamingAUserToATakenUsernameIsAConflict) {
  ASSERT_OK(store_->create_user(make_user("alice")));
  ASSERT_OK(store_->create_user(make_user("bob")));
  UserRecord bob = make_user("bob");
  bob.username = "alice";
  EXPECT_ERROR(store_->update_user(bob), conflict);
}

// ---- tokens ----

TEST_P(RecordStoreTest, TokenIsFoundByItsHashUntilDeleted) {
  add_people_and_a_session();
  ASSERT_OK(store_->put_token(make_token("hash1", "usr_alice", 5'000)));
  auto token = store_->find_token("hash1");
  ASSERT_OK(token);
  EXPECT_EQ(token->user_id, "usr_alice");
  EXPECT_EQ(token->created_us, 100);
  EXPECT_EQ(token->expires_us, 5'000);

  ASSERT_OK(store_->delete_token("hash1"));
  EXPECT_ERROR(store_->find_token("hash1"), not_found);
  EXPECT_ERROR(store_->delete_token("hash1"), not_found);
}

TEST_P(RecordStoreTest, TokenForAnUnknownUserIsNotFound) {
  EXPECT_ERROR(store_->put_token(make_token("hash1", "usr_nobody", 5'000)), not_found);
}

TEST_P(RecordStoreTest, DeletingTokensOfAUserLeavesOtherUsersTokens) {
  add_people_and_a_session();
  ASSERT_OK(store_->put_token(make_token("a1", "usr_alice", 5'000)));
  ASSERT_OK(store_->put_token(make_token("a2", "usr_alice", 5'000)));
  ASSERT_OK(store_->put_token(make_token("b1", "usr_bob", 5'000)));
  ASSERT_OK(store_->delete_tokens_of_user("usr_alice"));
  EXPECT_ERROR(store_->find_token("a1"), not_found);
  EXPECT_ERROR(store_->find_token("a2"), not_found);
  ASSERT_OK(store_->find_token("b1"));
}

TEST_P(RecordStoreTest, PurgeExpiredTokensRemovesOnlyExpiredOnesAndCountsThem) {
  add_people_and_a_session();
  ASSERT_OK(store_->put_token(make_token("old", "usr_alice", 1'000)));
  ASSERT_OK(store_->put_token(make_token("now", "usr_alice", 2'000)));
  ASSERT_OK(store_->put_token(make_token("later", "usr_bob", 3'000)));
  auto purged = store_->purge_expired_tokens(2'000);
  ASSERT_OK(purged);
  EXPECT_EQ(*purged, 2);
  EXPECT_ERROR(store_->find_token("old"), not_found);
  EXPECT_ERROR(store_->find_token("now"), not_found);
  ASSERT_OK(store_->find_token("later"));
}

// ---- sessions ----

TEST_P(RecordStoreTest, CreatedSessionRoundTripsIncludingAFull64BitSeed) {
  SessionRecord session = make_session("ses_seed");
  session.seed = 0xfedcba9876543210ull;  // above INT64_MAX
  ASSERT_OK(store_->create_session(session));
  auto found = store_->get_session("ses_seed");
  ASSERT_OK(found);
  EXPECT_EQ(found->title, session.title);
  EXPECT_EQ(found->kind, "sandbox");
  EXPECT_EQ(found->created_by, "usr_alice");
  EXPECT_EQ(found->status, SessionStatus::running);
  EXPECT_EQ(found->seed, 0xfedcba9876543210ull);
  EXPECT_EQ(found->created_us, session.created_us);
  EXPECT_EQ(found->ended_us, 0);
}

TEST_P(RecordStoreTest, DuplicateSessionIdIsAConflict) {
  ASSERT_OK(store_->create_session(make_session("ses_a")));
  EXPECT_ERROR(store_->create_session(make_session("ses_a")), conflict);
}

TEST_P(RecordStoreTest, MissingSessionIsNotFoundAndTheMessageNamesIt) {
  const auto found = store_->get_session("ses_nope");
  EXPECT_ERROR(found, not_found);
  EXPECT_EQ(found.error().message, "session 'ses_nope' not found");
}

TEST_P(RecordStoreTest, SessionsAreListedNewestFirst) {
  ASSERT_OK(store_->create_session(make_session("ses_middle", 2'000)));
  ASSERT_OK(store_->create_session(make_session("ses_oldest", 1'000)));
  ASSERT_OK(store_->create_session(make_session("ses_newest", 3'000)));
  auto sessions = store_->list_sessions();
  ASSERT_OK(sessions);
  ASSERT_EQ(sessions->size(), 3u);
  EXPECT_EQ((*sessions)[0].id, "ses_newest");
  EXPECT_EQ((*sessions)[1].id, "ses_middle");
  EXPECT_EQ((*sessions)[2].id, "ses_oldest");
}

TEST_P(RecordStoreTest, EndingASessionRecordsItsStatusAndTime) {
  ASSERT_OK(store_->create_session(make_session("ses_a")));
  ASSERT_OK(store_->end_session("ses_a", SessionStatus::ended, 9'000));
  auto found = store_->get_session("ses_a");
  ASSERT_OK(found);
  EXPECT_EQ(found->status, SessionStatus::ended);
  EXPECT_EQ(found->ended_us, 9'000);
}

TEST_P(RecordStoreTest, EndingAnEndedSessionIsAConflict) {
  ASSERT_OK(store_->create_session(make_session("ses_a")));
  ASSERT_OK(store_->end_session("ses_a", SessionStatus::ended, 9'000));
  EXPECT_ERROR(store_->end_session("ses_a", SessionStatus::ended_abnormally, 9'500), conflict);
  auto found = store_->get_session("ses_a");
  ASSERT_OK(found);
  EXPECT_EQ(found->ended_us, 9'000);
}

TEST_P(RecordStoreTest, EndingAMissingSessionIsNotFound) {
  EXPECT_ERROR(store_->end_session("ses_nope", SessionStatus::ended, 9'000), not_found);
}

TEST_P(RecordStoreTest, EndingASessionAsRunningIsInvalidInput) {
  ASSERT_OK(store_->create_session(make_session("ses_a")));
  EXPECT_ERROR(store_->end_session("ses_a", SessionStatus::running, 9'000), invalid_input);
}

TEST_P(RecordStoreTest, MarkRunningSessionsAbnormalMarksOnlyRunningOnesAndCountsThem) {
  ASSERT_OK(store_->create_session(make_session("ses_run1", 1)));
  ASSERT_OK(store_->create_session(make_session("ses_run2", 2)));
  ASSERT_OK(store_->create_session(make_session("ses_done", 3)));
  ASSERT_OK(store_->end_session("ses_done", SessionStatus::ended, 500));

  auto marked = store_->mark_running_sessions_abnormal(7'000);
  ASSERT_OK(marked);
  EXPECT_EQ(*marked, 2);
  for (const char* id : {"ses_run1", "ses_run2"}) {
    auto session = store_->get_session(id);
    ASSERT_OK(session);
    EXPECT_EQ(session->status, SessionStatus::ended_abnormally);
    EXPECT_EQ(session->ended_us, 7'000);
  }
  auto done = store_->get_session("ses_done");
  ASSERT_OK(done);
  EXPECT_EQ(done->status, SessionStatus::ended);
  EXPECT_EQ(done->ended_us, 500);

  marked = store_->mark_running_sessions_abnormal(8'000);
  ASSERT_OK(marked);
  EXPECT_EQ(*marked, 0);
}

// ---- session instructors ----

TEST_P(RecordStoreTest, InstructorsAreListedByTimeAddedThenByUserId) {
  add_people_and_a_session();
  ASSERT_OK(store_->create_user(make_user("carol", Role::instructor)));
  ASSERT_OK(store_->create_session(make_session("ses_b")));
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_bob", 300));
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_carol", 100));
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_alice", 300));
  ASSERT_OK(store_->add_session_instructor("ses_b", "usr_bob", 50));

  auto of_a = store_->list_session_instructors("ses_a");
  ASSERT_OK(of_a);
  EXPECT_EQ(*of_a, (std::vector<std::string>{"usr_carol", "usr_alice", "usr_bob"}));
  auto of_b = store_->list_session_instructors("ses_b");
  ASSERT_OK(of_b);
  EXPECT_EQ(*of_b, std::vector<std::string>{"usr_bob"});
}

TEST_P(RecordStoreTest, SessionWithoutInstructorsListsNone) {
  add_people_and_a_session();
  auto instructors = store_->list_session_instructors("ses_a");
  ASSERT_OK(instructors);
  EXPECT_TRUE(instructors->empty());
}

TEST_P(RecordStoreTest, AddingAnInstructorAgainIsANoOpThatKeepsTheFirstTime) {
  add_people_and_a_session();
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_alice", 500));
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_bob", 600));
  // Taking the later time would move alice behind bob.
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_alice", 700));

  auto instructors = store_->list_session_instructors("ses_a");
  ASSERT_OK(instructors);
  EXPECT_EQ(*instructors, (std::vector<std::string>{"usr_alice", "usr_bob"}));
}

TEST_P(RecordStoreTest, InstructorOfAnUnknownSessionIsNotFoundAndTheMessageNamesIt) {
  add_people_and_a_session();
  const Status status = store_->add_session_instructor("ses_nope", "usr_alice", 1);
  EXPECT_ERROR(status, not_found);
  EXPECT_NE(status.error().message.find("session 'ses_nope' not found"), std::string::npos)
      << status.error().message;
  auto instructors = store_->list_session_instructors("ses_nope");
  ASSERT_OK(instructors);
  EXPECT_TRUE(instructors->empty());
}

TEST_P(RecordStoreTest, UnknownUserAsInstructorIsNotFoundAndTheMessageNamesIt) {
  add_people_and_a_session();
  const Status status = store_->add_session_instructor("ses_a", "usr_nobody", 1);
  EXPECT_ERROR(status, not_found);
  EXPECT_NE(status.error().message.find("user with id 'usr_nobody' not found"), std::string::npos)
      << status.error().message;
  auto instructors = store_->list_session_instructors("ses_a");
  ASSERT_OK(instructors);
  EXPECT_TRUE(instructors->empty());
}

TEST_P(RecordStoreTest, IsSessionInstructorHoldsOnlyForTheAddedPair) {
  add_people_and_a_session();
  ASSERT_OK(store_->create_session(make_session("ses_b")));
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_alice", 1));

  const auto check = [&](const char* session_id, const char* user_id, bool expected) {
    auto is = store_->is_session_instructor(session_id, user_id);
    ASSERT_OK(is);
    EXPECT_EQ(*is, expected) << session_id << " / " << user_id;
  };
  check("ses_a", "usr_alice", true);
  check("ses_a", "usr_bob", false);
  check("ses_b", "usr_alice", false);
  check("ses_nope", "usr_alice", false);
  check("ses_a", "usr_nobody", false);
}

// ---- session events ----

TEST_P(RecordStoreTest, AppendedEventsAreListedInSeqOrderWithEveryField) {
  add_people_and_a_session();
  ASSERT_OK(store_->append_events(make_events("ses_a", 1, 2)));
  EventRecord third = make_event("ses_a", 3);
  third.type = "participant_joined";
  third.payload = R"({"name":"Zoë Ørsted","note":"µs ✓"})";
  third.tick = 0xffffffffffffff00ull;
  ASSERT_OK(store_->append_events({third}));

  auto events = store_->list_events("ses_a", 0, 0);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  for (std::uint64_t i = 0; i < 3; ++i) EXPECT_EQ((*events)[i].seq, i + 1);
  const EventRecord& read = (*events)[2];
  EXPECT_EQ(read.session_id, "ses_a");
  EXPECT_EQ(read.tick, 0xffffffffffffff00ull);
  EXPECT_EQ(read.wall_us, third.wall_us);
  EXPECT_EQ(read.type, "participant_joined");
  EXPECT_EQ(read.payload, third.payload);
  auto last = store_->last_event_seq("ses_a");
  ASSERT_OK(last);
  EXPECT_EQ(*last, 3u);
}

TEST_P(RecordStoreTest, ListEventsStartsAfterTheGivenSeqAndHonoursTheLimit) {
  add_people_and_a_session();
  ASSERT_OK(store_->append_events(make_events("ses_a", 1, 10)));

  auto page = store_->list_events("ses_a", 4, 3);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].seq, 5u);
  EXPECT_EQ((*page)[2].seq, 7u);

  auto rest = store_->list_events("ses_a", 7, 100);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ(rest->back().seq, 10u);

  auto none = store_->list_events("ses_a", 10, 100);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(RecordStoreTest, LastEventSeqIsZeroForASessionWithoutEvents) {
  add_people_and_a_session();
  auto last = store_->last_event_seq("ses_a");
  ASSERT_OK(last);
  EXPECT_EQ(*last, 0u);
}

TEST_P(RecordStoreTest, BatchThatLeavesAGapAfterTheLogIsAConflict) {
  add_people_and_a_session();
  ASSERT_OK(store_->append_events(make_events("ses_a", 1, 2)));
  EXPECT_ERROR(store_->append_events(make_events("ses_a", 4, 2)), conflict);
  auto last = store_->last_event_seq("ses_a");
  ASSERT_OK(last);
  EXPECT_EQ(*last, 2u);
}

TEST_P(RecordStoreTest, FirstBatchMustStartAtSeqOne) {
  add_people_and_a_session();
  EXPECT_ERROR(store_->append_events(make_events("ses_a", 0, 1)), conflict);
  EXPECT_ERROR(store_->append_events(make_events("ses_a", 2, 1)), conflict);
}

TEST_P(RecordStoreTest, BatchThatRepeatsAnAppendedSeqIsAConflictAndChangesNothing) {
  add_people_and_a_session();
  ASSERT_OK(store_->append_events(make_events("ses_a", 1, 3)));
  std::vector<EventRecord> replay = make_events("ses_a", 3, 2);
  replay[0].payload = R"({"overwritten":true})";
  EXPECT_ERROR(store_->append_events(replay), conflict);
  auto events = store_->list_events("ses_a", 0, 0);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].payload, make_event("ses_a", 3).payload);
}

TEST_P(RecordStoreTest, BatchWithNonConsecutiveSeqsIsRejectedWhole) {
  add_people_and_a_session();
  std::vector<EventRecord> batch = make_events("ses_a", 1, 3);
  batch.push_back(make_event("ses_a", 5));
  EXPECT_ERROR(store_->append_events(batch), conflict);
  auto events = store_->list_events("ses_a", 0, 0);
  ASSERT_OK(events);
  EXPECT_TRUE(events->empty());
}

TEST_P(RecordStoreTest, BatchMixingSessionsIsAConflictAndWritesNothing) {
  add_people_and_a_session();
  ASSERT_OK(store_->create_session(make_session("ses_b")));
  std::vector<EventRecord> batch = {make_event("ses_a", 1), make_event("ses_b", 2)};
  EXPECT_ERROR(store_->append_events(batch), conflict);
  for (const char* id : {"ses_a", "ses_b"}) {
    auto last = store_->last_event_seq(id);
    ASSERT_OK(last);
    EXPECT_EQ(*last, 0u);
  }
}

TEST_P(RecordStoreTest, EventWithAnEmptySessionIdIsInvalidInput) {
  EXPECT_ERROR(store_->append_events({make_event("", 1)}), invalid_input);
}

TEST_P(RecordStoreTest, EventsOfAnUnknownSessionAreNotFound) {
  const Status status = store_->append_events(make_events("ses_nope", 1, 1));
  EXPECT_ERROR(status, not_found);
  EXPECT_NE(status.error().message.find("ses_nope"), std::string::npos);
  EXPECT_ERROR(store_->list_events("ses_nope", 0, 0), not_found);
  EXPECT_ERROR(store_->last_event_seq("ses_nope"), not_found);
}

TEST_P(RecordStoreTest, EmptyBatchIsANoOp) { ASSERT_OK(store_->append_events({})); }

TEST_P(RecordStoreTest, ConcurrentAppendsFromManyThreadsAllLandInOrder) {
  constexpr int kThreads = 4;
  constexpr std::uint64_t kBatches = 25;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_OK(store_->create_session(make_session("ses_t" + std::to_string(t))));
  }
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string id = "ses_t" + std::to_string(t);
      for (std::uint64_t b = 0; b < kBatches; ++b) {
        if (!store_->append_events(make_events(id, b * 2 + 1, 2)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0);
    auto last = store_->last_event_seq("ses_t" + std::to_string(t));
    ASSERT_OK(last);
    EXPECT_EQ(*last, kBatches * 2);
  }
}

// ---- artifacts ----

TEST_P(RecordStoreTest, ArtifactBytesIncludingNulRoundTripExactly) {
  add_people_and_a_session();
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes += static_cast<char>(i % 256);  // every byte value, twice
  bytes += std::string(3, '\0');
  ArtifactRecord artifact{"art_1", "ses_a", "screenshot", "frame.png", "image/png", bytes, 77};
  ASSERT_OK(store_->put_artifact(artifact));

  auto found = store_->get_artifact("art_1");
  ASSERT_OK(found);
  EXPECT_EQ(found->data.size(), bytes.size());
  EXPECT_EQ(found->data, bytes);
  EXPECT_EQ(found->session_id, "ses_a");
  EXPECT_EQ(found->kind, "screenshot");
  EXPECT_EQ(found->name, "frame.png");
  EXPECT_EQ(found->media_type, "image/png");
  EXPECT_EQ(found->created_us, 77);
}

TEST_P(RecordStoreTest, EmptyArtifactDataIsStored) {
  ASSERT_OK(store_->put_artifact(
      ArtifactRecord{"art_e", "", "report", "empty.txt", "text/plain", "", 1}));
  auto found = store_->get_artifact("art_e");
  ASSERT_OK(found);
  EXPECT_TRUE(found->data.empty());
}

TEST_P(RecordStoreTest, ListArtifactsFiltersBySessionAndLeavesOutTheData) {
  add_people_and_a_session();
  ASSERT_OK(store_->create_session(make_session("ses_b")));
  ASSERT_OK(store_->put_artifact({"art_2", "ses_a", "report", "b.pdf", "application/pdf", "x", 2}));
  ASSERT_OK(
      store_->put_artifact({"art_1", "ses_a", "model", "a.glb", "model/gltf-binary", "y", 1}));
  ASSERT_OK(store_->put_artifact({"art_3", "ses_b", "report", "c.pdf", "application/pdf", "z", 3}));
  ASSERT_OK(store_->put_artifact({"art_4", "", "model", "atlas.glb", "model/gltf-binary", "w", 4}));

  auto of_a = store_->list_artifacts("ses_a");
  ASSERT_OK(of_a);
  ASSERT_EQ(of_a->size(), 2u);
  EXPECT_EQ((*of_a)[0].id, "art_1");
  EXPECT_EQ((*of_a)[1].id, "art_2");
  for (const ArtifactRecord& artifact : *of_a) {
    EXPECT_TRUE(artifact.data.empty());
    EXPECT_EQ(artifact.session_id, "ses_a");
  }

  auto without_session = store_->list_artifacts("");
  ASSERT_OK(without_session);
  ASSERT_EQ(without_session->size(), 1u);
  EXPECT_EQ((*without_session)[0].id, "art_4");
  EXPECT_EQ((*without_session)[0].session_id, "");
}

TEST_P(RecordStoreTest, ArtifactOfAnUnknownSessionIsNotFound) {
  EXPECT_ERROR(store_->put_artifact({"art_1", "ses_nope", "report", "r", "text/plain", "x", 1}),
               not_found);
}

TEST_P(RecordStoreTest, DuplicateArtifactIdIsAConflict) {
  ASSERT_OK(store_->put_artifact({"art_1", "", "report", "r", "text/plain", "x", 1}));
  EXPECT_ERROR(store_->put_artifact({"art_1", "", "report", "r", "text/plain", "y", 2}), conflict);
}

TEST_P(RecordStoreTest, MissingArtifactIsNotFound) {
  const auto found = store_->get_artifact("art_nope");
  EXPECT_ERROR(found, not_found);
  EXPECT_EQ(found.error().message, "artifact 'art_nope' not found");
}

// ---- imaging library ----

StudyRecord make_study(const std::string& id, std::int64_t created_us) {
  return StudyRecord{id, "Colin27 brain MRI", "T1, 1 mm",  "teaching", "MR", "bundled",
                     "", "colin27",           "usr_alice", created_us, ""};
}

SeriesRecord make_series(const std::string& id, const std::string& study_id,
                         std::int64_t created_us) {
  SeriesRecord series;
  series.id = id;
  series.study_id = study_id;
  series.description = "T1 axial";
  series.modality = "MR";
  series.dims = {181, 217, 181};
  series.spacing_mm = {1.0, 0.957, 1.5};
  series.created_us = created_us;
  return series;
}

ModelRecord make_model(const std::string& id, const std::string& series_id,
                       std::int64_t created_us) {
  ModelRecord model;
  model.id = id;
  model.series_id = series_id;
  model.name = "Skull";
  model.kind = "threshold";
  model.threshold = 300.25;
  model.created_by = "usr_alice";
  model.created_us = created_us;
  model.updated_us = created_us;
  return model;
}

TEST_P(RecordStoreTest, StudiesSeriesAndModelsRoundTripWithEveryField) {
  ASSERT_OK(store_->create_study(make_study("stu_1", 5)));
  ASSERT_OK(store_->create_series(make_series("ser_1", "stu_1", 6)));
  ModelRecord labels = make_model("mdl_2", "ser_1", 8);
  labels.kind = "labels";
  labels.threshold.reset();
  labels.labels = "aal";
  ASSERT_OK(store_->create_model(labels));
  ASSERT_OK(store_->create_model(make_model("mdl_1", "ser_1", 7)));

  auto study = store_->get_study("stu_1");
  ASSERT_OK(study);
  EXPECT_EQ(study->title, "Colin27 brain MRI");
  EXPECT_EQ(study->description, "T1, 1 mm");
  EXPECT_EQ(study->library, "teaching");
  EXPECT_EQ(study->modality, "MR");
  EXPECT_EQ(study->source, "bundled");
  EXPECT_EQ(study->bundle, "colin27");
  EXPECT_EQ(study->created_by, "usr_alice");
  EXPECT_EQ(study->created_us, 5);

  auto series = store_->get_series("ser_1");
  ASSERT_OK(series);
  EXPECT_EQ(series->study_id, "stu_1");
  EXPECT_EQ(series->dims, (std::array<std::int64_t, 3>{181, 217, 181}));
  EXPECT_EQ(series->spacing_mm, (std::array<double, 3>{1.0, 0.957, 1.5}));
  EXPECT_EQ(series->unit, "");

  auto models = store_->list_models("ser_1");
  ASSERT_OK(models);
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].id, "mdl_1");
  EXPECT_EQ((*models)[0].threshold, std::optional<double>(300.25));
  EXPECT_EQ((*models)[0].status, ModelStatus::building);
  EXPECT_EQ((*models)[1].kind, "labels");
  EXPECT_FALSE((*models)[1].threshold.has_value());
  EXPECT_EQ((*models)[1].labels, "aal");
}

TEST_P(RecordStoreTest, StudiesAndSeriesAreListedOldestFirst) {
  ASSERT_OK(store_->create_study(make_study("stu_b", 20)));
  ASSERT_OK(store_->create_study(make_study("stu_a", 10)));
  ASSERT_OK(store_->create_series(make_series("ser_2", "stu_a", 3)));
  ASSERT_OK(store_->create_series(make_series("ser_1", "stu_a", 4)));
  ASSERT_OK(store_->create_series(make_series("ser_3", "stu_b", 1)));
  auto studies = store_->list_studies();
  ASSERT_OK(studies);
  ASSERT_EQ(studies->size(), 2u);
  EXPECT_EQ((*studies)[0].id, "stu_a");
  EXPECT_EQ((*studies)[1].id, "stu_b");
  auto series = store_->list_series("stu_a");
  ASSERT_OK(series);
  ASSERT_EQ(series->size(), 2u);
  EXPECT_EQ((*series)[0].id, "ser_2");
  EXPECT_EQ((*series)[1].id, "ser_1");
}

TEST_P(RecordStoreTest, LibraryRecordsOfUnknownParentsAreNotFoundAndDuplicatesConflict) {
  EXPECT_ERROR(store_->create_series(make_series("ser_1", "stu_nope", 1)), not_found);
  EXPECT_ERROR(store_->create_model(make_model("mdl_1", "ser_nope", 1)), not_found);
  ASSERT_OK(store_->create_study(make_study("stu_1", 1)));
  EXPECT_ERROR(store_->create_study(make_study("stu_1", 2)), conflict);
  StudyRecord odd = make_study("stu_2", 3);
  odd.library = "public";
  EXPECT_ERROR(store_->create_study(odd), invalid_input);
  EXPECT_ERROR(store_->get_study("stu_nope"), not_found);
  EXPECT_ERROR(store_->get_series("ser_nope"), not_found);
  EXPECT_ERROR(store_->get_model("mdl_nope"), not_found);
}

TEST_P(RecordStoreTest, UpdateModelRecordsProgressAndOutcome) {
  ASSERT_OK(store_->create_study(make_study("stu_1", 1)));
  ASSERT_OK(store_->create_series(make_series("ser_1", "stu_1", 1)));
  ModelRecord model = make_model("mdl_1", "ser_1", 1);
  ASSERT_OK(store_->create_model(model));
  model.status = ModelStatus::ready;
  model.progress = 1;
  model.structures = 116;
  model.triangles = 678416;
  model.updated_us = 99;
  model.name = "ignored: the name is not updated";
  ASSERT_OK(store_->update_model(model));
  auto found = store_->get_model("mdl_1");
  ASSERT_OK(found);
  EXPECT_EQ(found->status, ModelStatus::ready);
  EXPECT_EQ(found->progress, 1.0);
  EXPECT_EQ(found->structures, 116);
  EXPECT_EQ(found->triangles, 678416);
  EXPECT_EQ(found->updated_us, 99);
  EXPECT_EQ(found->name, "Skull");
  model.id = "mdl_nope";
  EXPECT_ERROR(store_->update_model(model), not_found);
}

TEST_P(RecordStoreTest, FailBuildingModelsMarksOnlyBuildingOnesAndCountsThem) {
  ASSERT_OK(store_->create_study(make_study("stu_1", 1)));
  ASSERT_OK(store_->create_series(make_series("ser_1", "stu_1", 1)));
  ASSERT_OK(store_->create_model(make_model("mdl_1", "ser_1", 1)));
  ModelRecord ready = make_model("mdl_2", "ser_1", 2);
  ready.status = ModelStatus::ready;
  ASSERT_OK(store_->create_model(ready));
  auto count = store_->fail_building_models("server restarted", 50);
  ASSERT_OK(count);
  EXPECT_EQ(*count, 1);
  auto failed = store_->get_model("mdl_1");
  ASSERT_OK(failed);
  EXPECT_EQ(failed->status, ModelStatus::failed);
  EXPECT_EQ(failed->error, "server restarted");
  auto kept = store_->get_model("mdl_2");
  ASSERT_OK(kept);
  EXPECT_EQ(kept->status, ModelStatus::ready);
}

// ---- audit ----

// ---- session members, invites, instances ----

TEST_P(RecordStoreTest, SessionMembersHaveARoleAndATeamRoleAndAreListedInOrder) {
  add_people_and_a_session();
  ASSERT_OK(store_->put_session_member(
      SessionMember{"ses_a", "usr_bob", SessionRole::driver, "", "usr_alice", 20}));
  ASSERT_OK(store_->add_session_instructor("ses_a", "usr_alice", 10));
  auto members = store_->list_session_members("ses_a");
  ASSERT_OK(members);
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].user_id, "usr_alice");
  EXPECT_EQ((*members)[0].role, SessionRole::instructor);
  EXPECT_EQ((*members)[1].role, SessionRole::driver);
  // A second put changes the roles, keeping who added the member and when.
  ASSERT_OK(store_->put_session_member(
      SessionMember{"ses_a", "usr_bob", SessionRole::participant, "compressor", "usr_x", 99}));
  auto bob = store_->find_session_member("ses_a", "usr_bob");
  ASSERT_OK(bob);
  ASSERT_TRUE(bob->has_value());
  EXPECT_EQ((*bob)->role, SessionRole::participant);
  EXPECT_EQ((*bob)->team_role, "compressor");
  EXPECT_EQ((*bob)->added_by, "usr_alice");
  EXPECT_EQ((*bob)->added_us, 20);
  auto sessions = store_->list_sessions_of_member("usr_bob");
  ASSERT_OK(sessions);
  ASSERT_EQ(sessions->size(), 1u);
  EXPECT_EQ((*sessions)[0].id, "ses_a");
  ASSERT_OK(store_->remove_session_member("ses_a", "usr_bob"));
  bob = store_->find_session_member("ses_a", "usr_bob");
  ASSERT_OK(bob);
  EXPECT_FALSE(bob->has_value());
  EXPECT_ERROR(store_->remove_session_member("ses_a", "usr_bob"), not_found);
  EXPECT_ERROR(store_->put_session_member(
                   SessionMember{"ses_nope", "usr_bob", SessionRole::observer, "", "", 1}),
               not_found);
  EXPECT_ERROR(store_->put_session_member(
                   SessionMember{"ses_a", "usr_nobody", SessionRole::observer, "", "", 1}),
               not_found);
}

TEST_P(RecordStoreTest, AnInviteIsUsedUpToItsCapAndNotAfterItExpires) {
  add_people_and_a_session();
  ASSERT_OK(store_->put_session_invite(
      SessionInvite{"code2", "ses_a", SessionRole::observer, "usr_alice", 1, 1'000, 2, 0}));
  auto first = store_->use_session_invite("code2", 10);
  ASSERT_OK(first);
  EXPECT_EQ(first->role, SessionRole::observer);
  EXPECT_EQ(first->uses, 1);
  ASSERT_OK(store_->use_session_invite("code2", 20));
  EXPECT_ERROR(store_->use_session_invite("code2", 30), conflict);
  ASSERT_OK(store_->put_session_invite(
      SessionInvite{"late", "ses_a", SessionRole::participant, "usr_alice", 1, 1'000, 5, 0}));
  EXPECT_ERROR(store_->use_session_invite("late", 1'000), conflict);
  EXPECT_ERROR(store_->use_session_invite("unknown", 10), not_found);
  EXPECT_ERROR(store_->put_session_invite(
                   SessionInvite{"x", "ses_nope", SessionRole::observer, "usr_alice", 1, 9, 1, 0}),
               not_found);
}

TEST_P(RecordStoreTest, OrphanedSessionsAreThoseWithoutALiveLeaseOrOfARestartingInstance) {
  ASSERT_OK(store_->create_user(make_user("alice", Role::instructor)));
  SessionRecord live = make_session("ses_live", 1);
  live.instance_id = "ins_a";
  SessionRecord dead = make_session("ses_dead", 2);
  dead.instance_id = "ins_b";
  SessionRecord old = make_session("ses_old", 3);  // from before leases
  SessionRecord mine = make_session("ses_mine", 4);
  mine.instance_id = "ins_c";
  for (const auto& s : {live, dead, old, mine}) ASSERT_OK(store_->create_session(s));
  ASSERT_OK(store_->renew_instance_lease(InstanceLease{"ins_a", "http://a", 0, 100, 5'000}));
  ASSERT_OK(store_->renew_instance_lease(InstanceLease{"ins_b", "http://b", 0, 100, 1'000}));
  ASSERT_OK(store_->renew_instance_lease(InstanceLease{"ins_c", "http://c", 0, 100, 5'000}));
  auto orphans = store_->list_orphaned_sessions("", 2'000);
  ASSERT_OK(orphans);
  std::vector<std::string> ids;
  for (const auto& s : *orphans) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ses_dead", "ses_old"}));
  orphans = store_->list_orphaned_sessions("ins_c", 2'000);
  ASSERT_OK(orphans);
  EXPECT_EQ(orphans->size(), 3u) << "a restarting instance's own sessions died with it";
  auto lease = store_->find_instance_lease("ins_a");
  ASSERT_OK(lease);
  ASSERT_TRUE(lease->has_value());
  EXPECT_EQ((*lease)->public_url, "http://a");
  auto found = store_->get_session("ses_live");
  ASSERT_OK(found);
  EXPECT_EQ(found->instance_id, "ins_a");
  EXPECT_EQ(found->mode, SessionMode::practice);
}

// ---- patients and care teams ----

TEST_P(RecordStoreTest, PatientsCareTeamsAndEmergencyAccessRoundTrip) {
  ASSERT_OK(store_->create_user(make_user("carol", Role::clinician)));
  ASSERT_OK(store_->create_user(make_user("dan", Role::clinician)));
  ASSERT_OK(store_->create_patient(
      PatientRecord{"pat_1", "Patient A", "enc1:n", "", "enc1:i", "", "usr_carol", 5}));
  auto p = store_->get_patient("pat_1");
  ASSERT_OK(p);
  EXPECT_EQ(p->alias, "Patient A");
  EXPECT_EQ(p->name_sealed, "enc1:n");
  EXPECT_EQ(p->user_id, "");
  EXPECT_ERROR(store_->create_patient(PatientRecord{"pat_1", "B", "", "", "", "", "", 6}),
               conflict);
  ASSERT_OK(store_->add_care_team_member(CareTeamMember{"pat_1", "usr_carol", "usr_admin", 7}));
  ASSERT_OK(store_->add_care_team_member(CareTeamMember{"pat_1", "usr_carol", "usr_x", 8}));
  auto team = store_->list_care_team("pat_1");
  ASSERT_OK(team);
  ASSERT_EQ(team->size(), 1u);
  EXPECT_EQ((*team)[0].added_by, "usr_admin");
  EXPECT_EQ(*store_->is_on_care_team("pat_1", "usr_carol"), true);
  EXPECT_EQ(*store_->is_on_care_team("pat_1", "usr_dan"), false);
  EXPECT_EQ(*store_->patients_cared_for_by("usr_carol"), std::vector<std::string>{"pat_1"});
  EXPECT_ERROR(store_->add_care_team_member(CareTeamMember{"pat_nope", "usr_carol", "", 1}),
               not_found);
  ASSERT_OK(store_->grant_emergency_access(
      EmergencyAccess{"emg_1", "pat_1", "usr_dan", "unconscious", 100, 200}));
  auto grants = store_->list_emergency_access("pat_1");
  ASSERT_OK(grants);
  ASSERT_EQ(grants->size(), 1u);
  EXPECT_EQ((*grants)[0].reason, "unconscious");
  ASSERT_OK(store_->remove_care_team_member("pat_1", "usr_carol"));
  EXPECT_EQ(*store_->is_on_care_team("pat_1", "usr_carol"), false);
  ASSERT_OK(store_->replace_sealed(RecordStore::SealedColumn::patient_name, "pat_1", "enc1:m"));
  EXPECT_EQ(store_->get_patient("pat_1")->name_sealed, "enc1:m");
  EXPECT_ERROR(store_->replace_sealed(RecordStore::SealedColumn::patient_name, "pat_x", "v"),
               not_found);
}

TEST_P(RecordStoreTest, ASealedBlobIsReplacedByteForByte) {
  ArtifactRecord a{"art_1",
                   "",
                   "volume",
                   "v.raw",
                   "application/octet-stream",
                   std::string("\x00\x01\xff\x80MVE2", 8),
                   1};
  ASSERT_OK(store_->put_artifact(a));
  const std::string bytes("\xff\x00\x7f\x00\x10", 5);
  ASSERT_OK(store_->replace_sealed(RecordStore::SealedColumn::artifact_data, "art_1", bytes));
  auto back = store_->get_artifact("art_1");
  ASSERT_OK(back);
  EXPECT_EQ(back->data, bytes);
}

TEST_P(RecordStoreTest, AuditEntriesGetIncreasingIdsAndAreListedInOrder) {
  for (const char* action : {"login", "read", "update", "delete"}) {
    ASSERT_OK(store_->append_audit(make_audit(action, 10)));
  }
  auto entries = store_->list_audit(0, 0);
  ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].action, "login");
  EXPECT_EQ((*entries)[3].action, "delete");
  for (std::size_t i = 1; i < entries->size(); ++i) {
    EXPECT_GT((*entries)[i].id, (*entries)[i - 1].id);
  }
  const AuditEntry& first = (*entries)[0];
  EXPECT_EQ(first.at_us, 10);
  EXPECT_EQ(first.actor, "usr_alice");
  EXPECT_EQ(first.resource, "/api/sessions");
  EXPECT_EQ(first.outcome, "ok");
  EXPECT_EQ(first.remote, "127.0.0.1");
}

TEST_P(RecordStoreTest, ListAuditStartsAfterTheGivenIdAndHonoursTheLimit) {
  for (int i = 0; i < 6; ++i) ASSERT_OK(store_->append_audit(make_audit("read", i)));
  auto all = store_->list_audit(0, 0);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 6u);

  auto page = store_->list_audit((*all)[1].id, 2);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, (*all)[2].id);
  EXPECT_EQ((*page)[1].id, (*all)[3].id);
}

// ---- backend-specific promises ----

TEST(SqliteRecordStore, UsesWriteAheadLogging) {
  const std::string dir = make_temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string path = dir + "/wal.db";
  {
    auto store = open_store("sqlite:" + path);
    ASSERT_OK(store);
    ASSERT_OK((*store)->migrate());
  }
  // WAL is a property of the file: any later connection sees it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST(SqliteRecordStore, UnusableLocationIsUnavailable) {
  EXPECT_ERROR(open_store("sqlite:/proc/medvision/records.db"), unavailable);
}

TEST(SqliteRecordStore, EmptyPathIsInvalidInput) {
  EXPECT_ERROR(open_store("sqlite:"), invalid_input);
}

TEST(OpenStore, UnknownSchemeIsInvalidInputAndDoesNotEchoTheUrl) {
  const auto opened = open_store("mysql://root:hunter2@db/records");
  EXPECT_ERROR(opened, invalid_input);
  EXPECT_EQ(opened.error().message.find("hunter2"), std::string::npos);
}

TEST(PostgresRecordStore, UnreachableServerIsUnavailableAndTheMessageShowsHostNotPassword) {
  // Port 1 on loopback: nothing listens there, so the connection is refused.
  for (const char* scheme : {"postgres", "postgresql"}) {
    const auto opened =
        open_store(std::string(scheme) + "://medvision:hunter2secret@127.0.0.1:1/records");
    EXPECT_ERROR(opened, unavailable);
    const std::string& message = opened.error().message;
    EXPECT_NE(message.find("127.0.0.1:1"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2secret"), std::string::npos) << message;
  }
}

TEST(PostgresRecordStore, ReconnectsOnceWhenTheServerDroppedTheConnection) {
  auto* server = PostgresEnvironment::require_server();
  ASSERT_NE(server, nullptr);
  auto database = server->create_database();
  ASSERT_OK(database);
  {
    auto store = open_store(database->url);
    ASSERT_OK(store);
    ASSERT_OK((*store)->migrate());
    ASSERT_OK((*store)->create_user(make_user("alice")));

    pqxx::connection admin(server->admin_url());
    pqxx::nontransaction tx(admin);
    const pqxx::result killed = tx.exec_params(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = $1 AND pid <> pg_backend_pid()",
        database->name);
    ASSERT_EQ(killed.size(), 1u);

    auto count = (*store)->count_users();
    ASSERT_OK(count);
    EXPECT_EQ(*count, 1);
  }
  ASSERT_OK(server->drop_database(database->name));
}

TEST(RecordEnums, RolesAndStatusesRoundTripThroughText) {
  for (Role role : {Role::trainee, Role::instructor, Role::clinician, Role::patient, Role::admin}) {
    EXPECT_EQ(parse_role(to_string(role)), role);
  }
  for (SessionStatus status :
       {SessionStatus::running, SessionStatus::ended, SessionStatus::ended_abnormally}) {
    EXPECT_EQ(parse_session_status(to_string(status)), status);
  }
  for (SessionRole role : {SessionRole::driver, SessionRole::participant, SessionRole::instructor,
                           SessionRole::observer, SessionRole::patient, SessionRole::clinician}) {
    EXPECT_EQ(parse_session_role(to_string(role)), role);
  }
  EXPECT_EQ(parse_session_mode("assessed"), SessionMode::assessed);
  EXPECT_EQ(parse_token_kind("device"), TokenKind::device);
  EXPECT_EQ(parse_role("Admin"), std::nullopt);
  EXPECT_EQ(parse_session_status(""), std::nullopt);
}

}  // namespace
}  // namespace medvision
