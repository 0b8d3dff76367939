// Live emergency sessions: the real `medvision` binary runs a scenario's
// module in a session; team actions and instructor controls arrive over the
// WebSocket and REST, vital signs and prompts go back as EVENTS frames, and
// the session is scored and its report stored when it ends.
//
// Expectations come from the documents, not the server's code: the protocol
// (docs/protocol.md), the API (docs/api.md), the scenario files and the START
// rules that triage-start.yaml's casualties are tagged by.

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "modules/registry.h"
#include "server_process.h"
#include "session/session.h"

namespace medvision::testing {
namespace {

using nlohmann::json;

const std::string kAdminPassword = "admin password for tests";
constexpr std::uint8_t kAction = 0x02, kControl = 0x03, kEvents = 0x12, kReply = 0x13;

class EmergencyLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        dir_.path(),
        std::vector<std::string>{"--content", std::string(MEDVISION_SOURCE_DIR) + "/content"},
        std::map<std::string, std::string>{{"MEDVISION_ADMIN_PASSWORD", kAdminPassword}});
    admin_ = login(port(), "admin", kAdminPassword);
  }
  int port() const { return server_->port(); }

  std::string user(const std::string& name, const std::string& role) {
    create_user(port(), admin_, name, role);
    return login(port(), name, "correct horse");
  }

  HttpResult create(const std::string& token, const json& body) {
    return http_request(port(), "POST", "/api/sessions", body.dump(), token);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
};

using Deadline = std::chrono::steady_clock::time_point;
Deadline after(double seconds) {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(seconds));
}

// Collects the events of EVENTS frames and the REPLY frames of one client.
class Listener {
 public:
  explicit Listener(WsClient& ws) : ws_(ws) {}

  // Reads until an event of `type` (matching `pred`) has arrived; returns it.
  std::optional<json> wait_event(const std::string& type, double timeout_s = 10.0,
                                 const std::function<bool(const json&)>& pred = nullptr) {
    const auto deadline = after(timeout_s);
    for (;;) {
      for (std::size_t i = checked_; i < events_.size(); ++i) {
        if (events_[i]["type"] == type && (!pred || pred(events_[i]["payload"]))) return events_[i];
      }
      if (std::chrono::steady_clock::now() >= deadline || !pump(deadline)) return std::nullopt;
    }
  }

  std::optional<json> wait_reply(std::uint32_t ref, double timeout_s = 5.0) {
    const auto deadline = after(timeout_s);
    for (;;) {
      for (const auto& r : replies_) {
        if (r["ref"] == ref) return r;
      }
      if (std::chrono::steady_clock::now() >= deadline || !pump(deadline)) return std::nullopt;
    }
  }

  // Reads until the connection closes.
  bool wait_closed(double timeout_s) {
    const auto deadline = after(timeout_s);
    while (!ws_.closed() && std::chrono::steady_clock::now() < deadline) pump(deadline);
    return ws_.closed();
  }

  const std::vector<json>& events() const { return events_; }
  const std::vector<std::vector<json>>& batches() const { return batches_; }
  // Later waits look only at events after the ones seen so far.
  void mark() { checked_ = events_.size(); }

 private:
  bool pump(Deadline deadline) {
    const double left =
        std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    auto frame = ws_.read(std::max(0.05, std::min(left, 1.0)));
    if (!frame) return !ws_.closed();
    const ServerFrame f = parse_server_frame(*frame);
    if (f.type == kEvents) {
      EXPECT_TRUE(f.json.is_array());
      batches_.emplace_back();
      for (const auto& e : f.json) {
        EXPECT_TRUE(e.contains("seq") && e.contains("tick") && e.contains("type") &&
                    e["payload"].is_object())
            << e;
        EXPECT_NE(e["type"], "input") << "inputs are not sent to clients";
        if (!events_.empty()) {
          EXPECT_GT(e["seq"].get<std::uint64_t>(), events_.back()["seq"].get<std::uint64_t>());
        }
        events_.push_back(e);
        batches_.back().push_back(e);
      }
    } else if (f.type == kReply) {
      replies_.push_back(f.json);
    }
    return true;
  }

