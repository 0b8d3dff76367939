#pragma once
// A module's front door. Everything the platform needs to know about a
// clinical module (emergency, laparoscopy, and the patient modules that
// follow) is in its descriptor: the kinds it runs, its declared vocabulary,
// how its sessions are judged, the inputs it reads, the projections that
// apply, its report sections and planners. The server, the command line,
// reports and clients read descriptors; none of them names a module.
//
// A module lives in src/modules/<id>/ (its CMakeLists.txt builds it), its
// scenarios in content/scenarios/<id>/, its client view in
// web/src/modules/<id>/; registry.cpp lists the descriptors (docs/modules.md).

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/result.h"
#include "records/report.h"
#include "scenario/catalog.h"
#include "scenario/scenario_def.h"
#include "session/session_module.h"

namespace medvision::modules {

// Assessed sessions end in a score and a verdict against a pass mark
// (training); measured sessions record outcomes without a verdict
// (rehabilitation, therapy).
enum class Judgement { assessed, measured };
const char* to_string(Judgement judgement);

// A stream of client input the module reads (session/input.h names them):
// head and hand poses (INPUT, or STREAMS, the versioned input message of
// docs/protocol.md), and in STREAMS 25-joint hands, an audio envelope and
// client timestamps. Optional streams a module does not declare are dropped
// before they reach its sessions or their logs.
struct InputStream {
  std::string name;    // input_stream::head, hands, hand_joints, audio_envelope, client_time
  double rate_hz = 0;  // the rate clients send it at
  std::string description;
};

// Writes the input trace of a scripted participant for one scenario
// (`medvision plan <kind> --style <style>`).
struct Planned {
  std::string jsonl;
  double duration_s = 0;
  bool completed = false;
};
struct Planner {
  std::string scenario;             // "peg-transfer"
  std::vector<std::string> styles;  // "skilled", "clumsy"
  std::function<Result<Planned>(const std::string& style, bool verbose)> plan;
};

struct ModuleDescriptor {
  std::string id;  // "emergency": sessions' kinds are "<id>/<scenario>[:<variant>]"
  std::string title;
  std::string description;
  Judgement judgement = Judgement::assessed;
  // Projections of a session's log that apply: "report" always; "xapi" for
  // training, "fhir" for care.
  std::vector<std::string> projections = {"report"};
  std::vector<InputStream> inputs;
  // The declared vocabulary: scenario actions, participants' actions, events,
  // signals, metrics. Scenarios are checked against it when they load.
  std::function<const scenario::Catalog&()> catalog;
  // Event types that are samples (plotted, never listed on a timeline).
  std::vector<std::string> sample_events;
  // Event types whose latest instance a member who joins late needs before
  // the window of recent events (the monitor's last vital signs).
  std::vector<std::string> late_joiner_events;
  // Sessions of kind "<id>" run without a scenario (the sandbox; later a
  // shared anatomy room): no scenario file, no instructor controls, everyone's
  // hands reach the world, no report.
  bool open_room = false;
  // Who sees the module's scenarios in listings (a role name); empty: everyone.
  std::vector<std::string> listed_for;

  // content_root/scenarios/<id>/<scenario>.yaml, checked against the catalog.
  std::function<Result<std::shared_ptr<const scenario::ScenarioDef>>(
      const std::filesystem::path& content_root, const std::string& scenario)>
      load_scenario;
  // Makes a session's module for a kind of this module (the session factory).
  std::function<Result<std::unique_ptr<SessionModule>>(
      const std::filesystem::path& content_root, double tick_rate_hz, const std::string& scenario,
      const std::string& variant, std::uint64_t seed)>
      make_session;
  // The module's report sections (emergency: vital signs; laparoscopy:
  // instrument paths and forces), placed between the rubric and the
  // timeline; empty: none.
  std::function<std::vector<records::ReportSection>(std::span<const Event> log,
                                                    double tick_rate_hz)>
      report_sections;
  std::vector<Planner> planners;
};

}  // namespace medvision::modules
