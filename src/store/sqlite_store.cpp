#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "store/event_batch.h"
#include "store/migrations.h"
#include "store/sql_record_store.h"

namespace medvision::store {
namespace {

// Long enough to ride out another process's checkpoint or write burst, short
// enough that a stuck writer shows up as an error instead of a hang.
constexpr int kBusyTimeoutMs = 5000;

ErrorCode code_for(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::conflict;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ErrorCode::not_found;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return ErrorCode::unavailable;
    case SQLITE_CONSTRAINT:
      return ErrorCode::invalid_input;
    default:
      return ErrorCode::internal;
  }
}

// SQLITE_TRANSIENT spelled without its C-style cast: SQLite copies the value.
const auto kTransient = reinterpret_cast<sqlite3_destructor_type>(static_cast<std::intptr_t>(-1));

Error sqlite_error(int rc, std::string_view what, std::string_view detail) {
  return make_error(code_for(rc), std::string(what) + ": " + std::string(detail));
}

// One use of a cached prepared statement: parameters are bound in order, and
// the statement is reset on scope exit so the cache can hand it out again.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // A statement that failed to prepare: every step reports why.
  Query(sqlite3* db, int prepare_rc, std::string message)
      : db_(db), stmt_(nullptr), bind_rc_(prepare_rc), message_(std::move(message)) {}
  ~Query() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& text(std::string_view value) {
    // A null data pointer would bind SQL NULL; an empty string must stay "".
    if (stmt_ != nullptr) {
      note(sqlite3_bind_text64(stmt_, next_++, value.empty() ? "" : value.data(), value.size(),
                               kTransient, SQLITE_UTF8));
    }
    return *this;
  }
  Query& text_or_null(std::string_view value) {
    if (value.empty()) {
      if (stmt_ != nullptr) note(sqlite3_bind_null(stmt_, next_++));
      return *this;
    }
    return text(value);
  }
  Query& blob(std::string_view bytes) {
    // A zero-length blob must still be non-NULL: the column is NOT NULL.
    if (stmt_ == nullptr) return *this;
    note(bytes.empty()
             ? sqlite3_bind_zeroblob(stmt_, next_++, 0)
             : sqlite3_bind_blob64(stmt_, next_++, bytes.data(), bytes.size(), kTransient));
    return *this;
  }
  Query& null() {
    if (stmt_ != nullptr) note(sqlite3_bind_null(stmt_, next_++));
    return *this;
  }
  Query& integer(std::int64_t value) {
    if (stmt_ != nullptr) note(sqlite3_bind_int64(stmt_, next_++, value));
    return *this;
  }
  Query& real(double value) {
    if (stmt_ != nullptr) note(sqlite3_bind_double(stmt_, next_++, value));
    return *this;
  }
  Query& real_or_null(const std::optional<double>& value) {
    if (value) return real(*value);
    if (stmt_ != nullptr) note(sqlite3_bind_null(stmt_, next_++));
    return *this;
  }
  Query& unsigned_integer(std::uint64_t value) {
    return integer(static_cast<std::int64_t>(value));  // bit for bit; read back the same way
  }

  // SQLITE_ROW, SQLITE_DONE, or an error code (message in error_message()).
  int step() {
    if (bind_rc_ != SQLITE_OK) return bind_rc_;
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) message_ = sqlite3_errmsg(db_);
    return rc;
  }
  // Runs a statement that returns no rows.
  Status run(std::string_view what) {
    const int rc = step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
    return sqlite_error(rc, what, message_);
  }
  Error failure(int rc, std::string_view what) const { return sqlite_error(rc, what, message_); }

  std::string column_text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
  }
  std::string column_blob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
  }
  std::int64_t column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double column_double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::optional<double> column_optional_double(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return column_double(column);
  }
  // The current row as the SQL driver's text cells.
  SqlRow row() const {
    const int n = sqlite3_column_count(stmt_);
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const int type = sqlite3_column_type(stmt_, i);
      if (type == SQLITE_NULL) {
        cells.emplace_back();
      } else if (type == SQLITE_FLOAT) {
        // SQLite's own text of a REAL keeps 15 digits; 17 give the double back exactly.
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(stmt_, i));
        cells.emplace_back(buf);
      } else {
        cells.emplace_back(column_text(i));
      }
    }
    return SqlRow(std::move(cells));
  }
  std::uint64_t column_uint(int column) const {
    return static_cast<std::uint64_t>(sqlite3_column_int64(stmt_, column));
  }

 private:
  void note(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) {
      bind_rc_ = rc;
      message_ = sqlite3_errmsg(db_);
    }
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 1;
  int bind_rc_ = SQLITE_OK;
  std::string message_;
};

