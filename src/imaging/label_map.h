#pragma once
// Label maps: a volume of integer labels with a name and colour for each
// value, as atlases (AAL, Brodmann) and segmentations come.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "imaging/rgb.h"
#include "imaging/volume.h"

namespace medvision::imaging {

struct LabelEntry {
  int value = 0;
  std::string name;
  Rgb rgb{255, 255, 255};
  std::string code;  // the atlas's own code when it has one (AAL: 2001 for Precentral_L)
};

struct LabelMap {
  Volume labels;  // integer values; 0 is background
  std::vector<LabelEntry> entries;

  const LabelEntry* find(int value) const;
};

// Names in the AAL style, one `index name [code]` per line (e.g.
// /usr/share/mricron/templates/aal.nii.txt). Blank lines and lines starting
// with '#' are skipped; colours come from distinct_colour by line order.
Result<std::vector<LabelEntry>> parse_label_names(std::string_view text);
Result<std::vector<LabelEntry>> read_label_names(const std::filesystem::path& path);

// The n-th of a deterministic sequence of distinct, well separated colours:
// hues step by the golden angle, with saturation and value alternating.
Rgb distinct_colour(int n);

}  // namespace medvision::imaging
