#pragma once
// Encryption at rest for patient records: XChaCha20-Poly1305 (libsodium's
// IETF AEAD construction, RFC 8439 with the 192-bit nonce of
// draft-irtf-cfrg-xchacha), so a random nonce per record never repeats in
// practice and every ciphertext is authenticated. The associated data binds a
// ciphertext to the record it belongs to: one moved to another record does
// not decrypt.
//
// The key comes from MEDVISION_RECORD_KEY (64 hex digits; every instance of a
// PostgreSQL deployment must share it) or else from <data>/record.key,
// created with mode 0600 on first use. Losing the key loses the records.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace medvision {

class RecordCipher {
 public:
  static constexpr std::size_t key_bytes = 32;
  using Key = std::array<std::uint8_t, key_bytes>;

  explicit RecordCipher(const Key& key) : key_(key) {}

  // The key from `env_key` (the value of MEDVISION_RECORD_KEY; empty means
  // unset) or from `key_file`, creating it with mode 0600 when absent. A
  // key file readable by others is refused.
  static Result<RecordCipher> open(const std::filesystem::path& key_file, std::string_view env_key);

  // Bytes: magic "MVE1", 24-byte random nonce, ciphertext with 16-byte tag.
  std::string seal(std::string_view plaintext, std::string_view associated) const;
  Result<std::string> open_sealed(std::string_view sealed, std::string_view associated) const;

  // The same for text columns: "enc1:" + base64 of seal().
  std::string seal_text(std::string_view plaintext, std::string_view associated) const;
  Result<std::string> open_text(std::string_view sealed, std::string_view associated) const;

  static bool is_sealed(std::string_view bytes);
  static bool is_sealed_text(std::string_view text);

 private:
  Key key_;
};

}  // namespace medvision
