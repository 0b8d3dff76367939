#pragma once
// A real PostgreSQL for tests: a private server on 127.0.0.1, started in a
// fresh temporary directory with Debian's PostgreSQL 15 binaries and removed
// afterwards. Tests get an empty database each from create_database().
//
// MEDVISION_TEST_POSTGRES_URL=postgresql://user@host:port/db uses that server
// instead (the user must be allowed to create databases).
// MEDVISION_TEST_POSTGRES_BIN overrides /usr/lib/postgresql/15/bin.
//
// Register once per test program:
//   ::testing::AddGlobalTestEnvironment(new medvision::test::PostgresEnvironment);
// then ask PostgresEnvironment::require_server() inside tests.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <memory>
#include <string>

#include "core/result.h"

namespace medvision::test {

struct TestDatabase {
  std::string name;
  std::string url;  // postgresql://... naming this database
};

class PostgresServer {
 public:
  // Starts a private server, or checks the one MEDVISION_TEST_POSTGRES_URL
  // names. Fails with a message saying what to install or set.
  static Result<std::unique_ptr<PostgresServer>> start();

  ~PostgresServer();  // stops a private server and removes its directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // URL of the server's maintenance database, for administrative statements.
  const std::string& admin_url() const { return admin_url_; }
  bool is_private() const { return !data_dir_.empty(); }

  Result<TestDatabase> create_database();
  Status drop_database(const std::string& name);

 private:
  PostgresServer() = default;
  Status stop();

  std::string admin_url_;
  std::string temp_dir_;  // empty for an external server
  std::string data_dir_;
  std::string bin_dir_;
  int reaper_fd_ = -1;  // closing it (or dying) tells the reaper process to clean up
  pid_t reaper_pid_ = -1;
};

// Starts the server before the first test and stops it after the last. If it
// cannot start, every test that needs it fails with the reason: the promise
// is that these tests ran against a real PostgreSQL, so they never skip.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // The running server, or nullptr outside SetUp..TearDown.
  static PostgresServer* server();
  // The running server; if there is none, records a test failure that says
  // why and returns nullptr. Use as ASSERT_NE(require_server(), nullptr).
  static PostgresServer* require_server();

 private:
  static std::string& start_error();
};

}  // namespace medvision::test