class SqliteStore final : public SqlRecordStore, private SqlDriver {
 public:
  std::string dialect() const override { return "sqlite"; }

  Status transact(const std::string& what, const std::function<Status(SqlTx&)>& body) override {
    return locked([&]() -> Status {
      Transaction tx(*this);
      MV_TRY(tx.begin());
      SqliteTx statements(*this, what);
      MV_TRY(body(statements));
      return tx.commit();
    });
  }

  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::string backend_name() const override { return "sqlite"; }

  Status migrate() override {
    return locked([&]() -> Status {
      MV_TRY(exec(kSchemaMigrationsTableSql, "cannot create table schema_migrations"));
      Transaction tx(*this);
      MV_TRY(tx.begin());
      auto current = read_schema_version();
      if (!current.ok()) return current.error();
      if (*current > latest_schema_version()) {
        return make_error(ErrorCode::conflict,
                          "database '" + path_ + "' has schema version " +
                              std::to_string(*current) + ", newer than this build knows (" +
                              std::to_string(latest_schema_version()) + "); run a newer medvision");
      }
      for (const Migration& migration : migrations()) {
        if (migration.version <= *current) continue;
        MV_TRY(exec(migration.sqlite_sql, "migration " + std::to_string(migration.version) + " (" +
                                              migration.description + ") failed"));
        auto q = query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
        q.integer(migration.version).integer(now_us());
        MV_TRY(q.run("cannot record migration " + std::to_string(migration.version)));
      }
      return tx.commit();
    });
  }

  Result<int> schema_version() override {
    return locked([&] { return read_schema_version(); });
  }

  // Called once by open_sqlite_store, before the store is shared.
  Status configure() {
    MV_TRY(exec("PRAGMA foreign_keys = ON", "cannot enable foreign keys"));
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    auto mode = pragma_text("PRAGMA journal_mode = WAL");
    if (!mode.ok()) return mode.error();
    // An in-memory database reports "memory"; it has nothing to keep anyway.
    if (*mode != "wal" && path_ != ":memory:") {
      return make_error(ErrorCode::unavailable,
                        "SQLite database '" + path_ + "' cannot use write-ahead logging (journal " +
                            "mode is '" + *mode + "'); put it on a local file system");
    }
    // With WAL, NORMAL loses no committed transaction when the process dies;
    // only a power cut can lose the last commits before a checkpoint.
    return exec("PRAGMA synchronous = NORMAL", "cannot set synchronous mode");
  }

 private:
  // Rolls back unless committed, so every early return leaves no half-written
  // batch behind.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& store) : store_(store) {}
    ~Transaction() {
      // A failed ROLLBACK leaves nothing to do: SQLite has already rolled
      // back whatever it could not keep, and the caller is reporting an error.
      if (open_) static_cast<void>(store_.exec("ROLLBACK", "cannot roll back"));
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // IMMEDIATE takes the write lock at once: a deferred transaction that
    // later needs to write can fail with SQLITE_BUSY without waiting.
    Status begin() {
      MV_TRY(store_.exec("BEGIN IMMEDIATE", "cannot start a transaction"));
      open_ = true;
      return {};
    }
    Status commit() {
      MV_TRY(store_.exec("COMMIT", "cannot commit"));
      open_ = false;
      return {};
    }

   private:
    SqliteStore& store_;
    bool open_ = false;
  };

  template <class F>
  auto locked(F&& body) -> decltype(body()) {
    std::lock_guard lock(mutex_);
    try {
      return body();
    } catch (const std::exception& e) {
      return make_error(ErrorCode::internal, std::string("SQLite store failed: ") + e.what());
    }
  }

