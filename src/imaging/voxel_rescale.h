#pragma once
// Converting raw samples read from a file (DICOM pixel data, NIfTI voxels)
// into Volume storage, with a linear rescale (DICOM Rescale Slope/Intercept,
// NIfTI scl_slope/scl_inter). Shared by the DICOM and NIfTI readers; not part
// of the public imaging API.
//
// The stored type is the smallest exact one: raw uint8/int16/uint16 without a
// rescale stay as they are; otherwise int16 (then uint16) when every rescaled
// value is an integer the type holds (CT: HU in int16), else float32.

#include <cstddef>
#include <cstdint>
#include <span>

#include "imaging/volume.h"

namespace medvision::imaging::detail {

enum class SampleType { u8, i8, u16, i16, u32, i32, u64, i64, f32, f64 };

std::size_t sample_size(SampleType type);

struct LinearRescale {
  double slope = 1.0;
  double intercept = 0.0;
  bool identity() const { return slope == 1.0 && intercept == 0.0; }
};

// Raw samples in native byte order, split into equal runs (`run_length`
// samples each, e.g. one DICOM slice) that each carry their own rescale.
// `rescales.size() * run_length` samples are read from `raw`.
struct RawSamples {
  const void* raw = nullptr;
  SampleType type = SampleType::u8;
  std::size_t run_length = 0;
  std::span<const LinearRescale> rescales;
};

struct ConvertedSamples {
  VoxelType type = VoxelType::u8;
  Volume::Storage storage;
};

ConvertedSamples convert_samples(const RawSamples& samples);

// A Volume of `geometry` that takes ownership of converted samples (no second
// allocation).
Volume make_volume(Geometry geometry, ConvertedSamples samples, ValueUnit unit);

// Swaps the byte order of `count` samples of `size` bytes in place.
void swap_bytes(void* data, std::size_t count, std::size_t size);

}  // namespace medvision::imaging::detail
