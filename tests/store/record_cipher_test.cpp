// Encryption at rest of patient records (XChaCha20-Poly1305).

#include "store/record_cipher.h"

#include <gtest/gtest.h>
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
  // Magic, 24-byte nonce, 16-byte tag around a ciphertext of the same size.
  EXPECT_EQ(sealed.size(), voxels.size() + 4 + 24 + 16);
  EXPECT_EQ(sealed.find(voxels.substr(5000, 32)), std::string::npos);
  EXPECT_NE(sealed.substr(28, 64), voxels.substr(0, 64));
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
