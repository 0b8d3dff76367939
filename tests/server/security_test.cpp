// The attack suite (docs/security.md): each finding of the security review as
// the request sequence an attacker would send, against the real binary with
// a built web client's folder in place as under `make demo`.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "server_process.h"

namespace medvision::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kAdminPassword = "admin password for tests";
constexpr std::uint8_t kAction = 0x02, kControl = 0x03, kReply = 0x13;

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(std::vector<std::string> extra, std::map<std::string, std::string> env = {}) {
    server_.reset();
    // A web client folder as `make demo` serves it, with a link that leads
    // out of it: the server must not follow it.
    web_ = dir_.path() + "/web";
    write_file(web_ + "/index.html", "<!doctype html><title>MedVision</title>");
    write_file(web_ + "/assets/app-1234.js", "console.log('app')");
    std::error_code ec;
    fs::create_symlink("/etc/passwd", web_ + "/leak.txt", ec);
    fs::create_symlink("/etc", web_ + "/etc", ec);
    std::vector<std::string> args = {"--web-root", web_,
                                     "--library",  "none",
                                     "--content",  std::string(MEDVISION_SOURCE_DIR) + "/content"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (!env.count("MEDVISION_ADMIN_PASSWORD")) env["MEDVISION_ADMIN_PASSWORD"] = kAdminPassword;
    // Each start has a data folder of its own (a fresh store, a fresh key).
    data_ = dir_.path() + "/data" + (starts_++ == 0 ? std::string() : std::to_string(starts_));
    server_ = std::make_unique<ServerProcess>(data_, args, env);
    if (env.at("MEDVISION_ADMIN_PASSWORD") == kAdminPassword)
      admin_ = login(port(), "admin", kAdminPassword);
  }

  int port() const { return server_->port(); }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::string host() const { return "127.0.0.1:" + std::to_string(port()); }

  std::string user(const std::string& name, const std::string& role) {
    create_user(port(), admin_, name, role);
    return login(port(), name, "correct horse");
  }

  std::string new_session(const std::string& token, const json& extra = json::object()) {
    json body = {{"title", "practice"}, {"seed", 7}};
    body.update(extra);
    const auto res = http_request(port(), "POST", "/api/sessions", body.dump(), token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.json().value("id", "");
  }

  bool alive() { return http_request(port(), "GET", "/api/health").status == 200; }

  TempDir dir_;
  std::string web_;
  std::string data_;
  int starts_ = 0;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
};

// A POST with a JSON body and the right Content-Length.
std::string post_raw(const std::string& target, const std::string& body,
                     const std::string& extra_headers = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

std::string get_raw(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

// ---- static files ----

TEST_F(SecurityTest, TraversalInAnySpellingIsA404WithAFixedBody) {
  const std::vector<std::string> targets = {
      "//etc/passwd",
      "//proc/self/environ",
      "/../../../../etc/passwd",
      "/assets/../../../etc/passwd",
      "/..%2f..%2f..%2fetc%2fpasswd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/%2E%2E/%2E%2E/etc/passwd",
      "/.%2e/.%2e/etc/passwd",
      "/%252e%252e/etc/passwd",
      "/%c0%ae%c0%ae/etc/passwd",
      "/..\\..\\etc\\passwd",
      "/assets\\..\\..\\etc\\passwd",
      "/./index.html",
      "/assets/./app-1234.js",
      "/index.html%00.js",
      "/leak.txt",
      "/etc/passwd",
      "/etc/hostname",
      "//" + data_.substr(1) + "/record.key",
      "//" + data_.substr(1) + "/medvision.db",
      "/assets//app-1234.js",
      "/.hidden",
  };
  for (const auto& t : targets) {
    const RawResult r = raw_http(port(), get_raw(t));
    EXPECT_EQ(r.status, 404) << t << "\n" << r.text.substr(0, 300);
    EXPECT_EQ(r.text.find("root:"), std::string::npos) << t;
    EXPECT_EQ(r.text.find("MEDVISION"), std::string::npos) << t;
    const auto body = r.text.substr(r.text.find("\r\n\r\n") + 4);
    EXPECT_EQ(json::parse(body, nullptr, false),
              (json{{"error", "not found"}, {"code", "not_found"}}))
        << t << ": " << body;
  }
  // Control bytes and raw NUL in the target are refused too, and the server lives.
  for (const std::string& t :
       {std::string("/a\x01") + "b", std::string("/index.html\0", 12), std::string("/\x7f")}) {
    const RawResult r = raw_http(port(), get_raw(t));
    EXPECT_TRUE(r.status == 404 || r.status == 400) << r.text.substr(0, 200);
  }
  EXPECT_TRUE(alive());
  // What should be served still is.
  EXPECT_EQ(raw_http(port(), get_raw("/")).status, 200);
  EXPECT_EQ(raw_http(port(), get_raw("/assets/app-1234.js")).status, 200);
  EXPECT_EQ(raw_http(port(), get_raw("/sessions/ses_1")).status, 200);  // a client route
}

TEST_F(SecurityTest, PagesCarryTheSecurityHeaders) {
  for (const char* t : {"/", "/api/health", "/nothing.js"}) {
    const auto res = http_request(port(), "GET", t);
    const std::string csp = res.headers.at("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << t;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << t;
    EXPECT_EQ(csp.find("script-src 'self' 'unsafe-inline'"), std::string::npos) << t;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << t;
    EXPECT_EQ(res.headers.at("x-content-type-options"), "nosniff") << t;
    EXPECT_EQ(res.headers.at("referrer-policy"), "no-referrer") << t;
    EXPECT_EQ(res.headers.count("strict-transport-security"), 0u) << "no HSTS without TLS";
  }
}

// ---- bytes that are not UTF-8 ----

TEST_F(SecurityTest, InvalidUtf8InTargetsHeadersCookiesAndBodiesIsAnsweredAndTheServerLives) {
  const std::vector<std::string> requests = {
      get_raw("/api/\xff"),
      get_raw("/api/sessions/\xff\xfe"),
      get_raw("/\xff"),
      get_raw("/api/sessions?limit=\xff"),
      "GET /api/me HTTP/1.1\r\nHost: x\r\nCookie: mv_token=\xff\xfe\r\nConnection: close\r\n\r\n",
      "GET /api/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xc3\r\nConnection: close\r\n\r\n",
      "GET /api/me HTTP/1.1\r\nHost: \xff\r\nX-Forwarded-For: \xff\r\nConnection: close\r\n\r\n",
      post_raw("/api/login", "{\"username\":\"\xff\",\"password\":\"xxxxx\"}", "Origin: \xff\r\n"),
      post_raw("/api/login", "{\"username\":\"ad\\u0000min\",\"password\":\"xxxxxxxx\"}"),
  };
  for (const auto& r : requests) {
    const RawResult res = raw_http(port(), r);
    EXPECT_GE(res.status, 400) << res.text.substr(0, 200);
    EXPECT_LT(res.status, 500) << res.text.substr(0, 300);
    EXPECT_TRUE(alive()) << "after " << r.substr(0, 40);
  }
  // An authenticated request with bytes that are not UTF-8 in its JSON body.
  const auto bad =
      http_request(port(), "POST", "/api/sessions", "{\"title\":\"\xff\xfe\"}", admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(json::parse(bad.body, nullptr, false).is_object());
  EXPECT_TRUE(alive());
}

TEST_F(SecurityTest, FramesCutInsideAUtf8SequenceCloseNothingButGetAnAnswer) {
  const std::string id = new_session(admin_, {{"kind", "emergency/acls-vf"}});
  WsClient ws(port(), id, admin_);
  // 63 ASCII letters then a two-byte letter: the old error message cut the
  // name after 64 bytes, inside the letter, and json::dump threw.
  const std::string name = std::string(63, 'a') + "\xc3\xa9";
  ws.send_binary(json_frame(kAction, 1, json{{"name", name}}.dump()));
  ws.send_binary(
      json_frame(kControl, 2, json{{"control", std::string(39, 'p') + "\xe2\x82\xac"}}.dump()));
  ws.send_binary(json_frame(kAction, 3, std::string("{\"name\":\"\xff\"}")));
  int replies = 0;
  for (int i = 0; i < 200 && replies < 2; ++i) {
    auto f = ws.read(1.0);
    if (!f) break;
    const auto parsed = parse_server_frame(*f);
    if (parsed.type == kReply) {
      EXPECT_FALSE(parsed.json.value("ok", true));
      ++replies;
    }
  }
  EXPECT_EQ(replies, 2);
  EXPECT_TRUE(alive());
  // The WebSocket join target with bytes that are not UTF-8.
  EXPECT_GE(
      ws_upgrade_status(port(), "/ws?session=\xff\xfe", {{"Authorization", "Bearer " + admin_}}),
      400);
  EXPECT_TRUE(alive());
}

// ---- session membership ----

TEST_F(SecurityTest, NonMembersAreRefusedAtEveryRouteOfASessionAndAtTheWebSocket) {
  const std::string alice = user("alice", "trainee");
  const std::string id = new_session(alice);
  const std::string bob = user("bob", "trainee");
  const std::string pat = user("pat", "patient");
  const std::string ian = user("ian", "instructor");
  for (const std::string& outsider : {bob, pat, ian}) {
    const auto list = http_request(port(), "GET", "/api/sessions", "", outsider);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json().size(), 0u) << "a non-member lists no one else's session";
    for (const auto& [method, path] :
         std::vector<std::pair<std::string, std::string>>{{"GET", ""},
                                                          {"POST", "/join"},
                                                          {"POST", "/end"},
                                                          {"GET", "/events"},
                                                          {"POST", "/events"},
                                                          {"POST", "/control"},
                                                          {"GET", "/report"},
                                                          {"GET", "/report.html"},
                                                          {"GET", "/members"},
                                                          {"POST", "/invites"}}) {
      const auto res = http_request(port(), method, "/api/sessions/" + id + path,
                                    method == "POST" ? "{}" : "", outsider);
      EXPECT_EQ(res.status, 403) << method << " " << path << ": " << res.body;
    }
    EXPECT_EQ(
        ws_upgrade_status(port(), "/ws?session=" + id, {{"Authorization", "Bearer " + outsider}}),
        403);
  }
  // The creator still can; the session kept running.
  EXPECT_EQ(http_request(port(), "GET", "/api/sessions/" + id, "", alice).status, 200);
}

TEST_F(SecurityTest, AnInvitedMemberJoinsAndAnObserversInputAndActionsAreRefused) {
  const std::string ian = user("ian", "instructor");
  const std::string id = new_session(ian, {{"kind", "emergency/acls-vf"}, {"mode", "assessed"}});
  const auto invite = http_request(port(), "POST", "/api/sessions/" + id + "/invites",
                                   json{{"role", "observer"}, {"max_uses", 1}}.dump(), ian);
  ASSERT_EQ(invite.status, 201) << invite.body;
  const std::string code = invite.json()["code"];
  const std::string olga = user("olga", "trainee");
  const std::string ted = user("ted", "trainee");
  EXPECT_EQ(
      http_request(port(), "POST", "/api/invites/accept", json{{"code", code}}.dump(), olga).status,
      200);
  // Single use: a second person cannot use it; a guessed code is unknown.
  EXPECT_EQ(
      http_request(port(), "POST", "/api/invites/accept", json{{"code", code}}.dump(), ted).status,
      409);
  EXPECT_EQ(http_request(port(), "POST", "/api/invites/accept", json{{"code", "guess"}}.dump(), ted)
                .status,
            404);
  // The assessed session's seed is hidden from the observer while it runs.
  const auto seen = http_request(port(), "GET", "/api/sessions/" + id, "", olga);
  ASSERT_EQ(seen.status, 200);
  EXPECT_TRUE(seen.json()["seed"].is_null());
  EXPECT_EQ(seen.json()["my_role"], "observer");

  WsClient ws(port(), id, olga);
  ws.send_binary(
      json_frame(kAction, 5, json{{"name", "compressions"}, {"params", {{"on", true}}}}.dump()));
  const float hand[3] = {0.1f, 1.0f, 0.2f};
  ws.send_binary(input_frame(6, hand, true));
  std::vector<json> replies;
  std::optional<json> started;
  for (int i = 0; i < 300 && (replies.size() < 2 || !started); ++i) {
    auto f = ws.read(1.0);
    if (!f) break;
    const auto parsed = parse_server_frame(*f);
    if (parsed.type == kReply) replies.push_back(parsed.json);
    if (parsed.type == 0x12) {
      for (const auto& e : parsed.json)
        if (e["type"] == "session_started") started = e["payload"];
    }
  }
  ASSERT_TRUE(started);
  EXPECT_TRUE((*started)["seed"].is_null()) << "the seed is hidden on the wire too: " << *started;
  ASSERT_EQ(replies.size(), 2u);
  for (const auto& r : replies) {
    EXPECT_FALSE(r["ok"].get<bool>());
    EXPECT_EQ(r["code"], "forbidden");
  }
  // Nothing the observer sent is in the log.
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", ian);
  for (const auto& e : events.json()) {
    EXPECT_NE(e["type"], "action") << e;
    EXPECT_NE(e["type"], "input") << e;
  }
}

TEST_F(SecurityTest, TheDriverHoldsTheInstrumentsWhoeverSendsInputFirst) {
  const std::string ian = user("ian", "instructor");
  const std::string dora = user("dora", "trainee");
  const std::string pete = user("pete", "trainee");
  const std::string id = new_session(
      ian, {{"kind", "laparoscopy/peg-transfer"},
            {"driver", "dora"},
            {"members", json::array({json{{"username", "pete"}, {"role", "participant"}}})}});
  // Pete connects first and sends input before the driver is even there.
  WsClient pete_ws(port(), id, pete);
  const float hand[3] = {0.0f, 1.0f, 0.3f};
  for (std::uint32_t i = 1; i <= 20; ++i) pete_ws.send_binary(input_frame(i, hand, true));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  WsClient dora_ws(port(), id, dora);
  for (std::uint32_t i = 1; i <= 20; ++i) dora_ws.send_binary(input_frame(i, hand, false));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", ian).json();
  int pete_number = 0, dora_number = 0;
  std::set<int> inputs_from, driver_changes;
  for (const auto& e : events) {
    if (e["type"] == "participant_joined") {
      (e["payload"]["username"] == "pete" ? pete_number : dora_number) =
          e["payload"]["participant"];
    }
    if (e["type"] == "input") inputs_from.insert(e["payload"]["participant"].get<int>());
    if (e["type"] == "driver_changed")
      driver_changes.insert(e["payload"]["participant"].get<int>());
  }
  ASSERT_NE(pete_number, 0);
  ASSERT_NE(dora_number, 0);
  EXPECT_EQ(inputs_from, std::set<int>{dora_number});
  EXPECT_EQ(driver_changes, std::set<int>{dora_number});
  // An instructor hands the instruments to Pete: from then on his input drives.
  const auto handed = http_request(port(), "POST", "/api/sessions/" + id + "/driver",
                                   json{{"username", "pete"}}.dump(), ian);
  ASSERT_EQ(handed.status, 200) << handed.body;
  // Dora, no longer the driver, cannot hand it back herself.
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/driver",
                         json{{"username", "dora"}}.dump(), dora)
                .status,
            403);
}

TEST_F(SecurityTest, OnlyItsCreatorItsInstructorsAndAdminsEndASession) {
  const std::string alice = user("alice", "trainee");
  const std::string id = new_session(alice);
  const std::string ian = user("ian", "instructor");
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "", ian).status, 403);
  // Added as a participant, another trainee still may not end it.
  const std::string bob = user("bob", "trainee");
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/members",
                         json{{"username", "bob"}}.dump(), alice)
                .status,
            200);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "", bob).status, 403);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "", alice).status, 200);
}

