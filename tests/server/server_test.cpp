// Integration tests: the real `medvision` binary on a free loopback port.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "server/protocol.h"
#include "server_process.h"

namespace medvision::testing {
namespace {

using nlohmann::json;

const std::string kAdminPassword = "admin password for tests";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        dir_.path(), std::vector<std::string>{},
        std::map<std::string, std::string>{{"MEDVISION_ADMIN_PASSWORD", kAdminPassword}});
    admin_ = login(port(), "admin", kAdminPassword);
  }
  int port() const { return server_->port(); }
  std::string new_session(const std::string& token, const std::string& title = "practice") {
    const auto res = http_request(port(), "POST", "/api/sessions",
                                  json{{"title", title}, {"seed", 11}}.dump(), token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.json()["id"].get<std::string>();
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
};

// Reads frames until one satisfies `pred` or `timeout_s` passes.
template <class Pred>
std::optional<ServerFrame> read_until(WsClient& ws, Pred pred, double timeout_s = 5.0) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    auto frame = ws.read(1.0);
    if (!frame) {
      if (ws.closed()) return std::nullopt;
      continue;
    }
    auto parsed = parse_server_frame(*frame);
    if (pred(parsed)) return parsed;
  }
  return std::nullopt;
}

TEST_F(ServerTest, HealthAndVersionAnswerWithoutLogin) {
  const auto health = http_request(port(), "GET", "/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_EQ(health.json()["store"], "sqlite");
  const auto version = http_request(port(), "GET", "/api/version");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(version.json()["protocol"], 2);
}

TEST_F(ServerTest, LoginSetsAnHttpOnlySameSiteCookieThatAuthenticates) {
  const auto res = http_request(port(), "POST", "/api/login",
                                json{{"username", "admin"}, {"password", kAdminPassword}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string cookie = res.headers.at("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string token = res.json()["token"];
  EXPECT_EQ(cookie.substr(0, cookie.find(';')), "mv_token=" + token);
  const auto me =
      http_request(port(), "GET", "/api/me", "", "", {{"Cookie", "theme=dark; mv_token=" + token}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["username"], "admin");
  EXPECT_EQ(me.json()["role"], "admin");
}

TEST_F(ServerTest, WrongPasswordIsRefusedWithoutSayingWhichPartWasWrong) {
  const auto bad_pw = http_request(port(), "POST", "/api/login",
                                   json{{"username", "admin"}, {"password", "nope nope"}}.dump());
  const auto no_user = http_request(port(), "POST", "/api/login",
                                    json{{"username", "ghost"}, {"password", "nope nope"}}.dump());
  EXPECT_EQ(bad_pw.status, 401);
  EXPECT_EQ(no_user.status, 401);
  EXPECT_EQ(bad_pw.json()["error"], no_user.json()["error"]);
}

TEST_F(ServerTest, RoutesNeedAValidTokenAndTheRightRole) {
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions").status, 401);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions", "", "not-a-token").status, 401);

  create_user(port(), admin_, "tina", "trainee");
  create_user(port(), admin_, "pat", "patient");
  const auto trainee = login(port(), "tina", "correct horse");
  const auto patient = login(port(), "pat", "correct horse");

  const auto users = http_request(port(), "GET", "/api/users", "", trainee);
  EXPECT_EQ(users.status, 403);
  EXPECT_EQ(users.json()["code"], "forbidden");
  EXPECT_EQ(
      http_request(port(), "POST", "/api/sessions", json{{"title", "x"}}.dump(), patient).status,
      403);
  EXPECT_EQ(http_request(port(), "GET", "/api/audit", "", trainee).status, 403);
  EXPECT_EQ(http_request(port(), "GET", "/api/users", "", admin_).status, 200);

  // Only members read a session's log: not another trainee, nor an
  // instructor until the session names them.
  create_user(port(), admin_, "tom", "trainee");
  create_user(port(), admin_, "ida", "instructor");
  const auto tom = login(port(), "tom", "correct horse");
  const auto ida = login(port(), "ida", "correct horse");
  const auto id = new_session(trainee);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/" + id + "/events", "", tom).status, 403);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/" + id + "/events", "", ida).status, 403);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/instructors",
                         json{{"username", "ida"}}.dump(), trainee)
                .status,
            200);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/" + id + "/events", "", ida).status, 200);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/" + id + "/events", "", trainee).status,
            200);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "", tom).status, 403);
}

