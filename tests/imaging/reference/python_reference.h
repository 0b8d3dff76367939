#pragma once
// Runs a reference reader (pydicom, nibabel) at test time under Debian's
// /usr/bin/python3 and parses the JSON it prints. Shared by the imaging reader
// tests; the scripts live beside this header.

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "imaging/volume.h"

namespace medvision::imaging::testing_reference {

inline const std::filesystem::path kDebianPython = "/usr/bin/python3";

inline std::filesystem::path script(const std::string& name) {
  return std::filesystem::path(MEDVISION_SOURCE_DIR) / "tests/imaging/reference" / name;
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Output of `/usr/bin/python3 SCRIPT ARGS...` (stdout only), or "" when it
// failed to run.
inline std::string run_python(const std::string& script_name,
                              const std::vector<std::string>& args) {
  std::string command =
      shell_quote(kDebianPython.string()) + " " + shell_quote(script(script_name).string());
  for (const auto& a : args) command += " " + shell_quote(a);
  command += " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::string out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0)
    out.append(buffer.data(), n);
  return out;
}

// The JSON the script printed, or a discarded value when it printed none.
inline nlohmann::json run_reference(const std::string& script_name,
                                    const std::vector<std::string>& args) {
  return nlohmann::json::parse(run_python(script_name, args), nullptr, /*allow_exceptions=*/false);
}

inline bool python_available() { return std::filesystem::exists(kDebianPython); }

}  // namespace medvision::imaging::testing_reference
