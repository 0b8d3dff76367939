#include "assess/log_view.h"

#include <algorithm>

namespace medvision::assess {

LogView::LogView(std::span<const Event> log, double tick_rate_hz) {
  events_.reserve(log.size());
  for (const Event& e : log) {
    nlohmann::json payload = nlohmann::json::parse(e.payload, nullptr, false);
    if (!payload.is_object()) payload = nlohmann::json::object();
    const double t = static_cast<double>(e.tick) / tick_rate_hz;
    end_s_ = std::max(end_s_, t);
    events_.push_back(LoggedEvent{t, e.type, std::move(payload)});
  }
}

std::vector<const LoggedEvent*> LogView::of_type(const std::string& type) const {
  std::vector<const LoggedEvent*> out;
  for (const auto& e : events_) {
    if (e.type == type) out.push_back(&e);
  }
  return out;
}

const LoggedEvent* LogView::first(const std::string& type) const {
  for (const auto& e : events_) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

}  // namespace medvision::assess
