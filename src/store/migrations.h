#pragma once
// The records schema, as an ordered list of migrations. Each migration carries
// its SQL for both dialects side by side so that SQLite and PostgreSQL cannot
// drift apart: a change to one is reviewed next to the other.
//
// Migrations are append-only: once released, a migration's SQL never changes;
// a new schema change is a new version.

#include <span>

namespace medvision::store {

struct Migration {
  int version;
  const char* description;
  const char* sqlite_sql;    // may hold several statements
  const char* postgres_sql;  // may hold several statements
};

std::span<const Migration> migrations();

// The version that migrate() brings a database to.
int latest_schema_version();

// Created before any migration runs, in both dialects, so that the applied
// versions can be read. applied_at is microseconds since the Unix epoch, like
// every other time in the records.
inline constexpr const char* kSchemaMigrationsTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " applied_at BIGINT NOT NULL)";

}  // namespace medvision::store
