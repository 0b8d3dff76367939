#include "postgres_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <vector>

namespace medvision::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultBinDir = "/usr/lib/postgresql/15/bin";

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string tail_of_file(const std::string& path, std::size_t max_chars = 2000) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  return s.size() > max_chars ? "..." + s.substr(s.size() - max_chars) : s;
}

// initdb refuses to run as root, and the server must own its data directory,
// so as root the PostgreSQL tools run as the `postgres` user that Debian's
// package creates.
bool running_as_root() { return geteuid() == 0; }

// Whether a user other than the owner can reach `dir` (every ancestor must
// grant search permission to others, or be owned by uid).
bool reachable_by(const fs::path& dir, uid_t uid) {
  std::error_code ec;
  fs::path path = fs::weakly_canonical(dir, ec);
  if (ec) return false;
  for (; !path.empty(); path = path.parent_path()) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return false;
    if (info.st_uid != uid && (info.st_mode & S_IXOTH) == 0) return false;
    if (path == path.root_path()) break;
  }
  return true;
}

// Where the server's throw-away directory goes: $TMPDIR if the server's user
// can reach it and the Unix socket path fits sockaddr_un (107 bytes), else
// /tmp. A CI runner's private TMPDIR (mode 0700, or a long path) would
// otherwise stop the server from starting.
std::string temp_base(uid_t uid) {
  const std::string wanted = env_or("TMPDIR", "/tmp");
  constexpr std::size_t kRoomForSocket = sizeof("/medvision-pg-XXXXXX/.s.PGSQL.65535");
  if (wanted.size() + kRoomForSocket > 107) return "/tmp";
  if (running_as_root() && !reachable_by(wanted, uid)) return "/tmp";
  return wanted;
}

// Runs argv (no shell) with stdout and stderr appended to log_path; returns
// the exit status, or -1 if it could not be started.
int run_logged(std::vector<std::string> argv, const std::string& log_path) {
  if (running_as_root()) {
    argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  }
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) _exit(127);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A port nothing listens on right now. Another process could take it before
// the server binds it; start() then retries with a new one.
Result<int> free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return make_error(ErrorCode::unavailable, "cannot create a socket to find a port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  if (!ok) return make_error(ErrorCode::unavailable, "cannot bind a loopback port");
  return static_cast<int>(ntohs(address.sin_port));
}

// Replaces (or adds) the database part of a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& database) {
  const std::size_t authority = url.find("://");
  const std::size_t start = authority == std::string::npos ? 0 : authority + 3;
  const std::size_t query = url.find('?', start);
  const std::size_t end = query == std::string::npos ? url.size() : query;
  const std::size_t slash = url.find('/', start);
  const std::size_t path = slash == std::string::npos || slash > end ? end : slash;
  return url.substr(0, path) + "/" + database + url.substr(end);
}

// Forks a process that waits for this one to end (its pipe reaches EOF when
// every write end is gone, however the test program died, even by SIGKILL)
// and then stops the server and removes its directory, so an interrupted test
// run leaves no PostgreSQL behind. Sets the write end to keep open and the
// reaper's pid, or leaves them at -1. Called while the program is still
// single-threaded (environment set-up), so forking is safe.
void start_reaper(const std::string& pg_ctl, const std::string& data_dir,
                  const std::string& temp_dir, int& write_fd, pid_t& reaper_pid) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    close(fds[1]);
    // Let go of the test program's output, so that a runner waiting for it
    // to close is not kept waiting by the reaper.
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    char byte;
    for (;;) {
      const ssize_t n = read(fds[0], &byte, 1);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    std::error_code ec;
    // After a clean tear-down the directory is already gone.
    if (fs::exists(data_dir, ec)) {
      run_logged({pg_ctl, "-D", data_dir, "-m", "fast", "-w", "stop"}, "/dev/null");
      fs::remove_all(temp_dir, ec);
    }
    _exit(0);
  }
  close(fds[0]);
  write_fd = fds[1];
  reaper_pid = pid;
}

Status check_connects(const std::string& url) {
  try {
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    tx.exec("SELECT 1");
    return {};
  } catch (const std::exception& e) {
    return make_error(ErrorCode::unavailable,
                      "cannot connect to the test PostgreSQL: " + std::string(e.what()));
  }
}