TEST_F(SecurityTest, TeamActionsFollowTheScenariosRoles) {
  const std::string ian = user("ian", "instructor");
  const std::string tim = user("tim", "trainee");
  const std::string id = new_session(
      ian, {{"kind", "emergency/acls-vf"},
            {"members", json::array({json{{"username", "tim"}, {"role", "participant"}}})}});
  // A role that does not exist, and one that is full, are refused.
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/team-role",
                         json{{"team_role", "surgeon"}}.dump(), tim)
                .status,
            400);
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/team-role",
                         json{{"team_role", "recorder"}}.dump(), tim)
                .status,
            200);
  const std::string rae = user("rae", "trainee");
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/members",
                         json{{"username", "rae"}}.dump(), ian)
                .status,
            200);
  EXPECT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/team-role",
                         json{{"team_role", "recorder"}}.dump(), rae)
                .status,
            409);
  // The recorder may not shock (the scenario gives `shock` to the team leader).
  WsClient ws(port(), id, tim);
  ws.send_binary(
      json_frame(kAction, 9, json{{"name", "shock"}, {"params", {{"energy_J", 200}}}}.dump()));
  std::optional<json> reply;
  for (int i = 0; i < 300 && !reply; ++i) {
    auto f = ws.read(1.0);
    if (!f) break;
    const auto parsed = parse_server_frame(*f);
    if (parsed.type == kReply && parsed.json["ref"] == 9) reply = parsed.json;
  }
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "forbidden") << *reply;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto events =
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", ian).json();
  bool logged = false;
  for (const auto& e : events)
    logged |= e["type"] == "action_refused" && e["payload"].value("not_permitted", false);
  EXPECT_TRUE(logged);
  // ... and counted in the team's assessment.
  ASSERT_EQ(http_request(port(), "POST", "/api/sessions/" + id + "/end", "", ian).status, 200);
  const auto report = http_request(port(), "GET", "/api/sessions/" + id + "/report", "", ian);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json()["metrics"]["actions_outside_role_count"]["value"], 1.0)
      << report.json()["metrics"].dump();
}

