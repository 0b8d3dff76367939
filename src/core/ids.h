#pragma once
// Identifiers: random, URL-safe, hard to guess (they appear in URLs and must
// not reveal how many records exist). Tokens are longer secrets.

#include <cstddef>
#include <string>

namespace medvision {

// A new identifier: `prefix` + 20 base32 characters (100 random bits).
std::string new_id(const char* prefix);

// A new secret of `bytes` random bytes, hex-encoded.
std::string new_secret(std::size_t bytes = 32);

}  // namespace medvision
