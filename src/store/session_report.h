#pragma once
// The debrief report of a session: a projection of its event log (never a
// separate truth). It reads the `assessment` event for the score, metrics
// and feedback, `vitals` samples for the plots, and every other fact for the
// timeline. The JSON contract is in docs/reports.md.

#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "core/event.h"

namespace medvision {

struct SessionInfo {
  std::string id;
  std::string title;
  std::string kind;
  double tick_rate_hz = 1000.0;
};

struct SessionReport {
  nlohmann::json json;  // report.json
  std::string html;     // report.html: self-contained (inline SVG, no scripts)
};

SessionReport build_session_report(const SessionInfo& info, std::span<const Event> log);

}  // namespace medvision
