#include "store/postgres_store.h"

#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <pqxx/pqxx>
#include <string_view>
#include <utility>

#include "store/event_batch.h"
#include "store/migrations.h"
#include "store/postgres_url.h"
#include "store/sql_record_store.h"

namespace medvision::store {
namespace {

// Any fixed number; instances starting together take turns migrating.
constexpr std::int64_t kMigrationLockKey = 0x4d6564566973696f;  // "MedVisio"

// libpq messages span lines ("...failed: Connection refused\n\tIs the server
// running..."); log lines and JSON error bodies read better as one line.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == '\n' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Connection-level failures that a fresh connection may cure: the server
// restarted, an administrator ended our backend, or the network dropped.
bool connection_lost(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

ErrorCode code_for(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  if (state == "23505") return ErrorCode::conflict;
  if (state == "23503") return ErrorCode::not_found;
  if (state.starts_with("23") || state.starts_with("22")) return ErrorCode::invalid_input;
  // Serialization failures and deadlocks are transient: the caller may retry.
  if (state == "40001" || state == "40P01" || state.starts_with("53")) {
    return ErrorCode::unavailable;
  }
  if (connection_lost(e)) return ErrorCode::unavailable;
  return ErrorCode::internal;
}

Result<int> read_schema_version(pqxx::work& tx) {
  if (!tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>()) return 0;
  return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The driver's statements inside one pqxx transaction. Constraint and data
// errors come back as values (the transaction is then spent, and the caller
// returns); a lost connection is thrown on, so that run() reconnects and
// retries the whole transaction.
class PostgresTx final : public SqlTx {
 public:
  PostgresTx(pqxx::work& tx, const std::string& what) : tx_(tx), what_(what) {}
  Result<SqlRows> query(const std::string& sql, const SqlParams& params) override {
    auto result = run(sql, params);
    if (!result.ok()) return result.error();
    SqlRows rows;
    rows.reserve(result->size());
    for (const auto& row : *result) {
      std::vector<std::optional<std::string>> cells;
      cells.reserve(row.size());
      for (const auto& field : row) {
        if (field.is_null()) {
          cells.emplace_back();
        } else {
          // bytea (type 17) arrives escaped; the SQL layer reads blob cells as bytes.
          constexpr pqxx::oid kBytea = 17;
          cells.emplace_back(field.type() == kBytea ? pqxx::binarystring(field).str()
                                                    : std::string(field.c_str(), field.size()));
        }
      }
      rows.emplace_back(std::move(cells));
    }
    return rows;
  }
  Result<std::int64_t> exec(const std::string& sql, const SqlParams& params) override {
    auto result = run(sql, params);
    if (!result.ok()) return result.error();
    return static_cast<std::int64_t>(result->affected_rows());
  }

 private:
  Result<pqxx::result> run(const std::string& sql, const SqlParams& params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              return;
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
              texts[i] = std::to_string(v);
            } else if constexpr (std::is_same_v<T, double>) {
              char buf[40];
              std::snprintf(buf, sizeof buf, "%.17g", v);
              texts[i] = buf;
            } else if constexpr (std::is_same_v<T, SqlBlob>) {
              // BYTEA's hex input format.
              static constexpr char kHex[] = "0123456789abcdef";
              texts[i] = "\\x";
              texts[i].reserve(2 + 2 * v.bytes.size());
              for (const char ch : v.bytes) {
                const auto b = static_cast<unsigned char>(ch);
                texts[i] += kHex[b >> 4];
                texts[i] += kHex[b & 15];
              }
            } else {
              texts[i] = v;
            }
            values[i] = texts[i].c_str();
          },
          params[i]);
    }
    try {
      return tx_.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
    } catch (const pqxx::sql_error& e) {
      if (connection_lost(e)) throw;
      return make_error(code_for(e), what_ + ": " + one_line(e.what()));
    }
  }
  pqxx::work& tx_;
  const std::string& what_;
};

class PostgresStore final : public SqlRecordStore, private SqlDriver {
 public:
  PostgresStore(std::string url, PostgresEndpoint endpoint)
      : url_(std::move(url)), endpoint_(std::move(endpoint)) {}

  std::string backend_name() const override { return "postgres"; }

  // Called once by open_postgres_store, so that an unreachable server is
  // reported at start-up rather than on the first request.
  Status connect() {
    std::lock_guard lock(mutex_);
    return connect_locked();
  }

