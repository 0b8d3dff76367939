#pragma once
// The debrief report of a session: a projection of its event log (never a
// separate truth). The skeleton is the same for every module (header, score,
// rubric, feedback, participants, timeline) and reads the `assessment` event;
// the session's module adds its own sections (plots of vital signs, of
// instrument paths) between the rubric and the timeline. The JSON contract
// is in docs/reports.md. Later projections (xAPI, FHIR) live beside it.

#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"

namespace medvision::records {

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

// A part of the report a module contributes; `fields` are merged into report.json.
struct ReportSection {
  std::string html;
  nlohmann::json fields = nlohmann::json::object();
};

// What the session's module adds to the skeleton.
struct ModuleReport {
  // Event types that are samples: plotted or counted, never on the timeline.
  std::vector<std::string> sample_events;
  std::function<std::vector<ReportSection>(std::span<const Event> log, double tick_rate_hz)>
      sections;
};

SessionReport build_session_report(const SessionInfo& info, std::span<const Event> log,
                                   const ModuleReport& module = {});

}  // namespace medvision::records
