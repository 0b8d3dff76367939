// Fuzz target: one DICOM instance from memory through the structural
// preflight, GDCM's parser and decoders, and the series reader's geometry,
// rescale and conversion.

#include <cstdint>
#include <span>

#include "imaging/dicom_series.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto read = medvision::imaging::read_dicom_bytes(
      std::span<const std::uint8_t>(data, size),
      {.allow_irregular_spacing = true, .allow_gantry_tilt = true});
  if (read.ok()) (void)read->volume.range();
  return 0;
}
