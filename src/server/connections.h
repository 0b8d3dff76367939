#pragma once
// The open WebSocket connections by user and by the token that opened them,
// so that logging out closes the sockets of that login, and disabling an
// account, "log out everywhere" or a password change close all of the
// user's; and the count behind the per-user socket limit.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace medvision {

class ClosableConnection {
 public:
  virtual ~ClosableConnection() = default;
  // Closes with a WebSocket close code and reason; safe from any thread.
  virtual void close_from_server(std::uint16_t code, const std::string& reason) = 0;
};

class ConnectionRegistry {
 public:
  // False (and nothing added) when the user already has `max_per_user` open.
  // Closed connections are forgotten here (their weak pointers expired).
  bool add(const std::string& user_id, const std::string& token_hash,
           const std::shared_ptr<ClosableConnection>& c, int max_per_user);
  // Close every connection opened with the token / by the user; returns how many.
  int close_token(const std::string& token_hash, const std::string& reason);
  int close_user(const std::string& user_id, const std::string& reason);
  int count_user(const std::string& user_id);

 private:
  struct Entry {
    std::string user_id;
    std::string token_hash;
    std::weak_ptr<ClosableConnection> connection;
  };
  int close_where(const std::function<bool(const Entry&)>& pick, const std::string& reason);
  std::mutex mu_;
  std::map<const ClosableConnection*, Entry> open_;
};

// Unauthenticated refusals are counted per client address and written to the
// audit as one summary row per address and period, not one row each (a
// scanner's thousands of 401s would otherwise flood the table).
class RefusalCounter {
 public:
  void count(const std::string& remote, const std::string& what);
  // Counts since the last drain, by address: (count, an example of what was asked).
  std::map<std::string, std::pair<std::int64_t, std::string>> drain();

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<std::int64_t, std::string>> counts_;
};

}  // namespace medvision
