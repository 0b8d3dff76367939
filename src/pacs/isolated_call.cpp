#include "pacs/isolated_call.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace medvision::pacs {
namespace {

void write_all(int fd, const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    at += static_cast<std::size_t>(n);
  }
}

}  // namespace

Result<std::string> run_isolated(const std::string& what, const std::function<std::string()>& work,
                                 const IsolatedCallOptions& options) {
  int fds[2];
  if (::pipe(fds) != 0)
    return make_error(ErrorCode::unavailable,
                      what + ": cannot create a pipe: " + std::strerror(errno));
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return make_error(ErrorCode::unavailable, what + ": cannot fork: " + std::strerror(errno));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // ends with the caller
    ::close(fds[0]);
    std::string text;
    try {
      text = work();
    } catch (const std::exception& e) {
      text = std::string("!") + e.what();
    }
    write_all(fds[1], text);
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  bool eof = false;
  auto last_progress = std::chrono::steady_clock::now();
  bool killed = false;
  while (!eof) {
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready > 0) {
      char buffer[4096];
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
        last_progress = std::chrono::steady_clock::now();
      } else if (n == 0 || errno != EINTR) {
        eof = true;
      }
    }
    if (options.on_poll && options.on_poll()) last_progress = std::chrono::steady_clock::now();
    if (!eof && std::chrono::steady_clock::now() - last_progress > options.idle_timeout) {
      ::kill(pid, SIGKILL);
      killed = true;
      eof = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed)
    return make_error(ErrorCode::unavailable,
                      what + ": no answer or progress for " +
                          std::to_string(options.idle_timeout.count() / 1000) + " s; stopped");
  if (WIFSIGNALED(status) && text.empty())
    return make_error(ErrorCode::internal, what + ": the DICOM network code crashed (signal " +
                                               std::to_string(WTERMSIG(status)) + ")");
  return text;
}

}  // namespace medvision::pacs
