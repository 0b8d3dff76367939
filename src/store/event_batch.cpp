#include "store/event_batch.h"

#include <string>

namespace medvision::store {

Status check_event_batch(const std::vector<EventRecord>& events) {
  if (events.empty()) return {};
  const std::string& session_id = events.front().session_id;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventRecord& event = events[i];
    if (event.session_id.empty()) {
      return make_error(ErrorCode::invalid_input,
                        "event " + std::to_string(i) + " of the batch has an empty session id");
    }
    if (event.session_id != session_id) {
      return make_error(ErrorCode::conflict,
                        "a batch of events must belong to one session, but it "
                        "mixes '" +
                            session_id + "' and '" + event.session_id + "'");
    }
    if (i > 0 && event.seq != events[i - 1].seq + 1) {
      return make_error(ErrorCode::conflict, "events of session '" + session_id +
                                                 "' must have consecutive seqs, but " +
                                                 std::to_string(events[i - 1].seq) +
                                                 " is followed by " + std::to_string(event.seq));
    }
  }
  return {};
}

Status check_batch_continues_log(const std::vector<EventRecord>& events, std::uint64_t last_seq) {
  if (events.empty() || events.front().seq == last_seq + 1) return {};
  const EventRecord& first = events.front();
  return make_error(ErrorCode::conflict, "session '" + first.session_id + "' expects event seq " +
                                             std::to_string(last_seq + 1) +
                                             " next, but the batch starts at " +
                                             std::to_string(first.seq));
}

}  // namespace medvision::store