std::unique_ptr<PostgresServer>& the_server() {
  static std::unique_ptr<PostgresServer> server;
  return server;
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::start() {
  std::unique_ptr<PostgresServer> server(new PostgresServer());

  const std::string external = env_or("MEDVISION_TEST_POSTGRES_URL", "");
  if (!external.empty()) {
    server->admin_url_ = external;
    MV_TRY(check_connects(external));
    return server;
  }

  server->bin_dir_ = env_or("MEDVISION_TEST_POSTGRES_BIN", kDefaultBinDir);
  const std::string initdb = server->bin_dir_ + "/initdb";
  const std::string pg_ctl = server->bin_dir_ + "/pg_ctl";
  if (access(initdb.c_str(), X_OK) != 0 || access(pg_ctl.c_str(), X_OK) != 0) {
    return make_error(ErrorCode::unavailable,
                      "PostgreSQL binaries not found: need " + initdb + " and " + pg_ctl +
                          ". Install Debian's postgresql-15 package (scripts/bootstrap does), set "
                          "MEDVISION_TEST_POSTGRES_BIN to their directory, or set "
                          "MEDVISION_TEST_POSTGRES_URL to a server where the tests may create "
                          "databases.");
  }

  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (running_as_root()) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) {
      return make_error(ErrorCode::unavailable,
                        "running as root, the test PostgreSQL must run as user 'postgres', which "
                        "does not exist; install Debian's postgresql-15 package or run the tests "
                        "as an ordinary user");
    }
    uid = user->pw_uid;
    gid = user->pw_gid;
  }

  const std::string base = temp_base(uid);
  std::string dir_template = base + "/medvision-pg-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    return make_error(ErrorCode::unavailable, "cannot create a temporary directory under " + base);
  }
  server->temp_dir_ = dir_template;
  if (running_as_root() && chown(server->temp_dir_.c_str(), uid, gid) != 0) {
    return make_error(ErrorCode::unavailable,
                      "cannot give " + server->temp_dir_ + " to user 'postgres'");
  }
  const std::string data_dir = server->temp_dir_ + "/data";
  const std::string initdb_log = server->temp_dir_ + "/initdb.log";
  if (run_logged({initdb, "-D", data_dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C", "--no-sync"},
                 initdb_log) != 0) {
    return make_error(ErrorCode::unavailable,
                      "initdb failed (log " + initdb_log + "):\n" + tail_of_file(initdb_log));
  }
  server->data_dir_ = data_dir;

  // Only loopback clients, all trusted: the server lives for one test run and
  // holds nothing but test data.
  {
    std::ofstream hba(data_dir + "/pg_hba.conf", std::ios::trunc);
    hba << "local all all trust\n"
        << "host all all 127.0.0.1/32 trust\n";
  }

  const std::string pg_ctl_log = server->temp_dir_ + "/pg_ctl.log";
  const std::string server_log = server->temp_dir_ + "/server.log";
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto port = free_loopback_port();
    if (!port.ok()) return port.error();
    {
      // Durability is pointless for a throw-away server; turning it off
      // makes CREATE DATABASE and commits cheap.
      std::ofstream conf(data_dir + "/postgresql.conf", std::ios::app);
      conf << "\n# medvision test server\n"
           << "listen_addresses = '127.0.0.1'\n"
           << "port = " << *port << "\n"
           << "unix_socket_directories = '" << server->temp_dir_ << "'\n"
           << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
           << "shared_buffers = 32MB\nmax_connections = 50\n";
    }
    if (run_logged({pg_ctl, "-D", data_dir, "-l", server_log, "-w", "-t", "60", "start"},
                   pg_ctl_log) == 0) {
      server->admin_url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(*port) + "/postgres";
      start_reaper(pg_ctl, data_dir, server->temp_dir_, server->reaper_fd_, server->reaper_pid_);
      MV_TRY(check_connects(server->admin_url_));
      return server;
    }
  }
  return make_error(ErrorCode::unavailable,
                    "pg_ctl start failed three times (logs in " + server->temp_dir_ + "):\n" +
                        tail_of_file(pg_ctl_log) + "\n" + tail_of_file(server_log));
}

Status PostgresServer::stop() {
  if (data_dir_.empty()) return {};
  const std::string log = temp_dir_ + "/pg_ctl.log";
  const int status =
      run_logged({bin_dir_ + "/pg_ctl", "-D", data_dir_, "-m", "fast", "-w", "stop"}, log);
  data_dir_.clear();
  if (status != 0) {
    return make_error(ErrorCode::internal, "pg_ctl stop failed:\n" + tail_of_file(log));
  }
  return {};
}

PostgresServer::~PostgresServer() {
  const Status stopped = stop();
  if (!stopped.ok()) {
    // Keep the directory: the server may still be running from it.
    std::fprintf(stderr, "%s\n", stopped.error().message.c_str());
    return;
  }
  if (!temp_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_dir_, ec);
  }
  if (reaper_fd_ >= 0) {
    close(reaper_fd_);  // the reaper wakes, finds nothing left, and exits
    int status = 0;
    waitpid(reaper_pid_, &status, 0);
  }
}

Result<TestDatabase> PostgresServer::create_database() {
  static std::atomic<int> counter{0};
  // Unique across test programs sharing an external server.
  const std::string name =
      "mv_test_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
  try {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction tx(connection);  // CREATE DATABASE cannot run in a transaction
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
  } catch (const std::exception& e) {
    return make_error(ErrorCode::unavailable,
                      "cannot create test database " + name + ": " + e.what());
  }
  return TestDatabase{name, with_database(admin_url_, name)};
}

Status PostgresServer::drop_database(const std::string& name) {
  try {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::unavailable,
                      "cannot drop test database " + name + ": " + e.what());
  }
  return {};
}

void PostgresEnvironment::SetUp() {
  auto server = PostgresServer::start();
  if (!server.ok()) {
    start_error() = server.error().message;
    // Not fatal: tests that need no PostgreSQL still run, and each one that
    // does fails with this reason (see require_server).
    ADD_FAILURE() << "The test PostgreSQL did not start: " << start_error();
    return;
  }
  the_server() = std::move(server).value();
}

std::string& PostgresEnvironment::start_error() {
  static std::string error;
  return error;
}

PostgresServer* PostgresEnvironment::require_server() {
  PostgresServer* server = the_server().get();
  if (server == nullptr) {
    ADD_FAILURE() << "This test needs a real PostgreSQL, which did not start: "
                  << (start_error().empty() ? "the PostgresEnvironment is not registered"
                                            : start_error());
  }
  return server;
}

void PostgresEnvironment::TearDown() { the_server().reset(); }

PostgresServer* PostgresEnvironment::server() { return the_server().get(); }

}  // namespace medvision::test
