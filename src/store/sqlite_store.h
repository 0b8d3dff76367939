#pragma once
// The embedded backend: one SQLite file in WAL mode.

#include <memory>
#include <string>

#include "core/result.h"
#include "store/record_store.h"

namespace medvision::store {

// Opens (creating it and its parent directories if needed) the SQLite
// database at `path`. Does not migrate.
Result<std::unique_ptr<RecordStore>> open_sqlite_store(const std::string& path);

}  // namespace medvision::store