  // Statements are prepared once and kept for the life of the connection.
  Query query(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Query(db_, rc, sqlite3_errmsg(db_));  // not cached: the next call retries
      }
      it = statements_.emplace(sql, stmt).first;
    }
    return Query(db_, it->second);
  }

  Status exec(const std::string& sql, const std::string& what) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return {};
    const std::string detail = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return sqlite_error(sqlite3_extended_errcode(db_), what, detail);
  }

  Result<std::string> pragma_text(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
    std::string value;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        if (text != nullptr) value = reinterpret_cast<const char*>(text);
        rc = SQLITE_OK;
      }
    }
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
      return sqlite_error(rc, "cannot use SQLite database '" + path_ + "'", message);
    }
    return value;
  }

  Result<std::int64_t> single_integer(const std::string& sql, std::string_view what) {
    auto q = query(sql);
    const int rc = q.step();
    if (rc != SQLITE_ROW) return q.failure(rc, what);
    return q.column_int(0);
  }

  Result<int> read_schema_version() {
    auto exists = single_integer(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        "cannot read the schema version");
    if (!exists.ok()) return exists.error();
    if (*exists == 0) return 0;
    auto version = single_integer("SELECT coalesce(max(version), 0) FROM schema_migrations",
                                  "cannot read the schema version");
    if (!version.ok()) return version.error();
    return static_cast<int>(*version);
  }

  Result<SessionStatus> session_status(const std::string& id) {
    auto q = query("SELECT status FROM sessions WHERE id = ?");
    q.text(id);
    const int rc = q.step();
    if (rc == SQLITE_DONE)
      return make_error(ErrorCode::not_found, "session '" + id + "' not found");
    if (rc != SQLITE_ROW) return q.failure(rc, "cannot read session '" + id + "'");
    const std::string text = q.column_text(0);
    const auto status = parse_session_status(text);
    if (!status) {
      return make_error(ErrorCode::internal,
                        "session '" + id + "' has an unknown status '" + text + "' in the store");
    }
    return *status;
  }
  static std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  SqlDriver& sql() override { return *this; }

  // The driver's statements: run on the store's connection, inside the
  // transaction that transact() opened.
  class SqliteTx final : public SqlTx {
   public:
    SqliteTx(SqliteStore& store, const std::string& what) : store_(store), what_(what) {}
    Result<SqlRows> query(const std::string& sql, const SqlParams& params) override {
      auto q = store_.query(sqlite_placeholders(sql));
      bind(q, params);
      SqlRows rows;
      int rc;
      while ((rc = q.step()) == SQLITE_ROW) rows.push_back(q.row());
      if (rc != SQLITE_DONE) return q.failure(rc, what_);
      return rows;
    }
    Result<std::int64_t> exec(const std::string& sql, const SqlParams& params) override {
      auto q = store_.query(sqlite_placeholders(sql));
      bind(q, params);
      const int rc = q.step();
      if (rc != SQLITE_DONE && rc != SQLITE_ROW) return q.failure(rc, what_);
      return static_cast<std::int64_t>(sqlite3_changes64(store_.db_));
    }

   private:
    static void bind(Query& q, const SqlParams& params) {
      for (const SqlParam& p : params) {
        std::visit(
            [&](const auto& v) {
              using T = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<T, std::nullptr_t>) {
                q.null();
              } else if constexpr (std::is_same_v<T, std::int64_t>) {
                q.integer(v);
              } else if constexpr (std::is_same_v<T, double>) {
                q.real(v);
              } else if constexpr (std::is_same_v<T, SqlBlob>) {
                q.blob(v.bytes);
              } else {
                q.text(v);
              }
            },
            p);
      }
    }
    SqliteStore& store_;
    const std::string& what_;
  };

  sqlite3* db_;
  std::string path_;
  std::mutex mutex_;
  std::map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

Result<std::unique_ptr<RecordStore>> open_sqlite_store(const std::string& path) {
  try {
    if (path != ":memory:") {
      const std::filesystem::path parent = std::filesystem::path(path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec) {
        return make_error(ErrorCode::unavailable, "cannot create directory '" + parent.string() +
                                                      "' for SQLite database: " + ec.message());
      }
    }
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close_v2(db);
      return make_error(ErrorCode::unavailable,
                        "cannot open SQLite database '" + path + "': " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    auto store = std::make_unique<SqliteStore>(db, path);
    MV_TRY(store->configure());
    return std::unique_ptr<RecordStore>(std::move(store));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal,
                      "cannot open SQLite database '" + path + "': " + e.what());
  }
}

}  // namespace medvision::store
