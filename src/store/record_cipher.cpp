#include "store/record_cipher.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace medvision {
namespace {

constexpr std::string_view kLegacyMagic = "MVE1";
constexpr std::string_view kMagic = "MVE2";
constexpr std::size_t kKeyId = 8;
constexpr std::string_view kTextPrefix = "enc1:";
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == RecordCipher::key_bytes);

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Result<RecordCipher::Key> key_from_hex(std::string_view hex, const std::string& where) {
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' '))
    hex.remove_suffix(1);
  RecordCipher::Key key{};
  std::size_t written = 0;
  if (hex.size() != 2 * key.size() ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &written, nullptr) !=
          0 ||
      written != key.size()) {
    return make_error(ErrorCode::invalid_input,
                      where + " must hold a record key of 64 hexadecimal digits (32 bytes)");
  }
  return key;
}

Result<RecordCipher::Key> create_key_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // O_EXCL: two processes starting together cannot both write a key.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorCode::unavailable,
                      "cannot create record key file " + path.string() + ": " + strerror(errno));
  }
  RecordCipher::Key key{};
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
  char hex[2 * RecordCipher::key_bytes + 1];
  sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
  std::string text = std::string(hex) + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(hex, sizeof hex);
  sodium_memzero(text.data(), text.size());
  if (!written || !synced) {
    std::filesystem::remove(path, ec);
    return make_error(ErrorCode::unavailable, "cannot write record key file " + path.string());
  }
  return key;
}

Result<RecordCipher::Key> read_key_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return make_error(ErrorCode::unavailable,
                      "cannot read record key file " + path.string() + ": " + strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return make_error(ErrorCode::forbidden, "record key file " + path.string() +
                                                " is readable by other users; chmod 600 it");
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in)
    return make_error(ErrorCode::unavailable, "cannot read record key file " + path.string());
  return key_from_hex(text.str(), "record key file " + path.string());
}

}  // namespace

Result<RecordCipher> RecordCipher::open(const std::filesystem::path& key_file,
                                        std::string_view env_key) {
  if (sodium_init() < 0) return make_error(ErrorCode::internal, "libsodium failed to start");
  if (!env_key.empty()) {
    auto key = key_from_hex(env_key, "MEDVISION_RECORD_KEY");
    if (!key) return key.error();
    return RecordCipher(*key);
  }
  std::error_code ec;
  auto key =
      std::filesystem::exists(key_file, ec) ? read_key_file(key_file) : create_key_file(key_file);
  if (!key) return key.error();
  return RecordCipher(*key);
}

Result<RecordCipher::Key> RecordCipher::key_from_file(const std::filesystem::path& key_file) {
  if (sodium_init() < 0) return make_error(ErrorCode::internal, "libsodium failed to start");
  std::error_code ec;
  return std::filesystem::exists(key_file, ec) ? read_key_file(key_file)
                                               : create_key_file(key_file);
}

namespace {

std::string id_bytes_of(const RecordCipher::Key& key) {
  unsigned char hash[crypto_generichash_BYTES];
  // Domain-separated so that the id says nothing reusable about the key.
  static constexpr std::string_view kContext = "medvision record key id";
  crypto_generichash(hash, sizeof hash, bytes(kContext), kContext.size(), key.data(), key.size());
  return std::string(reinterpret_cast<const char*>(hash), kKeyId);
}

std::string hex_of(std::string_view raw) {
  std::string out(2 * raw.size() + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes(raw), raw.size());
  out.pop_back();
  return out;
}

}  // namespace

std::string RecordCipher::key_id() const { return hex_of(id_bytes_of(keys_.front())); }

void RecordCipher::add_opening_key(const Key& key) { keys_.push_back(key); }

const RecordCipher::Key* RecordCipher::key_for(std::string_view id_bytes) const {
  for (const Key& k : keys_) {
    if (id_bytes_of(k) == id_bytes) return &k;
  }
  return nullptr;
}

