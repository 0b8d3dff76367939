#pragma once
// The scale-out backend: PostgreSQL through libpqxx.

#include <memory>
#include <string>

#include "core/result.h"
#include "store/record_store.h"

namespace medvision::store {

// Connects to the server named by a postgres:// or postgresql:// URL.
// Does not migrate. unavailable if the server cannot be reached.
Result<std::unique_ptr<RecordStore>> open_postgres_store(const std::string& url);

}  // namespace medvision::store
