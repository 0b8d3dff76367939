#pragma once
// Accounts: argon2id password hashes, bearer tokens (only their SHA-256 is
// stored) and a throttle on failed logins.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/result.h"
#include "store/record_store.h"

namespace medvision {

// argon2id via libsodium's crypto_pwhash_str_alg at its "interactive" limits
// (RFC 9106 recommends argon2id for password storage).
Result<std::string> hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);
// Spends the same time as a real check; used when the user does not exist so
// that response time does not reveal which usernames exist.
void verify_password_decoy(const std::string& password);

std::string token_hash(const std::string& token);  // hex SHA-256

Status check_password_policy(const std::string& password);

// Failed-login throttle, per username and per client address: the
// `lockout_after_failures`-th failure within `window` starts a lockout during which
// every attempt is refused; each further failure doubles it (from
// `first_lockout` up to `max_lockout`).
class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  struct Policy {
    int lockout_after_failures = 5;
    std::chrono::seconds window{15 * 60};
    std::chrono::seconds first_lockout{30};
    std::chrono::seconds max_lockout{15 * 60};
  };

  LoginThrottle() = default;
  explicit LoginThrottle(Policy policy) : policy_(policy) {}

  // Seconds the caller must wait before trying again; 0 if it may try now.
  std::int64_t retry_after(const std::string& key, Clock::time_point now);
  void record_failure(const std::string& key, Clock::time_point now);
  void record_success(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point first_failure;
    Clock::time_point locked_until;
  };
  Policy policy_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// The three throttles of the login route (docs/security.md): per account a
// growing delay (1 s after the first failure, doubling to a minute), so that
// a guesser slows down without locking the owner out; per account and client
// address a lockout after 5 failures; per client address a lockout after 20
// failures over any accounts (credential stuffing).
struct LoginThrottles {
  LoginThrottle account{
      {1, std::chrono::seconds(15 * 60), std::chrono::seconds(1), std::chrono::seconds(60)}};
  LoginThrottle account_address{
      {5, std::chrono::seconds(15 * 60), std::chrono::seconds(30), std::chrono::seconds(15 * 60)}};
  LoginThrottle address{
      {20, std::chrono::seconds(15 * 60), std::chrono::seconds(30), std::chrono::seconds(15 * 60)}};
};

}  // namespace medvision
