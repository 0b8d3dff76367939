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

constexpr std::string_view kMagic = "MVE1";
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

std::string RecordCipher::seal(std::string_view plaintext, std::string_view associated) const {
  std::string out(kMagic.size() + kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  unsigned char* nonce = o + kMagic.size();
  randombytes_buf(nonce, kNonce);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonce, &length, bytes(plaintext),
                                             plaintext.size(), bytes(associated), associated.size(),
                                             nullptr, nonce, key_.data());
  out.resize(kMagic.size() + kNonce + length);
  return out;
}

Result<std::string> RecordCipher::open_sealed(std::string_view sealed,
                                              std::string_view associated) const {
  if (!is_sealed(sealed) || sealed.size() < kMagic.size() + kNonce + kTag) {
    return make_error(ErrorCode::internal, "record is not an encrypted MedVision record");
  }
  const auto* nonce = bytes(sealed) + kMagic.size();
  const std::size_t cipher_size = sealed.size() - kMagic.size() - kNonce;
  std::string out(cipher_size - kTag, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &length, nullptr, nonce + kNonce,
          cipher_size, bytes(associated), associated.size(), nonce, key_.data()) != 0) {
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

bool RecordCipher::is_sealed(std::string_view data) { return data.starts_with(kMagic); }

bool RecordCipher::is_sealed_text(std::string_view text) { return text.starts_with(kTextPrefix); }

}  // namespace medvision
