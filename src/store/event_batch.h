#pragma once
// The rules a batch of session events must follow before any backend writes
// it. Shared so that SQLite and PostgreSQL reject exactly the same batches.

#include <cstdint>
#include <vector>

#include "core/result.h"
#include "store/record_store.h"

namespace medvision::store {

// Checks what can be checked without the database: every event names a
// session (invalid_input), all name the same one and their seqs count up by
// one (conflict). An empty batch passes.
Status check_event_batch(const std::vector<EventRecord>& events);

// Checks that a non-empty batch continues a log whose last seq is `last_seq`.
Status check_batch_continues_log(const std::vector<EventRecord>& events, std::uint64_t last_seq);

}  // namespace medvision::store