// ---- requests from other sites ----

TEST_F(SecurityTest, CrossSiteRequestsWithTheCookieAreRefused) {
  const std::map<std::string, std::string> cookie = {{"Cookie", "mv_token=" + admin_},
                                                     {"Host", host()}};
  const std::string body =
      json{{"username", "mallory"}, {"password", "correct horse"}, {"role", "admin"}}.dump();
  auto with = [&](std::map<std::string, std::string> h, const std::string& type) {
    for (const auto& kv : cookie) h.insert(kv);
    std::string req = "POST /api/users HTTP/1.1\r\n";
    for (const auto& [k, v] : h) req += k + ": " + v + "\r\n";
    if (!type.empty()) req += "Content-Type: " + type + "\r\n";
    req +=
        "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return raw_http(port(), req).status;
  };
  EXPECT_EQ(with({{"Origin", "https://evil.example"}}, "application/json"), 403);
  EXPECT_EQ(with({{"Origin", "null"}}, "text/plain"), 403);
  EXPECT_EQ(with({{"Referer", "https://evil.example/page"}}, "application/json"), 403);
  EXPECT_EQ(with({}, "application/json"), 403) << "no Origin with a cookie";
  EXPECT_EQ(with({{"Origin", origin()}}, "text/plain"), 403) << "a form's content type";
  EXPECT_EQ(with({{"Origin", origin()}}, "application/x-www-form-urlencoded"), 403);
  // Nothing was created; the server's own page may.
  auto users = http_request(port(), "GET", "/api/users", "", admin_).json();
  for (const auto& u : users) EXPECT_NE(u["username"], "mallory");
  EXPECT_EQ(with({{"Origin", origin()}}, "application/json"), 201);
  // A script with a bearer token carries no ambient credential: no Origin needed.
  EXPECT_EQ(
      http_request(
          port(), "POST", "/api/users",
          json{{"username", "sam"}, {"password", "correct horse"}, {"role", "trainee"}}.dump(),
          admin_)
          .status,
      201);
  // WebSocket upgrades from another origin are refused, cookie or not.
  const std::string id = new_session(admin_);
  EXPECT_EQ(
      ws_upgrade_status(port(), "/ws?session=" + id,
                        {{"Cookie", "mv_token=" + admin_}, {"Origin", "https://evil.example"}}),
      403);
  EXPECT_EQ(ws_upgrade_status(port(), "/ws?session=" + id,
                              {{"Cookie", "mv_token=" + admin_}, {"Origin", origin()}}),
            101);
  // Login from another site's page is refused too (login CSRF).
  EXPECT_EQ(http_request(port(), "POST", "/api/login",
                         json{{"username", "admin"}, {"password", kAdminPassword}}.dump(), "",
                         {{"Origin", "https://evil.example"}})
                .status,
            403);
}