TEST_F(ServerTest, EveryAccessToRecordsIsAudited) {
  create_user(port(), admin_, "tina", "trainee");
  const auto trainee = login(port(), "tina", "correct horse");
  http_request(port(), "GET", "/api/sessions", "", trainee);
  http_request(port(), "GET", "/api/users", "", trainee);
  http_request(port(), "GET", "/api/sessions");
  const auto audit = http_request(port(), "GET", "/api/audit?limit=10000", "", admin_).json();
  bool read_ok = false, denied_role = false, login_ok = false;
  int denied_anonymous = 0;  // counted, and written as one summary row per heartbeat
  for (const auto& a : audit) {
    if (a["resource"] == "/api/sessions" && a["action"] == "read" && a["outcome"] == "ok")
      read_ok = true;
    if (a["resource"] == "/api/users" && a["outcome"] == "denied" && a["actor"] != "")
      denied_role = true;
    if (a["resource"] == "/api/sessions" && a["outcome"] == "denied" && a["actor"] == "")
      ++denied_anonymous;
    if (a["action"] == "login" && a["outcome"] == "ok") login_ok = true;
    EXPECT_EQ(a["remote"], "127.0.0.1");
  }
  EXPECT_TRUE(read_ok);
  EXPECT_TRUE(denied_role);
  EXPECT_EQ(denied_anonymous, 0);
  EXPECT_TRUE(login_ok);
}

TEST_F(ServerTest, RepeatedFailedLoginsAreThrottledEvenWithTheRightPassword) {
  create_user(port(), admin_, "mallory", "trainee");
  // The first failure is 401; right after it the account's growing delay answers 429.
  for (int i = 0; i < 5; ++i) {
    const int status =
        http_request(
            port(), "POST", "/api/login",
            json{{"username", "mallory"}, {"password", "guess " + std::to_string(i)}}.dump())
            .status;
    EXPECT_EQ(status, i == 0 ? 401 : 429);
  }
  const auto right =
      http_request(port(), "POST", "/api/login",
                   json{{"username", "mallory"}, {"password", "correct horse"}}.dump());
  EXPECT_EQ(right.status, 429);
  EXPECT_GE(std::stoi(right.headers.at("retry-after")), 1);
}

TEST_F(ServerTest, LogoutRevokesTheToken) {
  const auto token = login(port(), "admin", kAdminPassword);
  EXPECT_EQ(http_request(port(), "GET", "/api/me", "", token).status, 200);
  EXPECT_EQ(http_request(port(), "POST", "/api/logout", "", token).status, 204);
  EXPECT_EQ(http_request(port(), "GET", "/api/me", "", token).status, 401);
  EXPECT_EQ(http_request(port(), "GET", "/api/me", "", admin_).status, 200);  // other logins stay
}

TEST_F(ServerTest, BadRequestsGetClearErrorsAndTheServerKeepsRunning) {
  const auto not_json = http_request(port(), "POST", "/api/sessions", "{title: oops", admin_);
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.json()["error"], "request body is not valid JSON");
  const auto wrong_type =
      http_request(port(), "POST", "/api/sessions", json{{"title", 42}}.dump(), admin_);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.json()["error"], "field 'title' must be a string");
  const auto bad_role = http_request(
      port(), "POST", "/api/users",
      json{{"username", "x"}, {"password", "12345678"}, {"role", "wizard"}}.dump(), admin_);
  EXPECT_EQ(bad_role.status, 400);
  const auto short_pw = http_request(
      port(), "POST", "/api/users",
      json{{"username", "x"}, {"password", "123"}, {"role", "trainee"}}.dump(), admin_);
  EXPECT_EQ(short_pw.status, 400);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/ses_doesnotexist", "", admin_).status, 404);
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/x/events?limit=abc", "", admin_).status,
            404);
  const auto huge =
      http_request(port(), "POST", "/api/sessions", std::string(2 << 20, 'x'), admin_);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(http_request(port(), "GET", "/api/health").status, 200);
}

