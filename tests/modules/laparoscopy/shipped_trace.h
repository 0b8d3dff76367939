#pragma once
// A 1 kHz session of a laparoscopy task, and a shipped trace played through
// one as `medvision run` plays it: the log's event counts, the module's
// assessment and the debrief report's HTML.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "modules/registry.h"
#include "session/session.h"
#include "session/trace.h"

namespace medvision::laparoscopy {

struct Played {
  nlohmann::json assessment;
  std::map<std::string, int> counts;
  std::string html;
};

// A session of laparoscopy/<task> on the content under `content`.
inline Session make_task_session(const std::filesystem::path& content, const std::string& task) {
  const std::string kind = "laparoscopy/" + task;
  auto module = modules::module_factory(content, 1000)(kind, 1);
  EXPECT_TRUE(module.ok()) << module.error().message;
  return Session(
      SessionSetup{kind, 1, 1000}, [] { return std::int64_t{0}; }, std::move(*module));
}

// Plays content/traces/laparoscopy/<task>.<style>.jsonl in a 1 kHz session.
inline Played play_shipped_trace(const std::filesystem::path& content, const std::string& task,
                                 const std::string& style, double grace_s) {
  const auto path = content / "traces" / "laparoscopy" / (task + "." + style + ".jsonl");
  auto trace = read_trace_file(path.string());
  EXPECT_TRUE(trace.ok()) << path;
  const std::string kind = "laparoscopy/" + task;
  auto module = modules::module_factory(content, 1000)(kind, 1);
  EXPECT_TRUE(module.ok()) << module.error().message;
  Session s(
      SessionSetup{kind, 1, 1000}, [] { return std::int64_t{0}; }, std::move(*module));
  PlayOptions options;
  options.grace_s = grace_s;
  auto log = play_trace(s, *trace, options);
  EXPECT_TRUE(log.ok());
  Played out;
  for (const auto& e : *log) ++out.counts[e.type];
  const std::string assessment = *s.module()->assess(*log);
  out.assessment = nlohmann::json::parse(assessment);
  std::vector<Event> with = *log;
  with.push_back(Event{with.size() + 1, with.back().tick, 0, "assessment", assessment});
  out.html =
      modules::session_report(records::SessionInfo{"s1", task, "laparoscopy/" + task, 1000}, with)
          .html;
  return out;
}

}  // namespace medvision::laparoscopy