  WsClient& ws_;
  std::vector<json> events_;
  std::vector<std::vector<json>> batches_;
  std::vector<json> replies_;
  std::size_t checked_ = 0;
};

std::string action(const std::string& name, const json& params) {
  return json{{"name", name}, {"params", params}}.dump();
}

TEST_F(EmergencyLiveTest, ScenariosAreListedAndANewSessionMustNameOneThatExists) {
  const std::string trainee = user("tess", "trainee");
  const auto listing = http_request(port(), "GET", "/api/scenarios", "", trainee);
  ASSERT_EQ(listing.status, 200) << listing.body;
  std::set<std::string> kinds;
  for (const auto& s : listing.json()) kinds.insert(s["kind"].get<std::string>());
  // Every scenario under content/scenarios, of every module.
  EXPECT_EQ(kinds, (std::set<std::string>{"emergency/acls-vf", "emergency/trauma-haemorrhage",
                                          "emergency/triage-start", "laparoscopy/peg-transfer",
                                          "laparoscopy/pattern-cutting",
                                          "laparoscopy/tissue-dissection"}));
  for (const auto& s : listing.json()) {
    if (s["kind"] != "emergency/acls-vf") continue;
    // As declared in content/scenarios/emergency/acls-vf.yaml.
    std::set<std::string> variants, roles, cues, actions;
    for (const auto& v : s["variants"]) variants.insert(v["name"].get<std::string>());
    for (const auto& r : s["roles"]) roles.insert(r["name"].get<std::string>());
    for (const auto& q : s["cues"]) cues.insert(q["name"].get<std::string>());
    for (const auto& a : s["actions"]) actions.insert(a.get<std::string>());
    EXPECT_TRUE(variants.count("hypoxia") && variants.count("hypovolaemia"));
    EXPECT_TRUE(roles.count("compressor") && roles.count("airway"));
    EXPECT_TRUE(cues.count("rhythm_to_asystole") && cues.count("patient_vomits"));
    EXPECT_TRUE(actions.count("shock") && actions.count("give_drug") &&
                actions.count("compressions"));
  }

  const auto unknown = create(trainee, {{"title", "x"}, {"kind", "emergency/appendix"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("emergency/acls-vf"), std::string::npos)
      << "the error names the kinds there are: " << unknown.body;
  const auto bad_variant =
      create(trainee, {{"title", "x"}, {"kind", "emergency/acls-vf"}, {"variant", "hiccups"}});
  EXPECT_EQ(bad_variant.status, 400);
  EXPECT_NE(bad_variant.body.find("hypoxia"), std::string::npos) << bad_variant.body;
  const auto not_instructor =
      create(trainee, {{"title", "x"}, {"kind", "emergency/acls-vf"}, {"instructors", {"tess"}}});
  EXPECT_EQ(not_instructor.status, 400);
  EXPECT_NE(not_instructor.body.find("not an instructor"), std::string::npos)
      << not_instructor.body;

  const auto variant =
      create(trainee, {{"title", "hypoxic arrest"}, {"kind", "emergency/acls-vf:hypoxia"}});
  ASSERT_EQ(variant.status, 201) << variant.body;
  EXPECT_EQ(variant.json()["kind"], "emergency/acls-vf:hypoxia");
  EXPECT_EQ(variant.json()["status"], "running");
  const auto listed = http_request(port(), "GET", "/api/sessions", "", trainee);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()[0]["kind"], "emergency/acls-vf:hypoxia");
}

TEST_F(EmergencyLiveTest, ATriageTeamTagsEveryCasualtyAndTheSessionEndsScoredWithItsReport) {
  const std::string tess = user("tess", "trainee");
  const std::string other = user("otto", "trainee");
  const std::string teacher = user("ida", "instructor");
  const auto created = create(
      tess, {{"title", "bus crash"}, {"kind", "emergency/triage-start"}, {"instructors", {"ida"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];

  WsClient ws(port(), id, tess);
  Listener in(ws);
  // The join context: what the scenario showed so far.
  ASSERT_TRUE(in.wait_event("session_started", 5.0));
  ASSERT_TRUE(in.wait_event("scenario_loaded", 5.0));
  ASSERT_TRUE(in.wait_event("prompt_shown", 5.0, [](const json& p) {
    return p.value("text", "").find("ten casualties") != std::string::npos;
  }));

  std::uint32_t seq = 0;
  ws.send_binary(json_frame(kAction, ++seq, action("assign_role", {{"role", "triage_officer"}})));
  auto ok = in.wait_reply(seq);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["ok"], true) << *ok;
  EXPECT_TRUE(in.wait_event("role_assigned", 5.0,
                            [](const json& p) { return p["role"] == "triage_officer"; }));

  // Refused by the module: accepted on the wire, refused with a reason at the tick.
  ws.send_binary(json_frame(kAction, ++seq, action("tag", {{"patient", "p99"}, {"tag", "minor"}})));
  EXPECT_EQ((*in.wait_reply(seq))["ok"], true);
  const auto refused = in.wait_event("action_refused", 5.0);
  ASSERT_TRUE(refused);
  EXPECT_NE((*refused)["payload"]["reason"].get<std::string>().find("p99"), std::string::npos)
      << *refused;

  // Malformed bodies: a REPLY says why, the connection stays open.
  ws.send_binary(json_frame(kAction, ++seq, "{\"name\": 42}"));
  auto bad = in.wait_reply(seq);
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)["ok"], false);
  EXPECT_EQ((*bad)["code"], "invalid_input");
  ws.send_binary(json_frame(kAction, ++seq, "not json"));
  EXPECT_EQ((*in.wait_reply(seq))["code"], "invalid_input");
  // A trainee may not steer the scenario.
  ws.send_binary(
      json_frame(kControl, ++seq, json{{"control", "cue"}, {"text", "fuel_leak"}}.dump()));
  auto denied = in.wait_reply(seq);
  ASSERT_TRUE(denied);
  EXPECT_EQ((*denied)["code"], "forbidden");

  // START (Benson et al. 1996) on the casualties' findings in triage-start.yaml.
  const std::vector<std::pair<std::string, std::string>> tags = {
      {"p1", "minor"},     {"p2", "expectant"}, {"p3", "immediate"}, {"p4", "immediate"},
      {"p5", "immediate"}, {"p6", "immediate"}, {"p7", "delayed"},   {"p8", "minor"},
      {"p9", "immediate"}, {"p10", "delayed"}};
  ws.send_binary(json_frame(kAction, ++seq, action("reposition_airway", {{"patient", "p2"}})));
  for (const auto& [patient, tag] : tags) {
    ws.send_binary(json_frame(kAction, ++seq, action("tag", {{"patient", patient}, {"tag", tag}})));
  }
  ASSERT_TRUE(in.wait_reply(seq));

  // The scenario ends by itself once every casualty is tagged; the server
  // scores it and closes the connection.
  ASSERT_TRUE(in.wait_closed(30.0)) << "the session did not end by itself; events: " << [&] {
    std::string types;
    for (const auto& e : in.events())
      types += e["type"].get<std::string>() + " " + e["payload"].dump().substr(0, 100) + "\n";
    return types;
  }();
  EXPECT_EQ(ws.close_code(), 1000);
  EXPECT_NE(ws.close_reason().find("session ended"), std::string::npos) << ws.close_reason();
  const auto ended = in.wait_event("scenario_ended", 0.1);
  ASSERT_TRUE(ended) << "the last EVENTS frame arrives before the close";
  EXPECT_EQ((*ended)["payload"]["outcome"], "completed");
  const auto assessment = in.wait_event("assessment", 0.1);
  ASSERT_TRUE(assessment);
  EXPECT_DOUBLE_EQ((*assessment)["payload"]["score"].get<double>(), 100.0) << *assessment;

  const auto session = http_request(port(), "GET", "/api/sessions/" + id, "", tess);
  EXPECT_EQ(session.json()["status"], "ended");
  const auto report = http_request(port(), "GET", "/api/sessions/" + id + "/report", "", tess);
  ASSERT_EQ(report.status, 200) << report.body;
  const json r = report.json();
  EXPECT_EQ(r["scenario"], "triage-start");
  EXPECT_EQ(r["outcome"], "completed");
  EXPECT_EQ(r["passed"], true);
  EXPECT_DOUBLE_EQ(r["score"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(r["metrics"]["under_triage_count"]["value"].get<double>(), 0.0) << r["metrics"];
  EXPECT_DOUBLE_EQ(r["metrics"]["over_triage_count"]["value"].get<double>(), 0.0) << r["metrics"];
  ASSERT_EQ(r["session"]["participants"].size(), 1u);
  EXPECT_EQ(r["session"]["participants"][0]["username"], "tess");

  const auto html =
      http_request(port(), "GET", "/api/sessions/" + id + "/report.html", "", teacher);
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.headers.at("content-type").rfind("text/html", 0), 0u);
  EXPECT_NE(html.body.find("Mass-casualty triage with START"), std::string::npos);
  EXPECT_NE(html.body.find("Timeline"), std::string::npos);
  EXPECT_NE(html.headers.at("content-security-policy").find("default-src 'none'"),
            std::string::npos);
  // A trainee who neither created nor joined the session may not read it.
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/" + id + "/report", "", other).status, 403);
}

TEST_F(EmergencyLiveTest, OnlyTheSessionsInstructorsAndAdminsMaySteerIt) {
  const std::string ida = user("ida", "instructor");  // creates, so teaches
  const std::string vic = user("vic", "instructor");  // watches it, does not teach it
  const std::string tess = user("tess", "trainee");
  const auto created = create(ida, {{"title", "megacode"},
                                    {"kind", "emergency/acls-vf"},
                                    {"members",
                                     {{{"username", "tess"}, {"role", "participant"}},
                                      {{"username", "vic"}, {"role", "observer"}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  const std::string control = "/api/sessions/" + id + "/control";

  const auto teachers =
      http_request(port(), "GET", "/api/sessions/" + id + "/instructors", "", tess);
  ASSERT_EQ(teachers.status, 200);
  EXPECT_EQ(teachers.json(), json::array({"ida"}));

  const auto vic_cue =
      http_request(port(), "POST", control,
                   json{{"control", "cue"}, {"text", "rhythm_to_asystole"}}.dump(), vic);
  EXPECT_EQ(vic_cue.status, 403);
  EXPECT_NE(vic_cue.body.find("do not teach"), std::string::npos) << vic_cue.body;
  EXPECT_EQ(http_request(port(), "POST", control, json{{"control", "pause"}}.dump(), tess).status,
            403);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/events",
                         json{{"type", "observation"}, {"text", "x"}}.dump(), vic)
                .status,
            403);
  EXPECT_EQ(http_request(port(), "POST", control, json{{"control", "dance"}}.dump(), ida).status,
            400);
  EXPECT_EQ(http_request(port(), "POST", control, json{{"control", "cue"}}.dump(), ida).status, 400)
      << "a cue needs its text";

  WsClient vic_ws(port(), id, vic);
  Listener vic_in(vic_ws);
  vic_ws.send_binary(json_frame(kControl, 1, json{{"control", "pause"}}.dump()));
  auto denied = vic_in.wait_reply(1);
  ASSERT_TRUE(denied);
  EXPECT_EQ((*denied)["code"], "forbidden");
  EXPECT_FALSE(vic_in.wait_event("instructor", 0.5)) << "a refused control changes nothing";

  const auto paused = http_request(port(), "POST", control, json{{"control", "pause"}}.dump(), ida);
  EXPECT_EQ(paused.status, 202) << paused.body;
  const auto ev = vic_in.wait_event("instructor", 5.0);
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["payload"]["control"], "pause");

  // The admin adds vic; now vic's controls over the WebSocket are taken.
  const auto added = http_request(port(), "POST", "/api/sessions/" + id + "/instructors",
                                  json{{"username", "vic"}}.dump(), admin_);
  ASSERT_EQ(added.status, 200) << added.body;
  std::set<std::string> teaching;
  for (const auto& name : added.json()) teaching.insert(name.get<std::string>());
  EXPECT_EQ(teaching, (std::set<std::string>{"ida", "vic"}));
  vic_in.mark();
  vic_ws.send_binary(json_frame(kControl, 2, json{{"control", "resume"}}.dump()));
  EXPECT_EQ((*vic_in.wait_reply(2))["ok"], true);
  EXPECT_TRUE(
      vic_in.wait_event("instructor", 5.0, [](const json& p) { return p["control"] == "resume"; }));
  vic_ws.send_binary(
      json_frame(kControl, 3, json{{"control", "cue"}, {"text", "rhythm_to_asystole"}}.dump()));
  EXPECT_EQ((*vic_in.wait_reply(3))["ok"], true);
  EXPECT_TRUE(vic_in.wait_event("cue_received", 5.0)) << "the scenario takes the cue";
  vic_ws.send_binary(json_frame(
      kControl, 4, json{{"control", "observation"}, {"text", "leader froze at the cue"}}.dump()));
  EXPECT_EQ((*vic_in.wait_reply(4))["ok"], true);
  EXPECT_TRUE(vic_in.wait_event(
      "observation", 5.0, [](const json& p) { return p["text"] == "leader froze at the cue"; }));

  // Every control, taken or refused, is in the audit log.
  const auto audit = http_request(port(), "GET", "/api/audit?limit=10000", "", admin_);
  int denied_controls = 0;
  for (const auto& a : audit.json()) {
    if (a["resource"] == "/api/sessions/" + id && a["outcome"] == "denied" &&
        a["action"] == "control")
      ++denied_controls;
  }
  EXPECT_EQ(denied_controls, 1);
}

// The variant is the case's hidden diagnosis: while the session runs, a
// trainee member sees the scenario, not the variant (docs/emergency.md); its
// instructor does; everyone does once it has ended.
TEST_F(EmergencyLiveTest, TraineesDoNotSeeTheVariantUntilTheSessionEnds) {
  const std::string cam = user("cam", "trainee");
  const auto created = create(admin_, {{"title", "megacode"},
                                       {"kind", "emergency/acls-vf:hypoxia"},
                                       {"members", {{{"username", "cam"}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["kind"], "emergency/acls-vf:hypoxia");
  const auto seen_by = [&](const std::string& token) {
    return http_request(port(), "GET", "/api/sessions/" + id, "", token).json()["kind"];
  };
  EXPECT_EQ(seen_by(cam), "emergency/acls-vf");
  EXPECT_EQ(seen_by(admin_), "emergency/acls-vf:hypoxia");
  const json listed = http_request(port(), "GET", "/api/sessions", "", cam).json();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["kind"], "emergency/acls-vf");
  // Nor in the log's events every member receives.
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=1000", "", cam);
  ASSERT_EQ(events.status, 200);
  EXPECT_EQ(events.body.find("hypoxia"), std::string::npos);
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "{}", admin_).status, 200);
  EXPECT_EQ(seen_by(cam), "emergency/acls-vf:hypoxia");
}

TEST_F(EmergencyLiveTest, VitalSignsReachEveryClientAndALateJoinerSeesThePatientAtOnce) {
  const std::string tess = user("tess", "trainee");
  const std::string cam = user("cam", "trainee");
  const auto created = create(
      tess,
      {{"title", "megacode"}, {"kind", "emergency/acls-vf"}, {"members", {{{"username", "cam"}}}}});
  ASSERT_EQ(created.status, 201);
  const std::string id = created.json()["id"];

  WsClient first(port(), id, tess);
  Listener a(first);
  // Vital signs are sampled once a simulated second (docs/events.md).
  ASSERT_TRUE(a.wait_event("vitals", 5.0));
  a.mark();
  const auto v1 = a.wait_event("vitals", 5.0);
  ASSERT_TRUE(v1);
  a.mark();
  const auto v2 = a.wait_event("vitals", 5.0);
  ASSERT_TRUE(v2);
  EXPECT_EQ((*v2)["tick"].get<std::uint64_t>() - (*v1)["tick"].get<std::uint64_t>(), 1000u)
      << "1 s at 1 kHz";
  // The scenario starts in ventricular fibrillation: no pulse.
  EXPECT_EQ((*v2)["payload"]["rhythm"], "vf_coarse");
  EXPECT_TRUE(a.wait_event("rhythm_changed", 0.1, [](const json& p) {
    return p["rhythm"] == "vf_coarse";
  }) || [&] {
    for (const auto& e : a.events()) {
      if (e["type"] == "rhythm_changed") return true;
    }
    return false;
  }());

  WsClient late(port(), id, cam);
  Listener b(late);
  ASSERT_TRUE(b.wait_event("vitals", 2.0));
  ASSERT_FALSE(b.batches().empty());
  bool first_batch_has_vitals = false, has_start = false;
  for (const auto& e : b.batches().front()) {
    first_batch_has_vitals = first_batch_has_vitals || e["type"] == "vitals";
    has_start = has_start || e["type"] == "scenario_loaded";
  }
  EXPECT_TRUE(first_batch_has_vitals) << "the join context holds the latest vital signs";
  EXPECT_TRUE(has_start);
  // The first client sees the second join.
  EXPECT_TRUE(a.wait_event("participant_joined", 5.0,
                           [](const json& p) { return p["username"] == "cam"; }));

  // A sandbox session has no module: an action is answered, not taken.
  const auto sandbox = create(tess, {{"title", "table"}});
  ASSERT_EQ(sandbox.status, 201);
  WsClient s(port(), sandbox.json()["id"].get<std::string>(), tess);
  Listener sl(s);
  s.send_binary(json_frame(kAction, 1, action("shock", {{"energy_j", 200}})));
  const auto reply = sl.wait_reply(1);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "invalid_input");
  EXPECT_NE((*reply)["error"].get<std::string>().find("no scenario to take team actions"),
            std::string::npos);
}

TEST_F(EmergencyLiveTest, EndingAScenarioSessionEarlyScoresItAsAborted) {
  const std::string ida = user("ida", "instructor");
  const auto created = create(ida, {{"title", "trauma"}, {"kind", "emergency/trauma-haemorrhage"}});
  ASSERT_EQ(created.status, 201);
  const std::string id = created.json()["id"];
  const auto early = http_request(port(), "GET", "/api/sessions/" + id + "/report", "", ida);
  EXPECT_EQ(early.status, 404);
  EXPECT_NE(early.body.find("still running"), std::string::npos) << early.body;

  WsClient ws(port(), id, ida);
  Listener in(ws);
  ws.send_binary(json_frame(kAction, 1, action("tourniquet", {{"site", "left_thigh"}})));
  ASSERT_TRUE(in.wait_reply(1));
  ASSERT_TRUE(in.wait_event("vitals", 5.0));

  const auto end = http_request(port(), "POST", "/api/sessions/" + id + "/end", "", ida);
  ASSERT_EQ(end.status, 200) << end.body;
  ASSERT_TRUE(in.wait_closed(5.0));
  EXPECT_TRUE(in.wait_event("assessment", 0.1)) << "clients get the assessment before the close";

  const auto report = http_request(port(), "GET", "/api/sessions/" + id + "/report", "", ida);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json()["outcome"], "aborted");
  EXPECT_EQ(report.json()["passed"], false) << report.body;
  EXPECT_FALSE(report.json()["feedback"].empty()) << "an aborted run still says what was missed";

  // The log, read back through the API, ends with the assessment and the end.
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", ida);
  const json log = events.json();
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[log.size() - 2]["type"], "assessment");
  EXPECT_EQ(log.back()["type"], "session_ended");

  // The sandbox has no report at all.
  const auto sandbox = create(ida, {{"title", "table"}});
  const std::string sid = sandbox.json()["id"];
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + sid + "/end", "", ida).status, 200);
  const auto none = http_request(port(), "GET", "/api/sessions/" + sid + "/report", "", ida);
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("only scenario sessions"), std::string::npos) << none.body;
}