TEST_F(ServerTest, AParticipantsInputMovesABodyAndSnapshotsShowIt) {
  const auto id = new_session(admin_);
  WsClient ws(port(), id, admin_);
  auto key = read_until(ws, [](const ServerFrame& f) { return f.type == 0x10; });
  ASSERT_TRUE(key.has_value());
  ASSERT_EQ(key->bodies.size(), 6u);
  EXPECT_EQ(key->participant, 1u);
  const BodyOnWire target = key->bodies[0];

  // Grab body 1 at its centre, then carry it 20 cm along +x and 10 cm up.
  std::uint32_t seq = 0;
  float hand[3] = {target.position[0], target.position[1], target.position[2]};
  for (int i = 0; i < 5; ++i) ws.send_binary(input_frame(++seq, hand, true));
  for (int i = 1; i <= 20; ++i) {
    const float carried[3] = {hand[0] + 0.01f * static_cast<float>(i),
                              hand[1] + 0.005f * static_cast<float>(i), hand[2]};
    ws.send_binary(input_frame(++seq, carried, true));
  }
  const std::uint32_t last = seq;
  auto moved = read_until(ws, [&](const ServerFrame& f) {
    if (f.type != 0x11 || f.ack < last) return false;
    return true;
  });
  ASSERT_TRUE(moved.has_value()) << "no snapshot acknowledged input " << last;

  // The snapshots up to the ack carried body 1 to the hand's last position.
  const auto info =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", admin_).json();
  int inputs = 0;
  bool grabbed = false;
  for (const auto& e : info) {
    if (e["type"] == "input") ++inputs;
    if (e["type"] == "grab" && e["payload"]["body"] == target.id) grabbed = true;
  }
  EXPECT_EQ(inputs, static_cast<int>(last));
  EXPECT_TRUE(grabbed);

  // Fresh keyframe for a second participant shows the body where the hand left it.
  WsClient second(port(), id, admin_);
  auto key2 = read_until(second, [](const ServerFrame& f) { return f.type == 0x10; });
  ASSERT_TRUE(key2.has_value());
  EXPECT_EQ(key2->participant, 2u);
  EXPECT_NEAR(key2->bodies[0].position[0], target.position[0] + 0.20f, 1e-4);
  EXPECT_NEAR(key2->bodies[0].position[1], target.position[1] + 0.10f, 1e-4);
  EXPECT_NEAR(key2->bodies[0].position[2], target.position[2], 1e-4);
}

// STREAMS (the versioned input message) carries head and hands like INPUT,
// plus optional streams; the sandbox declares the client's clock but not
// hand joints or the microphone, so only the clock reaches the log.
TEST_F(ServerTest, StreamsCarryTheDeclaredStreamsIntoTheLogAndDropTheOthers) {
  const auto id = new_session(admin_);
  WsClient ws(port(), id, admin_);
  ASSERT_TRUE(read_until(ws, [](const ServerFrame& f) { return f.type == 0x10; }));
  InputFrame in;
  in.head.position = {0, 1.6, 0.4};
  in.hands[1].pose.position = {0.2, 1.1, -0.3};
  in.joints[1].resize(kHandJoints);
  in.audio_level = 0.5f;
  in.client_time_ms = 5000.25;
  ws.send_binary(wire::encode_streams({2, wire::MessageType::streams, 0, 0, 1}, in));
  ASSERT_TRUE(read_until(ws, [](const ServerFrame& f) { return f.type == 0x11 && f.ack >= 1; }));
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=1000", "", admin_).json();
  int inputs = 0;
  for (const auto& e : events) {
    if (e["type"] != "input") continue;
    ++inputs;
    const auto& p = e["payload"];
    EXPECT_EQ(p["client_time_ms"], 5000.25);
    EXPECT_NEAR(p["right"][0].get<double>(), 0.2, 1e-6);
    EXPECT_FALSE(p.contains("right_joints")) << "the sandbox does not declare hand_joints";
    EXPECT_FALSE(p.contains("audio_level")) << "the sandbox does not declare audio_envelope";
  }
  EXPECT_EQ(inputs, 1);
}