TEST_F(SecurityTest, AllowedOriginsLetAReverseProxysPublicOriginThrough) {
  start({"--allowed-origins", "https://medvision.example.org"});
  const std::string id = new_session(admin_);
  EXPECT_EQ(ws_upgrade_status(
                port(), "/ws?session=" + id,
                {{"Cookie", "mv_token=" + admin_}, {"Origin", "https://medvision.example.org"}}),
            101);
  EXPECT_EQ(ws_upgrade_status(port(), "/ws?session=" + id,
                              {{"Cookie", "mv_token=" + admin_},
                               {"Origin", "https://medvision.example.org.evil.com"}}),
            403);
}

// ---- accounts and tokens ----

TEST_F(SecurityTest, ChangingOnesPasswordNeedsTheCurrentOne) {
  const std::string tom = user("tom", "trainee");
  const auto me = http_request(port(), "GET", "/api/me", "", tom).json();
  EXPECT_EQ(http_request(port(), "PATCH", "/api/users/" + me["id"].get<std::string>(),
                         json{{"password", "new password 1"}}.dump(), tom)
                .status,
            400);
  EXPECT_EQ(
      http_request(
          port(), "POST", "/api/me/password",
          json{{"current_password", "wrong one"}, {"new_password", "new password 1"}}.dump(), tom)
          .status,
      403);
  const auto changed = http_request(
      port(), "POST", "/api/me/password",
      json{{"current_password", "correct horse"}, {"new_password", "new password 1"}}.dump(), tom);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(http_request(port(), "GET", "/api/me", "", tom).status, 401) << "the old login ended";
  EXPECT_EQ(http_request(port(), "GET", "/api/me", "", changed.json()["token"]).status, 200);
  EXPECT_NO_THROW(login(port(), "tom", "new password 1"));
}