// A session whose log outgrows what the server keeps in memory is scored
// from the stored log: its assessment equals the one of the same log
// replayed headless, with a fresh module, from the start.
TEST(EmergencyLiveWindow, ASessionLongerThanItsEventWindowScoresAsItsLogReplayedHeadless) {
  TempDir dir;
  ServerProcess server(
      dir.path(),
      std::vector<std::string>{"--content", std::string(MEDVISION_SOURCE_DIR) + "/content",
                               "--library", "none", "--session-event-window", "10"},
      std::map<std::string, std::string>{{"MEDVISION_ADMIN_PASSWORD", kAdminPassword}});
  const std::string admin = login(server.port(), "admin", kAdminPassword);
  const auto created = http_request(
      server.port(), "POST", "/api/sessions",
      json{{"title", "trauma"}, {"kind", "emergency/trauma-haemorrhage"}, {"seed", 5}}.dump(),
      admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  {
    WsClient ws(server.port(), id, admin);
    Listener in(ws);
    std::uint32_t seq = 0;
    ws.send_binary(json_frame(kAction, ++seq, action("pressure", {{"site", "left_thigh"}})));
    ASSERT_TRUE(in.wait_event("vitals", 5.0));
    ws.send_binary(json_frame(kAction, ++seq, action("tourniquet", {{"site", "left_thigh"}})));
    ws.send_binary(json_frame(kAction, ++seq, action("access", {{"route", "iv"}})));
    // Enough simulated seconds that the stored log is several windows long.
    for (int i = 0; i < 12; ++i) {
      in.mark();
      ASSERT_TRUE(in.wait_event("vitals", 5.0));
    }
  }
  ASSERT_EQ(http_request(server.port(), "POST", "/api/sessions/" + id + "/end", "", admin).status,
            200);
  const json log =
      http_request(server.port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", admin)
          .json();
  std::vector<Event> events;
  std::optional<json> live_assessment;
  for (const auto& e : log) {
    if (e["type"] == "assessment") {
      live_assessment = e["payload"];
      break;
    }
    events.push_back(Event{e["seq"].get<std::uint64_t>(), e["tick"].get<std::uint64_t>(), 0,
                           e["type"].get<std::string>(), e["payload"].dump()});
  }
  ASSERT_TRUE(live_assessment);
  std::size_t non_input = 0;
  for (const auto& e : events) non_input += e.type != "input";
  EXPECT_GT(non_input, 30u) << "the log is longer than the 10-event window";

  // Headless: the same log replayed with a fresh module, then scored.
  std::string error;
  const auto factory =
      modules::module_factory(std::string(MEDVISION_SOURCE_DIR) + "/content", 1000.0);
  auto replayed = Session::replay(SessionSetup{"emergency/trauma-haemorrhage", 5, 1000.0}, events,
                                  &error, factory);
  ASSERT_TRUE(replayed) << error;
  std::vector<Event> produced = replayed->drain_events();
  std::erase_if(produced, [](const Event& e) { return e.type == "input"; });
  const auto headless = replayed->module()->assess(produced);
  ASSERT_TRUE(headless);
  json expected = json::parse(*headless);
  EXPECT_EQ(expected["score"], (*live_assessment)["score"]);
  EXPECT_EQ(expected["metrics"], (*live_assessment)["metrics"]);
  EXPECT_EQ(expected, *live_assessment);
}

}  // namespace
}  // namespace medvision::testing
