#include "server/auth.h"

#include <sodium.h>

#include <algorithm>

namespace medvision {

Result<std::string> hash_password(const std::string& password) {
  if (sodium_init() < 0) return make_error(ErrorCode::internal, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(ErrorCode::unavailable, "not enough memory to hash a password");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, const std::string& password) {
  if (sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_password_decoy(const std::string& password) {
  static const std::string decoy = hash_password("decoy password, never valid").value_or("");
  (void)verify_password(decoy, password);
}

std::string token_hash(const std::string& token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Status check_password_policy(const std::string& password) {
  // NIST SP 800-63B 5.1.1.2: at least 8 characters, long passphrases allowed.
  if (password.size() < 8) {
    return make_error(ErrorCode::invalid_input, "password must have at least 8 characters");
  }
  if (password.size() > 1024) {
    return make_error(ErrorCode::invalid_input, "password must have at most 1024 characters");
  }
  return {};
}

std::int64_t LoginThrottle::retry_after(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until <= now) return 0;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
  return std::max<std::int64_t>(1, wait.count());
}

void LoginThrottle::record_failure(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  Entry& e = entries_[key];
  if (e.failures == 0 || now - e.first_failure > policy_.window) {
    e.failures = 0;
    e.first_failure = now;
  }
  ++e.failures;
  const int over = e.failures - policy_.lockout_after_failures + 1;
  if (over <= 0) return;
  auto lockout = policy_.first_lockout * (1LL << std::min(over - 1, 20));
  lockout = std::min<std::chrono::seconds>(lockout, policy_.max_lockout);
  e.locked_until = now + lockout;
  // Keep the table small: forget keys whose window and lockout are over.
  if (entries_.size() > 10000) {
    std::erase_if(entries_, [&](const auto& kv) {
      return kv.second.locked_until <= now && now - kv.second.first_failure > policy_.window;
    });
  }
}

void LoginThrottle::record_success(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

}  // namespace medvision
