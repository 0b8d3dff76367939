#include "scenario/spelling.h"

#include <algorithm>
#include <cctype>

namespace medvision::scenario {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.size() > 64) return {};
  // A third of the word's length, at least one edit: catches dropped,
  // doubled and swapped letters without proposing unrelated names.
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  // A name without its unit suffix ("dose" for "dose_mg") is a typo too.
  for (const auto& c : candidates) {
    if (c.size() > word.size() + 1 && c.compare(0, word.size(), word) == 0 && c[word.size()] == '_')
      return c;
  }
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace medvision::scenario
