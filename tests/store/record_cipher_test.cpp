// Encryption at rest of patient records (XChaCha20-Poly1305).

#include "store/record_cipher.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace medvision {
namespace {

namespace fs = std::filesystem;

class RecordCipherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path = (fs::temp_directory_path() / "medvision-cipher-XXXXXX").string();
    ASSERT_NE(mkdtemp(path.data()), nullptr);
    dir_ = path;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(RecordCipherTest, KeyFileIsCreatedOwnerOnlyAndReusedOnTheNextOpen) {
  const fs::path key_file = dir_ / "data" / "record.key";
  auto first = RecordCipher::open(key_file, "");
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string sealed = first->seal("Jane Doe, MRN 0042", "stu_1");
  auto second = RecordCipher::open(key_file, "");
  ASSERT_TRUE(second.ok()) << second.error().message;
  auto opened = second->open_sealed(sealed, "stu_1");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "Jane Doe, MRN 0042");
}

TEST_F(RecordCipherTest, SealedBytesHoldNoPlaintextAndDecryptBack) {
  auto cipher = RecordCipher::open(dir_ / "record.key", "");
  ASSERT_TRUE(cipher.ok());
  std::string voxels(100000, '\0');
  for (std::size_t i = 0; i < voxels.size(); ++i) voxels[i] = static_cast<char>(i * 7 % 251);
  const std::string sealed = cipher->seal(voxels, "ser_1.volume.raw");
  // Magic, 8-byte key id, 24-byte nonce, 16-byte tag around a ciphertext of
  // the same size.
  EXPECT_EQ(sealed.size(), voxels.size() + 4 + 8 + 24 + 16);
  EXPECT_EQ(sealed.find(voxels.substr(5000, 32)), std::string::npos);
  EXPECT_NE(sealed.substr(36, 64), voxels.substr(0, 64));
  // Two seals of the same plaintext differ (random nonces).
  EXPECT_NE(cipher->seal(voxels, "ser_1.volume.raw"), sealed);
  auto back = cipher->open_sealed(sealed, "ser_1.volume.raw");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, voxels);
}

TEST_F(RecordCipherTest, AlteredCiphertextWrongRecordOrWrongKeyDoNotDecrypt) {
  auto cipher = RecordCipher::open(dir_ / "record.key", "");
  ASSERT_TRUE(cipher.ok());
  std::string sealed = cipher->seal("Jane Doe", "stu_1");
  EXPECT_FALSE(cipher->open_sealed(sealed, "stu_2").ok());
  auto other = RecordCipher::open(dir_ / "other.key", "");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->open_sealed(sealed, "stu_1").ok());
  sealed[sealed.size() / 2] ^= 1;
  EXPECT_FALSE(cipher->open_sealed(sealed, "stu_1").ok());
}

TEST_F(RecordCipherTest, TextFieldsAreSealedAsPrintableTextAndOpenBack) {
  auto cipher = RecordCipher::open(dir_ / "record.key", "");
  ASSERT_TRUE(cipher.ok());
  const std::string sealed = cipher->seal_text("Doe^Jane", "stu_1.patient_id");
  EXPECT_TRUE(RecordCipher::is_sealed_text(sealed));
  EXPECT_EQ(sealed.find("Doe"), std::string::npos);
  for (char c : sealed) EXPECT_TRUE(std::isprint(static_cast<unsigned char>(c))) << sealed;
  auto back = cipher->open_text(sealed, "stu_1.patient_id");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, "Doe^Jane");
}

TEST_F(RecordCipherTest, EnvironmentKeyIsUsedAndAMalformedOneIsRefused) {
  const std::string hex(64, 'a');
  auto a = RecordCipher::open(dir_ / "unused.key", hex);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "unused.key"));
  auto b = RecordCipher::open(dir_ / "unused.key", hex);
  ASSERT_TRUE(b.ok());
  auto back = b->open_sealed(a->seal("x", "r"), "r");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "x");
  auto bad = RecordCipher::open(dir_ / "unused.key", "abc");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("MEDVISION_RECORD_KEY"), std::string::npos);
}

TEST_F(RecordCipherTest, ASealedRecordNamesItsKeyAndOpensWhileThatKeyIsLoaded) {
  auto old_key = RecordCipher::key_from_file(dir_ / "old.key");
  auto new_key = RecordCipher::key_from_file(dir_ / "new.key");
  ASSERT_TRUE(old_key.ok() && new_key.ok());
  const RecordCipher old_cipher(*old_key);
  RecordCipher rotating(*new_key);
  const std::string sealed = old_cipher.seal_text("Jane Doe", "patient:p1:name");
  EXPECT_EQ(RecordCipher::sealed_key_id(sealed), old_cipher.key_id());
  EXPECT_EQ(old_cipher.key_id().size(), 16u);
  EXPECT_NE(old_cipher.key_id(), rotating.key_id());
  // The new key alone says which key is missing; with the old one loaded it opens.
  const auto missing = rotating.open_text(sealed, "patient:p1:name");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(old_cipher.key_id()), std::string::npos);
  rotating.add_opening_key(*old_key);
  auto opened = rotating.open_text(sealed, "patient:p1:name");
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "Jane Doe");
  // New seals name the new key.
  EXPECT_EQ(RecordCipher::sealed_key_id(rotating.seal("x", "r")), rotating.key_id());
  EXPECT_FALSE(RecordCipher::sealed_key_id("plain text").has_value());
}

TEST_F(RecordCipherTest, RecordsSealedBeforeKeyIdsStillOpen) {
  // An "MVE1" record as earlier versions wrote it: magic, nonce, ciphertext
  // and tag, made here with libsodium itself.
  auto key = RecordCipher::key_from_file(dir_ / "record.key");
  ASSERT_TRUE(key.ok());
  const std::string plain = "Doe^John", ad = "stu_9.title";
  std::string legacy = "MVE1";
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(nonce, sizeof nonce);
  legacy.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  std::string ct(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(ct.data()), &length,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, key->data());
  legacy += ct;
  const RecordCipher cipher(*key);
  EXPECT_EQ(RecordCipher::sealed_key_id(legacy), std::string());
  auto opened = cipher.open_sealed(legacy, ad);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, plain);
}

TEST_F(RecordCipherTest, KeyFileReadableByOthersIsRefused) {
  const fs::path key_file = dir_ / "record.key";
  ASSERT_TRUE(RecordCipher::open(key_file, "").ok());
  fs::permissions(key_file, fs::perms::group_read, fs::perm_options::add);
  auto refused = RecordCipher::open(key_file, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos);
}

}  // namespace
}  // namespace medvision