TEST_F(SecurityTest, AGeneratedPasswordMustBeChangedAtFirstLogin) {
  start({}, {{"MEDVISION_ADMIN_PASSWORD", ""}});
  std::smatch m;
  std::string out;
  for (int i = 0; i < 50 && !std::regex_search(out, m, std::regex("one-time password: (\\S+)"));
       ++i) {
    out = server_->stdout_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(std::regex_search(out, m, std::regex("one-time password: (\\S+)"))) << out;
  const std::string generated = m[1];
  const std::string token = login(port(), "admin", generated);
  EXPECT_EQ(http_request(port(), "GET", "/api/me", "", token).json()["must_change_password"], true);
  EXPECT_EQ(http_request(port(), "GET", "/api/users", "", token).status, 403);
  EXPECT_EQ(
      http_request(port(), "POST", "/api/sessions", json{{"title", "x"}}.dump(), token).status,
      403);
  const auto changed = http_request(
      port(), "POST", "/api/me/password",
      json{{"current_password", generated}, {"new_password", "my own password"}}.dump(), token);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(http_request(port(), "GET", "/api/users", "", changed.json()["token"]).status, 200);
}

// Reads frames until the connection closes; the close code.
int wait_closed(WsClient& ws, double timeout_s = 5.0) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!ws.read(0.5) && ws.closed()) return ws.close_code();
  }
  return 0;
}

