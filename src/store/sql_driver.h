#pragma once
// A narrow SQL driver: statements written once with $1, $2 ... placeholders,
// typed row access and transactions. Record-store features written over it
// (store/sql_record_store.h) are written once for every backend; the SQLite
// and PostgreSQL backends each provide a driver. Only the migrations, which
// are DDL, stay side by side per dialect.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace medvision::store {

// Bytes for a BLOB (SQLite) or BYTEA (PostgreSQL) column.
struct SqlBlob {
  std::string bytes;
};

// A parameter: SQL NULL, an integer, a real, text or bytes.
using SqlParam = std::variant<std::nullptr_t, std::int64_t, double, std::string, SqlBlob>;
using SqlParams = std::vector<SqlParam>;

// One result row; cells are the database's text form of each value.
class SqlRow {
 public:
  explicit SqlRow(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  bool is_null(std::size_t i) const { return i >= cells_.size() || !cells_[i]; }
  std::string text(std::size_t i) const { return is_null(i) ? std::string() : *cells_[i]; }
  std::int64_t integer(std::size_t i) const;  // 0 for NULL
  double real(std::size_t i) const;           // 0 for NULL
  std::size_t size() const { return cells_.size(); }

 private:
  std::vector<std::optional<std::string>> cells_;
};
using SqlRows = std::vector<SqlRow>;

// The statements of one transaction. Errors carry the store's codes:
// a unique-key violation is `conflict`, a missing foreign-key parent
// `not_found`, an unreachable database `unavailable`.
class SqlTx {
 public:
  virtual ~SqlTx() = default;
  virtual Result<SqlRows> query(const std::string& sql, const SqlParams& params = {}) = 0;
  // Runs a statement; returns how many rows it changed.
  virtual Result<std::int64_t> exec(const std::string& sql, const SqlParams& params = {}) = 0;
};

class SqlDriver {
 public:
  virtual ~SqlDriver() = default;
  // Runs `body` in one transaction: committed when it succeeds, rolled back
  // when it returns an error. `what` prefixes the messages of failures the
  // driver itself reports.
  virtual Status transact(const std::string& what, const std::function<Status(SqlTx&)>& body) = 0;
  virtual std::string dialect() const = 0;  // "sqlite" or "postgres"
};

// "$1 ... $n" rewritten as SQLite's numbered "?1 ... ?n" (outside quotes).
std::string sqlite_placeholders(const std::string& sql);

}  // namespace medvision::store
