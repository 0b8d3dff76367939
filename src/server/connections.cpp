#include "server/connections.h"

#include <functional>
#include <utility>

namespace medvision {

bool ConnectionRegistry::add(const std::string& user_id, const std::string& token_hash,
                             const std::shared_ptr<ClosableConnection>& c, int max_per_user) {
  std::lock_guard lock(mu_);
  int open = 0;
  for (auto it = open_.begin(); it != open_.end();) {
    if (it->second.connection.expired()) {
      it = open_.erase(it);
      continue;
    }
    if (it->second.user_id == user_id) ++open;
    ++it;
  }
  if (open >= max_per_user) return false;
  open_[c.get()] = Entry{user_id, token_hash, c};
  return true;
}

int ConnectionRegistry::close_where(const std::function<bool(const Entry&)>& pick,
                                    const std::string& reason) {
  std::vector<std::shared_ptr<ClosableConnection>> to_close;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, entry] : open_) {
      if (!pick(entry)) continue;
      if (auto c = entry.connection.lock()) to_close.push_back(std::move(c));
    }
  }
  // Closed outside the lock: a connection's close may call remove().
  for (const auto& c : to_close) c->close_from_server(1008, reason);
  return static_cast<int>(to_close.size());
}

int ConnectionRegistry::close_token(const std::string& token_hash, const std::string& reason) {
  return close_where([&](const Entry& e) { return e.token_hash == token_hash; }, reason);
}

int ConnectionRegistry::close_user(const std::string& user_id, const std::string& reason) {
  return close_where([&](const Entry& e) { return e.user_id == user_id; }, reason);
}

int ConnectionRegistry::count_user(const std::string& user_id) {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [key, entry] : open_) {
    if (entry.user_id == user_id && !entry.connection.expired()) ++n;
  }
  return n;
}

void RefusalCounter::count(const std::string& remote, const std::string& what) {
  std::lock_guard lock(mu_);
  auto& [n, example] = counts_[remote];
  if (n++ == 0) example = what;
}

std::map<std::string, std::pair<std::int64_t, std::string>> RefusalCounter::drain() {
  std::lock_guard lock(mu_);
  return std::exchange(counts_, {});
}

}  // namespace medvision
