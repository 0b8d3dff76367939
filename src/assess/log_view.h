#pragma once
// Reading a session log for assessment: events with their payloads parsed
// once, and times in seconds from the log's ticks.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"

namespace medvision::assess {

struct LoggedEvent {
  double t_s = 0;  // tick / tick rate
  std::string type;
  nlohmann::json payload;  // an object; empty object when the payload was not JSON
};

class LogView {
 public:
  LogView(std::span<const Event> log, double tick_rate_hz);

  const std::vector<LoggedEvent>& events() const { return events_; }
  double end_s() const { return end_s_; }
  // All events of one type, in log order.
  std::vector<const LoggedEvent*> of_type(const std::string& type) const;
  const LoggedEvent* first(const std::string& type) const;

 private:
  std::vector<LoggedEvent> events_;
  double end_s_ = 0;
};

}  // namespace medvision::assess
