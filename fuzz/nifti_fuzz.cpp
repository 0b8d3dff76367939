// Fuzz target: a NIfTI-1/NIfTI-2 file (plain or gzip) from memory, first and
// second volume.

#include <cstdint>
#include <span>

#include "imaging/nifti_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  for (std::int64_t index : {0, 1}) {
    const auto read = medvision::imaging::read_nifti(bytes, {.volume_index = index});
    if (read.ok()) (void)read->volume.range();
  }
  return 0;
}