TEST_F(SecurityTest, LogoutDisablingAndPasswordChangesCloseOpenSockets) {
  const std::string amy = user("amy", "trainee");
  const std::string id = new_session(amy);
  const std::string second = login(port(), "amy", "correct horse");
  {
    WsClient by_first(port(), id, amy);
    WsClient by_second(port(), id, second);
    ASSERT_EQ(http_request(port(), "POST", "/api/logout", "", amy).status, 204);
    EXPECT_EQ(wait_closed(by_first), 1008) << "logout closes the sockets of that login";
    EXPECT_TRUE(by_second.read(1.0).has_value()) << "but not those of another login";
    ASSERT_EQ(http_request(port(), "POST", "/api/logout/everywhere", "", second).status, 204);
    EXPECT_EQ(wait_closed(by_second), 1008);
  }
  const std::string third = login(port(), "amy", "correct horse");
  {
    WsClient ws(port(), id, third);
    const auto me = http_request(port(), "GET", "/api/me", "", third).json();
    ASSERT_EQ(http_request(port(), "PATCH", "/api/users/" + me["id"].get<std::string>(),
                           json{{"disabled", true}}.dump(), admin_)
                  .status,
              200);
    EXPECT_EQ(wait_closed(ws), 1008) << "disabling closes the account's sockets";
    EXPECT_EQ(http_request(port(), "GET", "/api/me", "", third).status, 401);
  }
}

