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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace medvision {

class RecordCipher {
 public:
  static constexpr std::size_t key_bytes = 32;
  using Key = std::array<std::uint8_t, key_bytes>;

  explicit RecordCipher(const Key& key) { keys_.push_back(key); }

  // The key from `env_key` (the value of MEDVISION_RECORD_KEY; empty means
  // unset) or from `key_file`, creating it with mode 0600 when absent. A
  // key file readable by others is refused.
  static Result<RecordCipher> open(const std::filesystem::path& key_file, std::string_view env_key);

  // A key file's key (for `medvision keys rotate`); created 0600 when absent.
  static Result<Key> key_from_file(const std::filesystem::path& key_file);

  // Bytes: magic "MVE2", the 8-byte id of the key that sealed it (the start
  // of its BLAKE2b hash, so that a key never shows), a 24-byte random nonce,
  // the ciphertext with its 16-byte tag. Records sealed before key ids
  // ("MVE1", no id) still open with the key they were sealed with.
  std::string seal(std::string_view plaintext, std::string_view associated) const;
  Result<std::string> open_sealed(std::string_view sealed, std::string_view associated) const;

  // The same for text columns: "enc1:" + base64 of seal().
  std::string seal_text(std::string_view plaintext, std::string_view associated) const;
  Result<std::string> open_text(std::string_view sealed, std::string_view associated) const;

  static bool is_sealed(std::string_view bytes);
  static bool is_sealed_text(std::string_view text);

  // The id of the key new records are sealed with (16 hex digits).
  std::string key_id() const;
  // The id of the key a sealed record or text names: "" for one sealed
  // before key ids, nullopt for bytes that are not sealed.
  static std::optional<std::string> sealed_key_id(std::string_view sealed_bytes_or_text);
  // Keeps `key` for opening records sealed with it (a rotation in progress);
  // new records are still sealed with the first key.
  void add_opening_key(const Key& key);

 private:
  const Key* key_for(std::string_view id_bytes) const;
  std::vector<Key> keys_;  // [0] seals; all open
};

}  // namespace medvision
