// `medvision physio simulate`: action files and the CSV it writes.

#include "app/physio_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace medvision::physio_cli {
namespace {

std::string error_of(const std::string& yaml) {
  const auto r = parse_actions(yaml, "actions.yaml");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

TEST(ActionFile, ParsesTimedActionsInTimeOrder) {
  const auto r = parse_actions(
      "- at_s: 120\n  action: drug\n  drug: epinephrine\n  dose_mg: 1\n"
      "- at_s: 60\n  action: haemorrhage\n  rate_mL_per_min: 100\n",
      "actions.yaml");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].action, "haemorrhage");
  EXPECT_EQ((*r)[0].args.numbers.at("rate_mL_per_min"), 100.0);
  EXPECT_EQ((*r)[1].args.words.at("drug"), "epinephrine");
  EXPECT_EQ((*r)[1].line, 1);
}

TEST(ActionFile, WrongTypeNamesLineAndField) {
  EXPECT_EQ(error_of("- at_s: 0\n  action: rhythm\n  rhythm: vf_coarse\n"
                     "- at_s: 60\n  action: haemorrhage\n  rate_mL_per_min: fast\n"),
            "actions.yaml line 6: `rate_mL_per_min` must be a number, got 'fast'");
}

TEST(ActionFile, UnknownActionAndFieldAreNamed) {
  EXPECT_NE(error_of("- at_s: 1\n  action: teleport\n").find("line 2: unknown action 'teleport'"),
            std::string::npos);
  EXPECT_NE(
      error_of("- at_s: 1\n  action: oxygen\n  fio: 0.5\n").find("line 3: unknown field `fio`"),
      std::string::npos);
  EXPECT_NE(error_of("- at_s: 1\n  action: oxygen\n").find("needs `fio2`"), std::string::npos);
  EXPECT_NE(error_of("- action: oxygen\n  fio2: 1\n").find("missing `at_s`"), std::string::npos);
  EXPECT_NE(error_of("at_s: 1\n").find("expected a list"), std::string::npos);
  EXPECT_NE(error_of("- at_s: [1\n").find("not valid YAML"), std::string::npos);
  EXPECT_NE(error_of("- at_s: .nan\n  action: cpr_stop\n").find("`at_s` must be a number"),
            std::string::npos);
}

TEST(ActionFile, ShippedExamplesParse) {
  for (const char* name : {"haemorrhage-and-resuscitation.yaml", "vf-arrest-acls.yaml"}) {
    const auto r = read_action_file(std::string(MEDVISION_SOURCE_DIR) + "/content/physio/" + name);
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().message);
  }
}

TEST(Simulate, WritesOneRowPerSecondWithAHeader) {
  const auto dir = std::filesystem::temp_directory_path() / "mv_physio_cli_test";
  std::filesystem::create_directories(dir);
  const std::string actions = (dir / "a.yaml").string();
  std::ofstream(actions) << "- at_s: 30\n  action: haemorrhage\n  rate_mL_per_min: 500\n";
  SimulateOptions o;
  o.minutes = 2;
  o.actions_file = actions;
  o.csv_file = (dir / "out.csv").string();
  o.svg_file = (dir / "out.svg").string();
  std::FILE* log = std::tmpfile();
  const Status s = run_simulate(o, log);
  std::fclose(log);
  ASSERT_TRUE(s.ok()) << s.error().message;
  std::ifstream csv(o.csv_file);
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("time_s,heart_rate_per_min,systolic_mmHg,diastolic_mmHg,map_mmHg,", 0),
            0u);
  EXPECT_NE(header.find(",blood_volume_mL,"), std::string::npos);
  EXPECT_EQ(header.substr(header.size() - 7), ",rhythm");
  int rows = 0;
  std::string line, last;
  while (std::getline(csv, line)) {
    ++rows;
    last = line;
  }
  EXPECT_EQ(rows, 121);
  EXPECT_EQ(last.rfind("120,", 0), 0u);
  EXPECT_TRUE(std::filesystem::file_size(o.svg_file) > 1000);
}

TEST(Simulate, BadValueInActionFileFailsBeforeRunning) {
  const auto dir = std::filesystem::temp_directory_path() / "mv_physio_cli_test";
  std::filesystem::create_directories(dir);
  const std::string actions = (dir / "bad.yaml").string();
  std::ofstream(actions) << "- at_s: 5\n  action: drug\n  drug: epinephrine\n  dose_mg: -1\n";
  SimulateOptions o;
  o.minutes = 1;
  o.actions_file = actions;
  o.csv_file = (dir / "bad.csv").string();
  const Status s = run_simulate(o, stderr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("bad.yaml line 1: epinephrine dose must be between 0 and 10 mg"),
            std::string::npos)
      << s.error().message;
}

}  // namespace
}  // namespace medvision::physio_cli