  Status migrate() override {
    return run("cannot migrate the schema", [&](pqxx::connection& c) -> Status {
      pqxx::work tx(c);
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
      tx.exec(kSchemaMigrationsTableSql);
      auto current = read_schema_version(tx);
      if (!current.ok()) return current.error();
      if (*current > latest_schema_version()) {
        return make_error(ErrorCode::conflict,
                          "database at " + describe(endpoint_) + " has schema version " +
                              std::to_string(*current) + ", newer than this build knows (" +
                              std::to_string(latest_schema_version()) + "); run a newer medvision");
      }
      for (const Migration& migration : migrations()) {
        if (migration.version <= *current) continue;
        tx.exec(migration.postgres_sql);
        tx.exec_params("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                       migration.version, now_us());
      }
      tx.commit();
      return {};
    });
  }

  Result<int> schema_version() override {
    return run("cannot read the schema version", [&](pqxx::connection& c) -> Result<int> {
      pqxx::work tx(c);
      return read_schema_version(tx);
    });
  }

  std::string dialect() const override { return "postgres"; }

  Status transact(const std::string& what, const std::function<Status(SqlTx&)>& body) override {
    return run(what, [&](pqxx::connection& c) -> Status {
      pqxx::work tx(c);
      PostgresTx statements(tx, what);
      MV_TRY(body(statements));
      tx.commit();
      return {};
    });
  }

 private:
  SqlDriver& sql() override { return *this; }

  // An INSERT: a duplicate id is a conflict, a missing parent (foreign key)
  // is not_found naming `parent`.
  template <class... Args>
  Status insert(const std::string& what, const std::string& parent, const std::string& sql,
                const Args&... args) {
    return run("cannot create " + what, [&](pqxx::connection& c) -> Status {
      pqxx::work tx(c);
      try {
        tx.exec_params(sql, args...);
      } catch (const pqxx::foreign_key_violation&) {
        return make_error(ErrorCode::not_found,
                          "cannot create " + what + ": " + parent + " not found");
      } catch (const pqxx::unique_violation&) {
        return make_error(ErrorCode::conflict, what + " already exists");
      }
      tx.commit();
      return {};
    });
  }

  Status connect_locked() {
    try {
      conn_.reset();
      auto conn = std::make_unique<pqxx::connection>(url_);
      // Keeps "relation already exists, skipping" notices out of stderr.
      pqxx::nontransaction setup(*conn);
      setup.exec("SET client_min_messages = warning");
      setup.commit();
      conn_ = std::move(conn);
      return {};
    } catch (const std::exception& e) {
      return unreachable(e.what());
    }
  }

  Error unreachable(const std::string& detail) const {
    return make_error(ErrorCode::unavailable, "cannot reach PostgreSQL at " + describe(endpoint_) +
                                                  ": " +
                                                  scrub_password(one_line(detail), endpoint_));
  }

  // Runs `body` on the connection, under the mutex. A connection found broken
  // is replaced and the body tried once more: a transaction that failed that
  // way was never committed, so running it again cannot apply it twice.
  template <class F>
  auto run(const std::string& what, F&& body) -> decltype(body(std::declval<pqxx::connection&>())) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0;; ++attempt) {
      try {
        if (!conn_ || !conn_->is_open()) MV_TRY(connect_locked());
        return body(*conn_);
      } catch (const pqxx::broken_connection& e) {
        conn_.reset();
        if (attempt == 0) continue;
        return unreachable(e.what());
      } catch (const pqxx::in_doubt_error&) {
        conn_.reset();
        return make_error(ErrorCode::unavailable,
                          what + ": the connection to PostgreSQL at " + describe(endpoint_) +
                              " broke during commit, so it is unknown whether the write happened");
      } catch (const pqxx::sql_error& e) {
        if (connection_lost(e)) {
          conn_.reset();
          if (attempt == 0) continue;
        }
        return make_error(code_for(e), what + ": " + scrub_password(one_line(e.what()), endpoint_));
      } catch (const std::exception& e) {
        return make_error(ErrorCode::internal,
                          what + ": " + scrub_password(one_line(e.what()), endpoint_));
      }
    }
  }

  std::string url_;
  PostgresEndpoint endpoint_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

Result<std::unique_ptr<RecordStore>> open_postgres_store(const std::string& url) {
  try {
    auto store = std::make_unique<PostgresStore>(url, parse_postgres_url(url));
    MV_TRY(store->connect());
    return std::unique_ptr<RecordStore>(std::move(store));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal,
                      std::string("cannot open PostgreSQL store: ") + e.what());
  }
}

}  // namespace medvision::store
