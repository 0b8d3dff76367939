#pragma once
// A test that compares against something outside the repository (Debian's
// /usr/bin/python3 with pydicom or nibabel, a Debian data package, Orthanc,
// gltf-validator in web/node_modules) states it with MV_REQUIRE_PEER. When the
// peer is missing the test is skipped on a developer's machine, but fails when
// MEDVISION_REQUIRE_PEERS is set and not 0 (scripts/run-tests sets it to 1):
// there a skipped comparison would pass a run that compared nothing.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace medvision::test {

inline bool peers_required() {
  const char* value = std::getenv("MEDVISION_REQUIRE_PEERS");
  return value != nullptr && *value != '\0' && std::string_view(value) != "0";
}

}  // namespace medvision::test

// condition: the peer is there; missing: what is missing and the Debian
// package (or command) that provides it. Returns from the calling function
// (a test body or SetUp) when the peer is missing.
#define MV_REQUIRE_PEER(condition, missing)                                         \
  do {                                                                              \
    if (condition) break;                                                           \
    if (::medvision::test::peers_required())                                        \
      GTEST_FAIL() << "missing " << missing << " (MEDVISION_REQUIRE_PEERS is set)"; \
    GTEST_SKIP() << "missing " << missing;                                          \
  } while (false)
