#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace medvision {
namespace {

const std::vector<std::string> kKeys = {"port", "host", "db"};

std::string write_file(const std::string& text) {
  char name[] = "/tmp/medvision-config-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(Config, CommandLineBeatsEnvironmentBeatsFile) {
  ConfigLayers layers;
  const auto path = write_file("# comment\nport = 7000\nhost = 10.0.0.1\ndb = sqlite:x.db\n");
  ASSERT_TRUE(layers.read_file(path, kKeys).ok());
  std::string env_port = "MEDVISION_PORT=7100";
  std::string env_host = "MEDVISION_HOST=127.0.0.2";
  char* envp[] = {env_port.data(), env_host.data(), nullptr};
  layers.read_environment(kKeys, envp);
  layers.set_command_line("port", "7200");

  EXPECT_EQ(*layers.get_int("port", 8080, 1, 65535), 7200);
  EXPECT_EQ(*layers.get_string("host", "127.0.0.1"), "127.0.0.2");
  EXPECT_EQ(*layers.get_string("db", ""), "sqlite:x.db");
  EXPECT_EQ(layers.find("db")->source, path + ":4");
  std::remove(path.c_str());
}

TEST(Config, DefaultsApplyWhenNothingIsSet) {
  ConfigLayers layers;
  EXPECT_EQ(*layers.get_int("port", 8080, 1, 65535), 8080);
  EXPECT_TRUE(*layers.get_bool("tls-self-signed", true));
}

TEST(Config, BadValuesNameTheirSource) {
  ConfigLayers layers;
  std::string env_port = "MEDVISION_PORT=eighty";
  char* envp[] = {env_port.data(), nullptr};
  layers.read_environment(kKeys, envp);
  const auto port = layers.get_int("port", 8080, 1, 65535);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().message,
            "environment MEDVISION_PORT: expected a whole number from 1 to 65535, got 'eighty'");

  layers.set_command_line("port", "70000");
  EXPECT_FALSE(layers.get_int("port", 8080, 1, 65535).ok());
  layers.set_command_line("host", "maybe");
  EXPECT_FALSE(layers.get_bool("host", false).ok());
}

TEST(Config, FileWithUnknownKeyOrNoEqualsSignIsRejectedWithItsLine) {
  ConfigLayers layers;
  const auto typo = write_file("port = 1\nprot = 2\n");
  const auto s = layers.read_file(typo, kKeys);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, typo + ":2: unknown setting 'prot'");
  const auto garbage = write_file("port 1\n");
  EXPECT_FALSE(layers.read_file(garbage, kKeys).ok());
  EXPECT_EQ(layers.read_file("/nonexistent/medvision.conf", kKeys).error().code,
            ErrorCode::not_found);
  std::remove(typo.c_str());
  std::remove(garbage.c_str());
}

TEST(Config, EnvironmentNamesAreUpperCaseWithUnderscores) {
  EXPECT_EQ(environment_name("tls-self-signed"), "MEDVISION_TLS_SELF_SIGNED");
}

}  // namespace
}  // namespace medvision