std::optional<std::string> RecordCipher::sealed_key_id(std::string_view data) {
  std::string bin;
  if (is_sealed_text(data)) {
    data.remove_prefix(kTextPrefix.size());
    bin.assign(data.size(), '\0');
    std::size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), data.data(),
                          data.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
      return std::nullopt;
    bin.resize(length);
    data = bin;
  }
  if (data.starts_with(kLegacyMagic)) return std::string();
  if (!data.starts_with(kMagic) || data.size() < kMagic.size() + kKeyId) return std::nullopt;
  return hex_of(data.substr(kMagic.size(), kKeyId));
}

std::string RecordCipher::seal(std::string_view plaintext, std::string_view associated) const {
  const std::size_t head = kMagic.size() + kKeyId;
  std::string out(head + kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  const std::string id = id_bytes_of(keys_.front());
  std::copy(id.begin(), id.end(), out.begin() + static_cast<std::ptrdiff_t>(kMagic.size()));
  unsigned char* nonce = o + head;
  randombytes_buf(nonce, kNonce);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonce, &length, bytes(plaintext),
                                             plaintext.size(), bytes(associated), associated.size(),
                                             nullptr, nonce, keys_.front().data());
  out.resize(head + kNonce + length);
  return out;
}

Result<std::string> RecordCipher::open_sealed(std::string_view sealed,
                                              std::string_view associated) const {
  const bool legacy = sealed.starts_with(kLegacyMagic);
  const std::size_t head = legacy ? kLegacyMagic.size() : kMagic.size() + kKeyId;
  if (!is_sealed(sealed) || sealed.size() < head + kNonce + kTag) {
    return make_error(ErrorCode::internal, "record is not an encrypted MedVision record");
  }
  // The key the record names; a record from before key ids tries each key.
  std::vector<const Key*> candidates;
  if (legacy) {
    for (const Key& k : keys_) candidates.push_back(&k);
  } else if (const Key* k = key_for(sealed.substr(kMagic.size(), kKeyId))) {
    candidates.push_back(k);
  } else {
    return make_error(ErrorCode::internal, "an encrypted record was sealed with key " +
                                               hex_of(sealed.substr(kMagic.size(), kKeyId)) +
                                               ", which is not loaded (this server's key is " +
                                               key_id() + ")");
  }
  const auto* nonce = bytes(sealed) + head;
  const std::size_t cipher_size = sealed.size() - head - kNonce;
  std::string out(cipher_size - kTag, '\0');
  unsigned long long length = 0;
  bool opened = false;
  for (const Key* k : candidates) {
    opened = crypto_aead_xchacha20poly1305_ietf_decrypt(
                 reinterpret_cast<unsigned char*>(out.data()), &length, nullptr, nonce + kNonce,
                 cipher_size, bytes(associated), associated.size(), nonce, k->data()) == 0;
    if (opened) break;
  }
  if (!opened) {
    return make_error(ErrorCode::internal,
                      "an encrypted record does not decrypt: it was altered, or the record key "
                      "(MEDVISION_RECORD_KEY or <data>/record.key) is not the one it was "
                      "written with");
  }
  out.resize(length);
  return out;
}

std::string RecordCipher::seal_text(std::string_view plaintext, std::string_view associated) const {
  const std::string sealed = seal(plaintext, associated);
  const std::size_t size =
      sodium_base64_ENCODED_LEN(sealed.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string b64(size, '\0');
  sodium_bin2base64(b64.data(), size, bytes(sealed), sealed.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(size - 1);  // the terminating NUL
  return std::string(kTextPrefix) + b64;
}

Result<std::string> RecordCipher::open_text(std::string_view sealed,
                                            std::string_view associated) const {
  if (!is_sealed_text(sealed)) {
    return make_error(ErrorCode::internal, "field is not an encrypted MedVision record");
  }
  sealed.remove_prefix(kTextPrefix.size());
  std::string bin(sealed.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), sealed.data(),
                        sealed.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return make_error(ErrorCode::internal, "an encrypted field is not valid base64");
  }
  bin.resize(length);
  return open_sealed(bin, associated);
}

bool RecordCipher::is_sealed(std::string_view data) {
  return data.starts_with(kMagic) || data.starts_with(kLegacyMagic);
}

bool RecordCipher::is_sealed_text(std::string_view text) { return text.starts_with(kTextPrefix); }

}  // namespace medvision
