#include "core/ids.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace medvision {
namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise its random source");
}

}  // namespace

std::string new_id(const char* prefix) {
  ensure_sodium();
  static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32 symbols, no l/o/0/1
  std::array<unsigned char, 20> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string id = prefix;
  for (unsigned char c : raw) id += alphabet[c & 31u];
  return id;
}

std::string new_secret(std::size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), bytes);
  hex.pop_back();
  return hex;
}

}  // namespace medvision
