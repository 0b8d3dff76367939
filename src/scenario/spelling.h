#pragma once
// "did you mean ...?" for names an author mistyped.

#include <string>
#include <string_view>
#include <vector>

namespace medvision::scenario {

// The candidate closest to `word` (edit distance, ignoring case) when it is
// close enough to be a likely typo; empty otherwise.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace medvision::scenario