TEST_F(SecurityTest, FailedLoginsWithControlBytesInTheNameDoNotDodgeTheThrottle) {
  // Each spelling of "admin" with a NUL used to be its own throttle key, and
  // could guess the admin's password without end. Now no such name can log
  // in, and all of them share one throttle key: after the first failure the
  // growing delay answers every further try.
  for (int i = 0; i < 10; ++i) {
    const auto res = http_request(
        port(), "POST", "/api/login",
        json{{"username", "admin" + std::string(static_cast<std::size_t>(i % 5 + 1), '\0')},
             {"password", kAdminPassword}}
            .dump());
    EXPECT_EQ(res.status, i == 0 ? 401 : 429) << "try " << i;
  }
  // Usernames are normalised: case and surrounding spaces name the same account.
  const auto spaced =
      http_request(port(), "POST", "/api/login",
                   json{{"username", "  ADMIN "}, {"password", kAdminPassword}}.dump());
  EXPECT_EQ(spaced.status, 200) << spaced.body;
}

TEST_F(SecurityTest, FailedLoginsSlowDownPerAccount) {
  const auto first =
      http_request(port(), "POST", "/api/login",
                   json{{"username", "admin"}, {"password", "wrong password"}}.dump());
  EXPECT_EQ(first.status, 401);
  const auto right_away =
      http_request(port(), "POST", "/api/login",
                   json{{"username", "Admin"}, {"password", "wrong password"}}.dump());
  EXPECT_EQ(right_away.status, 429);
  EXPECT_EQ(right_away.headers.at("retry-after"), "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(http_request(port(), "POST", "/api/login",
                         json{{"username", " admin"}, {"password", kAdminPassword}}.dump())
                .status,
            200);
}

// ---- bounds ----

