#pragma once
// A structural check of a DICOM file before GDCM parses it: every element's
// value must fit in the bytes that follow it, sequences may nest only so deep,
// and a deflated dataset may inflate only so far. GDCM trusts declared lengths
// (a 40-byte file can ask it for a 4 GiB value) and parses nested sequences
// recursively, so hostile files are stopped here with a clear message.
// Not part of the public imaging API.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

#include "core/result.h"

namespace medvision::imaging::detail {

inline constexpr int kMaxSequenceDepth = 64;
inline constexpr std::size_t kMaxElements = 4'000'000;
inline constexpr std::size_t kMaxInflatedBytes = std::size_t{512} << 20;

Status preflight_dicom(std::span<const std::uint8_t> bytes);
Status preflight_dicom_file(const std::filesystem::path& path);

}  // namespace medvision::imaging::detail
