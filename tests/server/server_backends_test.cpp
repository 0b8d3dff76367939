// The server on its other configurations: PostgreSQL records, HTTPS.

#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "postgres_fixture.h"
#include "server_process.h"

namespace medvision::testing {
namespace {

using nlohmann::json;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;

const std::map<std::string, std::string> kEnv = {
    {"MEDVISION_ADMIN_PASSWORD", "admin password for tests"}};

TEST(ServerOnPostgres, StoresUsersSessionsAndEventsAcrossRestarts) {
  auto* pg = test::PostgresEnvironment::require_server();
  ASSERT_NE(pg, nullptr);
  auto db = pg->create_database();
  ASSERT_TRUE(db.ok()) << db.error().message;
  TempDir dir;
  std::string id;
  std::uint32_t acked = 0;
  {
    ServerProcess server(dir.path(), {"--db", db->url}, kEnv);
    EXPECT_EQ(http_request(server.port(), "GET", "/api/health").json()["store"], "postgres");
    const auto admin = login(server.port(), "admin", "admin password for tests");
    create_user(server.port(), admin, "ines", "instructor");
    const auto created = http_request(server.port(), "POST", "/api/sessions",
                                      json{{"title", "on postgres"}}.dump(), admin);
    ASSERT_EQ(created.status, 201);
    id = created.json()["id"];
    WsClient ws(server.port(), id, admin);
    const float hand[3] = {0, 1.2f, -0.6f};
    for (std::uint32_t i = 1; i <= 20; ++i) ws.send_binary(input_frame(i, hand, false));
    for (int i = 0; i < 200 && acked < 20; ++i) {
      auto frame = ws.read(2.0);
      if (!frame) break;
      acked = parse_server_frame(*frame).ack;
    }
    EXPECT_EQ(acked, 20u);
    server.kill9();
  }
  ServerProcess again(dir.path(), {"--db", db->url}, kEnv);
  EXPECT_NO_THROW(login(again.port(), "ines", "correct horse")) << "users live in the store";
  const auto token = login(again.port(), "admin", "admin password for tests");
  EXPECT_EQ(http_request(again.port(), "GET", "/api/sessions/" + id, "", token).json()["status"],
            "ended_abnormally");
  const auto events =
      http_request(again.port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", token)
          .json();
  int inputs = 0;
  for (const auto& e : events) inputs += e["type"] == "input" ? 1 : 0;
  EXPECT_EQ(inputs, 20);
  (void)pg->drop_database(db->name);
}

// The imaging library on PostgreSQL: a patient record imported by the
// command line, a model built by the server's worker, served decrypted.
TEST(ServerOnPostgres, ImagingLibraryRecordsAPatientStudyAndBuildsItsModel) {
  auto* pg = test::PostgresEnvironment::require_server();
  ASSERT_NE(pg, nullptr);
  auto db = pg->create_database();
  ASSERT_TRUE(db.ok()) << db.error().message;
  TempDir dir;
  const std::string nifti = dir.path() + "/cube.nii.gz";
  ASSERT_EQ(std::system(("/usr/bin/python3 -c \"import numpy as np, nibabel as nib; v = "
                         "np.zeros((24, 24, 24), np.int16); "
                         "v[6:18, 6:18, 6:18] = 800; nib.save(nib.Nifti1Image(v, np.eye(4)), '" +
                         nifti + "')\"")
                            .c_str()),
            0);
  const std::string import = std::string(MEDVISION_BINARY) + " import '" + nifti + "' -o '" +
                             dir.path() + "/imports' --keep-identity --patient P-1 --db '" +
                             db->url + "' --data '" + dir.path() + "' > '" + dir.path() +
                             "/import.log' 2>&1";
  ASSERT_EQ(std::system(import.c_str()), 0);
  ServerProcess server(dir.path(), {"--db", db->url}, kEnv);
  const auto admin = login(server.port(), "admin", "admin password for tests");
  const auto studies = http_request(server.port(), "GET", "/api/studies", "", admin).json();
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0]["library"], "patient");
  EXPECT_EQ(studies[0]["patient_id"], "P-1");
  const std::string series = studies[0]["series"][0]["id"];
  const auto created = http_request(server.port(), "POST", "/api/series/" + series + "/models",
                                    R"({"threshold":400})", admin);
  ASSERT_EQ(created.status, 202) << created.body;
  json model;
  for (int i = 0; i < 300; ++i) {
    model = http_request(server.port(), "GET",
                         "/api/models/" + created.json()["id"].get<std::string>(), "", admin)
                .json();
    if (model["status"] != "building") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(model["status"], "ready") << model.dump();
  const auto stl = http_request(server.port(), "GET", model["stl"].get<std::string>(), "", admin);
  ASSERT_EQ(stl.status, 200);
  EXPECT_EQ(stl.body.size(), 84 + 50 * model["triangles"].get<std::size_t>());
  EXPECT_EQ(stl.headers.at("cache-control"), "no-store");
  (void)pg->drop_database(db->name);
}

// Two instances on one PostgreSQL: a starting instance leaves the other's
// running session alone, tells a client where it runs, and closes it as
// abnormal only once the other's lease has expired.
TEST(ServerOnPostgres, InstancesCloseOnlyTheSessionsOfInstancesWhoseLeaseExpired) {
  auto* pg = test::PostgresEnvironment::require_server();
  ASSERT_NE(pg, nullptr);
  auto db = pg->create_database();
  ASSERT_TRUE(db.ok()) << db.error().message;
  TempDir dir_a, dir_b;
  auto a = std::make_unique<ServerProcess>(
      dir_a.path(),
      std::vector<std::string>{"--db", db->url, "--lease", "3", "--heartbeat", "1", "--instance-id",
                               "ins-a", "--public-url", "https://a.example.org"},
      kEnv);
  const auto admin = login(a->port(), "admin", "admin password for tests");
  const auto created = http_request(a->port(), "POST", "/api/sessions",
                                    json{{"title", "on instance a"}}.dump(), admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];

  ServerProcess b(dir_b.path(),
                  {"--db", db->url, "--lease", "3", "--heartbeat", "1", "--instance-id", "ins-b"},
                  kEnv);
  EXPECT_EQ(http_request(b.port(), "GET", "/api/sessions/" + id, "", admin).json()["status"],
            "running")
      << "a starting instance leaves a live instance's sessions alone";
  const auto join = http_request(b.port(), "POST", "/api/sessions/" + id + "/join", "", admin);
  EXPECT_EQ(join.status, 409);
  EXPECT_EQ(join.json()["instance"], "ins-a");
  EXPECT_EQ(join.json()["url"], "https://a.example.org");
  EXPECT_NE(join.json()["error"].get<std::string>().find("https://a.example.org"),
            std::string::npos);
  EXPECT_EQ(
      ws_upgrade_status(b.port(), "/ws?session=" + id, {{"Authorization", "Bearer " + admin}}),
      409);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  EXPECT_EQ(http_request(b.port(), "GET", "/api/sessions/" + id, "", admin).json()["status"],
            "running")
      << "a's heartbeat keeps its lease";

  a->kill9();
  std::string status;
  for (int i = 0; i < 100 && status != "ended_abnormally"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status =
        http_request(b.port(), "GET", "/api/sessions/" + id, "", admin).json().value("status", "");
  }
  EXPECT_EQ(status, "ended_abnormally") << "b closes it once a's lease has expired";
  const auto events =
      http_request(b.port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", admin)
          .json();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["type"], "session_ended");
  (void)pg->drop_database(db->name);
}

TEST(ServerOverTls, ServesHttpsWithASelfSignedCertificateAndSecureCookies) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--tls-self-signed"}, kEnv);
  const std::string out = server.stdout_text();
  EXPECT_NE(out.find("listening on https://127.0.0.1:"), std::string::npos) << out;
  EXPECT_NE(out.find("SHA-256 fingerprint: "), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/tls/self-signed.crt"));

  net::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(dir.path() + "/tls/self-signed.crt");  // trust exactly this certificate
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::get_lowest_layer(stream).connect(net::ip::tcp::endpoint(
      net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server.port())));
  stream.handshake(ssl::stream_base::client);
  http::request<http::string_body> req{http::verb::post, "/api/login", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = json{{"username", "admin"}, {"password", "admin password for tests"}}.dump();
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_NE(std::string(res[http::field::set_cookie]).find("; Secure"), std::string::npos);
  EXPECT_EQ(std::string(res["Strict-Transport-Security"]), "max-age=31536000; includeSubDomains");

  // Plain HTTP to the TLS port gets nothing useful: no request is answered in the clear.
  EXPECT_THROW(http_request(server.port(), "GET", "/api/health"), boost::system::system_error);
}

}  // namespace
}  // namespace medvision::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new medvision::test::PostgresEnvironment);
  return RUN_ALL_TESTS();
}