TEST_F(SecurityTest, LimitsOutsideTheirRangeAreRefused) {
  const std::string id = new_session(admin_);
  for (const char* q : {"limit=0", "limit=10001", "limit=-1", "limit=abc", "after=-5"}) {
    EXPECT_EQ(
        http_request(port(), "GET", "/api/sessions/" + id + "/events?" + std::string(q), "", admin_)
            .status,
        400)
        << q;
  }
  EXPECT_EQ(http_request(port(), "GET", "/api/audit?limit=0", "", admin_).status, 400);
  EXPECT_EQ(
      http_request(port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", admin_).status,
      200);
}

TEST_F(SecurityTest, PerUserLimitsAnswer429WithAMessage) {
  start({"--max-running-sessions", "2", "--max-sockets", "2"});
  const std::string a = new_session(admin_);
  new_session(admin_);
  const auto third =
      http_request(port(), "POST", "/api/sessions", json{{"title", "3"}}.dump(), admin_);
  EXPECT_EQ(third.status, 429);
  EXPECT_NE(third.json()["error"].get<std::string>().find("limit"), std::string::npos);
  WsClient one(port(), a, admin_);
  WsClient two(port(), a, admin_);
  WsClient three(port(), a, admin_);
  EXPECT_EQ(wait_closed(three), 1008);
  EXPECT_NE(three.close_reason().find("too many"), std::string::npos) << three.close_reason();
}

TEST_F(SecurityTest, ASessionNobodyIsConnectedToEndsAsAbortedWithItsReport) {
  start({"--session-idle", "2"});
  const std::string id = new_session(admin_, {{"kind", "emergency/acls-vf"}});
  std::string status;
  for (int i = 0; i < 80 && status != "ended"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status =
        http_request(port(), "GET", "/api/sessions/" + id, "", admin_).json().value("status", "");
  }
  EXPECT_EQ(status, "ended");
  const auto report = http_request(port(), "GET", "/api/sessions/" + id + "/report", "", admin_);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_NE(report.body.find("aborted"), std::string::npos);
}

TEST_F(SecurityTest, UnauthenticatedRequestsAreCountedNotAuditedOneRowEach) {
  start({"--heartbeat", "1", "--lease", "3"});
  const auto before =
      http_request(port(), "GET", "/api/audit?limit=10000", "", admin_).json().size();
  for (int i = 0; i < 60; ++i) http_request(port(), "GET", "/api/nothing-" + std::to_string(i));
  for (int i = 0; i < 20; ++i) http_request(port(), "GET", "/api/sessions");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto audit = http_request(port(), "GET", "/api/audit?limit=10000", "", admin_).json();
  // The admin's own reads add a row each; the 80 refusals add one summary row.
  EXPECT_LE(audit.size(), before + 4);
  bool summary = false;
  for (const auto& a : audit)
    summary |=
        a["action"] == "unauthenticated" && a["detail"].get<std::string>().rfind("80 ", 0) == 0;
  EXPECT_TRUE(summary) << audit.dump(1);
}

// ---- patients and care teams ----

TEST_F(SecurityTest, PatientDataIsSeenOnlyByTheCareTeamAndEmergencyAccessIsAuditedAndShown) {
  const std::string carol = user("carol", "clinician");
  const std::string dan = user("dan", "clinician");
  const auto created = http_request(
      port(), "POST", "/api/patients",
      json{{"alias", "Patient A"}, {"name", "Jane Doe"}, {"contact", "+44 20"}}.dump(), carol);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string pid = created.json()["id"];
  EXPECT_EQ(created.json()["name"], "Jane Doe");
  // Another clinician, a trainee and an admin do not see the record.
  const std::string tess = user("tess", "trainee");
  EXPECT_EQ(http_request(port(), "GET", "/api/patients/" + pid, "", dan).status, 403);
  EXPECT_EQ(http_request(port(), "GET", "/api/patients/" + pid, "", tess).status, 403);
  EXPECT_EQ(http_request(port(), "GET", "/api/patients/" + pid, "", admin_).status, 403);
  // The admin lists aliases only.
  const auto listed = http_request(port(), "GET", "/api/patients", "", admin_).json();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(listed[0].contains("name"));
  // Nobody adds themselves to a care team.
  EXPECT_EQ(http_request(port(), "POST", "/api/patients/" + pid + "/care-team",
                         json{{"username", "dan"}}.dump(), dan)
                .status,
            403);
  // Emergency access: a reason, then access, audited and shown to the care team.
  EXPECT_EQ(http_request(port(), "POST", "/api/patients/" + pid + "/emergency-access",
                         json{{"reason", "short"}}.dump(), dan)
                .status,
            400);
  ASSERT_EQ(
      http_request(port(), "POST", "/api/patients/" + pid + "/emergency-access",
                   json{{"reason", "unconscious in A&E, no team member reachable"}}.dump(), dan)
          .status,
      201);
  EXPECT_EQ(http_request(port(), "GET", "/api/patients/" + pid, "", dan).json()["name"],
            "Jane Doe");
  const auto shown =
      http_request(port(), "GET", "/api/patients/" + pid + "/emergency-access", "", carol).json();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0]["username"], "dan");
  const std::string dan_id = http_request(port(), "GET", "/api/me", "", dan).json()["id"];
  std::set<std::string> readers;
  for (const auto& a : http_request(port(), "GET", "/api/audit?limit=10000", "", admin_).json()) {
    if (a["action"] == "access_patient_record" && a["resource"] == "/api/patients/" + pid)
      readers.insert(a["actor"].get<std::string>());
  }
  EXPECT_EQ(readers.size(), 2u) << "carol's list of grants and dan's read, each audited";
  EXPECT_TRUE(readers.count(dan_id));
  // The stored name is not plaintext.
  std::ifstream db(data_ + "/medvision.db", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(db)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("Jane Doe"), std::string::npos);
}

TEST_F(SecurityTest, TheRecordKeyFileMayLiveOutsideTheDataFolder) {
  TempDir keys;
  const std::string key_file = keys.path() + "/record.key";
  start({"--record-key-file", key_file});
  EXPECT_TRUE(fs::exists(key_file));
  EXPECT_FALSE(fs::exists(data_ + "/record.key"));
  EXPECT_EQ(fs::status(key_file).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
}

}  // namespace
}  // namespace medvision::testing
