#pragma once
// De-identification by the DICOM PS3.15 Annex E Basic Application Level
// Confidentiality Profile: the attributes of Table E.1-1 are removed,
// emptied or replaced, private attributes are removed, and UIDs are replaced
// by UIDs derived from them with a per-import secret, so that references
// between the files of one import stay consistent (same input UID, same
// output UID) while nobody without the secret can link them back.
//
// Pixels are not changed: burned-in text (Burned In Annotation YES,
// Secondary Capture, ultrasound) is reported for a person to review.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/dicom_series.h"

namespace medvision::imaging {

// Replaces UIDs deterministically: 2.25.<decimal of a UUID> (PS3.5 B.2), the
// UUID taken from a keyed BLAKE2b hash of the original UID with the secret
// as key (RFC 9562 version 8, custom). At most 44 characters.
class UidMapper {
 public:
  explicit UidMapper(std::string secret);
  std::string map(const std::string& uid) const;

 private:
  std::string key_;
};

struct DeidentifySummary {
  std::vector<std::string>
      removed;  // "(0010,1040) Patient's Address", nested ones prefixed with their sequence
  std::vector<std::string> emptied;   // kept with an empty value (Type 2 attributes)
  std::vector<std::string> replaced;  // UIDs remapped, dummy values written
  std::size_t private_removed = 0;
  bool burned_in_annotation = false;  // the pixels may still show identity
  std::vector<std::string> warnings;
};

// Reads `input`, de-identifies it, writes the result to `output`.
Result<DeidentifySummary> deidentify_file(const std::filesystem::path& input,
                                          const std::filesystem::path& output,
                                          const UidMapper& uids);

// Applies the same profile to what the series reader kept: the description
// is removed (Series Description is X in Table E.1-1), UIDs are remapped.
void deidentify(SeriesVolume& series, const UidMapper& uids);

}  // namespace medvision::imaging
