#pragma once
// FNV-1a over the bytes of values: the state hash that tells whether two
// runs (or a run and its replay) reached the same state, bit for bit.
// Fowler, Noll & Vo, 64-bit FNV-1a (offset basis and prime from the
// reference description, draft-eastlake-fnv).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace medvision {

class Fnv1a {
 public:
  template <class T>
  void add(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>, "hash only plain values");
    unsigned char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    add_bytes(bytes, sizeof(T));
  }
  void add(std::string_view text) { add_bytes(text.data(), text.size()); }
  void add_bytes(const void* data, std::size_t size) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) h_ = (h_ ^ b[i]) * 0x100000001b3ULL;
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace medvision