TEST_F(ServerTest, TheWebSocketRefusesMissingTokensAndEndedSessions) {
  const auto id = new_session(admin_);
  EXPECT_THROW(WsClient(port(), id, "wrong"), boost::system::system_error);
  EXPECT_THROW(WsClient(port(), "ses_unknown", admin_), boost::system::system_error);
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "", admin_).status, 200);
  EXPECT_THROW(WsClient(port(), id, admin_), boost::system::system_error);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/join", "", admin_).status, 409);
}

struct Garbage {
  const char* name;
  std::string frame;
  bool text;
  int expected_code;
};

TEST_F(ServerTest, GarbageFramesCloseOnlyTheirConnectionWithAReason) {
  const auto id = new_session(admin_);
  WsClient good(port(), id, admin_);
  ASSERT_TRUE(read_until(good, [](const ServerFrame& f) { return f.type == 0x10; }));

  const float hand[3] = {0, 1, 0};
  std::string wrong_version = input_frame(1, hand, false);
  wrong_version[0] = 1;  // the version before meshes and forces
  std::string bad_flags = input_frame(1, hand, false);
  bad_flags[2] = 1;
  std::string server_type = input_frame(1, hand, false);
  server_type[1] = 0x10;
  std::string nan_pose = input_frame(1, hand, false);
  const float nan = std::nanf("");
  std::memcpy(&nan_pose[12], &nan, 4);
  const std::vector<Garbage> cases = {
      {"text frame", "hello", true, 1003},
      {"short frame", std::string("\x01\x01", 2), false, 1002},
      {"wrong version", wrong_version, false, 1002},
      {"non-zero flags", bad_flags, false, 1002},
      {"server-only type", server_type, false, 1002},
      {"truncated body", input_frame(1, hand, false).substr(0, 60), false, 1002},
      {"non-finite pose", nan_pose, false, 1002},
      {"oversized", std::string(70 * 1024, '\x01'), false, 1009},
  };
  for (const auto& c : cases) {
    WsClient bad(port(), id, admin_);
    if (c.text) {
      bad.send_text(c.frame);
    } else {
      bad.send_binary(c.frame);
    }
    while (bad.read(5.0)) {
    }
    EXPECT_TRUE(bad.closed()) << c.name;
    EXPECT_EQ(bad.close_code(), c.expected_code) << c.name << ": " << bad.close_reason();
    if (c.expected_code != 1009) {
      EXPECT_FALSE(bad.close_reason().empty()) << c.name;
    }
  }
  // The well-behaved client still gets snapshots, and the server still answers.
  auto later = read_until(good, [](const ServerFrame& f) { return f.type == 0x11; });
  EXPECT_TRUE(later.has_value());
  EXPECT_EQ(http_request(port(), "GET", "/api/health").status, 200);
}

TEST_F(ServerTest, AFloodingClientIsClosedForExceedingTheRateLimit) {
  const auto id = new_session(admin_);
  WsClient flood(port(), id, admin_);
  const float hand[3] = {0, 1.2f, 0};
  for (std::uint32_t i = 1; i <= 400; ++i) flood.send_binary(input_frame(i, hand, false));
  while (flood.read(5.0)) {
  }
  EXPECT_EQ(flood.close_code(), 1008);
  EXPECT_NE(flood.close_reason().find("rate limit"), std::string::npos) << flood.close_reason();
}

TEST_F(ServerTest, InstructorObservationsAreStoredInTheLog) {
  const auto id = new_session(admin_);
  const auto res = http_request(
      port(), "POST", "/api/sessions/" + id + "/events",
      json{{"type", "observation"}, {"text", "team leader assigned roles"}}.dump(), admin_);
  ASSERT_EQ(res.status, 201) << res.body;
  const auto seq = res.json()["seq"].get<int>();
  const auto events =
      http_request(port(), "GET",
                   "/api/sessions/" + id + "/events?after=" + std::to_string(seq - 1), "", admin_)
          .json();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["type"], "observation");
  EXPECT_EQ(events[0]["payload"]["text"], "team leader assigned roles");
}

TEST_F(ServerTest, SigtermEndsSessionsCleanlyAndFlushesTheLog) {
  const auto id = new_session(admin_);
  {
    WsClient ws(port(), id, admin_);
    ASSERT_TRUE(read_until(ws, [](const ServerFrame& f) { return f.type == 0x10; }));
    EXPECT_EQ(server_->terminate(), 0);
    while (ws.read(2.0)) {
    }
    EXPECT_EQ(ws.close_code(), 1000);
  }
  server_ = std::make_unique<ServerProcess>(dir_.path());
  const auto token = login(port(), "admin", kAdminPassword);
  const auto session = http_request(port(), "GET", "/api/sessions/" + id, "", token).json();
  EXPECT_EQ(session["status"], "ended");
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", token).json();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["type"], "session_ended");
  EXPECT_EQ(events.back()["payload"]["reason"], "server shutting down");
}

TEST_F(ServerTest, AfterKill9EveryAcknowledgedEventIsStoredAndTheSessionEndedAbnormally) {
  const auto id = new_session(admin_);
  std::uint32_t acked = 0;
  {
    WsClient ws(port(), id, admin_);
    auto key = read_until(ws, [](const ServerFrame& f) { return f.type == 0x10; });
    ASSERT_TRUE(key.has_value());
    const float hand[3] = {key->bodies[1].position[0], key->bodies[1].position[1],
                           key->bodies[1].position[2]};
    for (std::uint32_t i = 1; i <= 150; ++i) {
      ws.send_binary(input_frame(i, hand, i > 3));
      if (i % 30 == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(150));  // stay under the rate limit
    }
    auto frame = read_until(ws, [](const ServerFrame& f) { return f.ack >= 150; });
    ASSERT_TRUE(frame.has_value());
    acked = frame->ack;
    // More inputs in flight while the process dies: they may or may not be stored.
    for (std::uint32_t i = 151; i <= 180; ++i) ws.send_binary(input_frame(i, hand, true));
    server_->kill9();
  }
  server_ = std::make_unique<ServerProcess>(dir_.path());
  const auto token = login(port(), "admin", kAdminPassword);
  const auto session = http_request(port(), "GET", "/api/sessions/" + id, "", token).json();
  EXPECT_EQ(session["status"], "ended_abnormally");
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", token).json();
  std::vector<std::uint32_t> seqs;
  std::uint64_t expected_seq = 1;
  for (const auto& e : events) {
    EXPECT_EQ(e["seq"], expected_seq++);  // no gaps
    if (e["type"] == "input") seqs.push_back(e["payload"]["client_seq"].get<std::uint32_t>());
  }
  ASSERT_GE(seqs.size(), acked);
  for (std::uint32_t i = 0; i < acked; ++i) EXPECT_EQ(seqs[i], i + 1);
  EXPECT_EQ(events.back()["type"], "session_ended");
  EXPECT_EQ(events.back()["payload"]["abnormal"], true);
}

TEST(ServerConfigTest, BadSettingsStopTheServerWithAClearMessage) {
  TempDir dir;
  EXPECT_THROW(ServerProcess(dir.path(), {"--port", "eighty"}), std::runtime_error);
  try {
    ServerProcess p(dir.path(), {}, {{"MEDVISION_TICK_RATE", "fast"}});
    FAIL() << "server started with a bad tick rate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("environment MEDVISION_TICK_RATE: expected a number"),
              std::string::npos)
        << e.what();
  }
}

TEST(ServerFirstStart, PrintsTheAdministratorsOneTimePasswordOnce) {
  TempDir dir;
  std::string password;
  {
    ServerProcess first(dir.path());
    const std::string out = first.stdout_text();
    const auto at = out.find("one-time password: ");
    ASSERT_NE(at, std::string::npos) << out;
    password = out.substr(at + 19, out.find('\n', at) - at - 19);
    EXPECT_EQ(password.size(), 16u);
    const auto me = http_request(first.port(), "POST", "/api/login",
                                 json{{"username", "admin"}, {"password", password}}.dump());
    ASSERT_EQ(me.status, 200);
    EXPECT_TRUE(me.json()["user"]["must_change_password"].get<bool>());
  }
  ServerProcess second(dir.path());
  EXPECT_EQ(second.stdout_text().find("one-time password"), std::string::npos);
  EXPECT_EQ(http_request(second.port(), "POST", "/api/login",
                         json{{"username", "admin"}, {"password", password}}.dump())
                .status,
            200);
}

}  // namespace
}  // namespace medvision::testing
