#include "imaging/voxel_rescale.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

namespace medvision::imaging::detail {
namespace {

template <class T>
T load(const void* raw, std::size_t index) {
  T value;
  std::memcpy(&value, static_cast<const unsigned char*>(raw) + index * sizeof(T), sizeof(T));
  return value;
}

// Calls f(index, rescaled value) for every sample.
template <class Raw, class F>
void for_each_rescaled(const RawSamples& s, F&& f) {
  std::size_t index = 0;
  for (const LinearRescale& r : s.rescales) {
    for (std::size_t n = 0; n < s.run_length; ++n, ++index) {
      f(index, static_cast<double>(load<Raw>(s.raw, index)) * r.slope + r.intercept);
    }
  }
}

// Whether every sample rescales to an integer computable in 64-bit integer
// arithmetic: integer raw samples of at most 32 bits, slopes and intercepts
// that are integers of modest size.
template <class Raw>
bool integer_rescales(const RawSamples& s) {
  if constexpr (!std::is_integral_v<Raw> || sizeof(Raw) > 4) {
    (void)s;
    return false;
  } else {
    return std::all_of(s.rescales.begin(), s.rescales.end(), [](const LinearRescale& r) {
      return r.slope == std::floor(r.slope) && r.intercept == std::floor(r.intercept) &&
             std::abs(r.slope) <= 65536 && std::abs(r.intercept) <= 1e12;
    });
  }
}

// Smallest and largest raw sample of one run.
template <class Raw>
std::pair<Raw, Raw> raw_range(const RawSamples& s, std::size_t run) {
  Raw lo = std::numeric_limits<Raw>::max();
  Raw hi = std::numeric_limits<Raw>::lowest();
  const std::size_t begin = run * s.run_length;
  for (std::size_t n = begin; n < begin + s.run_length; ++n) {
    const Raw v = load<Raw>(s.raw, n);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return {lo, hi};
}

template <class Raw>
VoxelType choose_type(const RawSamples& s) {
  const bool identity =
      std::all_of(s.rescales.begin(), s.rescales.end(), [](const auto& r) { return r.identity(); });
  if (identity) {
    if constexpr (std::is_same_v<Raw, std::uint8_t>) return VoxelType::u8;
    if constexpr (std::is_same_v<Raw, std::int16_t>) return VoxelType::i16;
    if constexpr (std::is_same_v<Raw, std::uint16_t>) return VoxelType::u16;
  }
  bool integral = true;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  if (integer_rescales<Raw>(s)) {
    // Integer samples under integer slopes and intercepts (CT's usual 1 and
    // -1024) give integers; each run's range follows from its raw range.
    for (std::size_t run = 0; run < s.rescales.size() && s.run_length > 0; ++run) {
      const auto [raw_lo, raw_hi] = raw_range<Raw>(s, run);
      const LinearRescale& r = s.rescales[run];
      const double a = static_cast<double>(raw_lo) * r.slope + r.intercept;
      const double b = static_cast<double>(raw_hi) * r.slope + r.intercept;
      lo = std::min({lo, a, b});
      hi = std::max({hi, a, b});
    }
  } else {
    for_each_rescaled<Raw>(s, [&](std::size_t, double v) {
      if (v != std::floor(v)) integral = false;  // also false for NaN and infinities
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    });
  }
  if (!integral) return VoxelType::f32;
  if (lo > hi) return VoxelType::i16;  // no samples
  if (identity && std::is_same_v<Raw, std::int8_t>) return VoxelType::i16;
  if (lo >= 0 && hi <= 255 && std::is_same_v<Raw, std::uint8_t>) return VoxelType::u8;
  if (lo >= std::numeric_limits<std::int16_t>::min() &&
      hi <= std::numeric_limits<std::int16_t>::max())
    return VoxelType::i16;
  if (lo >= 0 && hi <= std::numeric_limits<std::uint16_t>::max()) return VoxelType::u16;
  return VoxelType::f32;
}

template <class Out, class Raw>
std::vector<Out> fill(const RawSamples& s) {
  std::vector<Out> out(s.run_length * s.rescales.size());
  if constexpr (std::is_integral_v<Out>) {
    if (integer_rescales<Raw>(s)) {
      // Exact in 64-bit integers; choose_type has checked the range fits Out.
      std::size_t index = 0;
      for (const LinearRescale& r : s.rescales) {
        const auto slope = static_cast<std::int64_t>(r.slope);
        const auto intercept = static_cast<std::int64_t>(r.intercept);
        for (std::size_t n = 0; n < s.run_length; ++n, ++index)
          out[index] = static_cast<Out>(static_cast<std::int64_t>(load<Raw>(s.raw, index)) * slope +
                                        intercept);
      }
      return out;
    }
  }
  for_each_rescaled<Raw>(s, [&](std::size_t i, double v) { out[i] = static_cast<Out>(v); });
  return out;
}

template <class Raw>
ConvertedSamples convert_typed(const RawSamples& s) {
  ConvertedSamples out;
  out.type = choose_type<Raw>(s);
  switch (out.type) {
    case VoxelType::u8:
      out.storage = fill<std::uint8_t, Raw>(s);
      break;
    case VoxelType::i16:
      out.storage = fill<std::int16_t, Raw>(s);
      break;
    case VoxelType::u16:
      out.storage = fill<std::uint16_t, Raw>(s);
      break;
    case VoxelType::f32:
      out.storage = fill<float, Raw>(s);
      break;
  }
  return out;
}

}  // namespace

std::size_t sample_size(SampleType type) {
  switch (type) {
    case SampleType::u8:
    case SampleType::i8:
      return 1;
    case SampleType::u16:
    case SampleType::i16:
      return 2;
    case SampleType::u32:
    case SampleType::i32:
    case SampleType::f32:
      return 4;
    case SampleType::u64:
    case SampleType::i64:
    case SampleType::f64:
      return 8;
  }
  return 1;
}

ConvertedSamples convert_samples(const RawSamples& s) {
  switch (s.type) {
    case SampleType::u8:
      return convert_typed<std::uint8_t>(s);
    case SampleType::i8:
      return convert_typed<std::int8_t>(s);
    case SampleType::u16:
      return convert_typed<std::uint16_t>(s);
    case SampleType::i16:
      return convert_typed<std::int16_t>(s);
    case SampleType::u32:
      return convert_typed<std::uint32_t>(s);
    case SampleType::i32:
      return convert_typed<std::int32_t>(s);
    case SampleType::u64:
      return convert_typed<std::uint64_t>(s);
    case SampleType::i64:
      return convert_typed<std::int64_t>(s);
    case SampleType::f32:
      return convert_typed<float>(s);
    case SampleType::f64:
      return convert_typed<double>(s);
  }
  return {};
}

Volume make_volume(Geometry geometry, ConvertedSamples samples, ValueUnit unit) {
  const Dims dims = geometry.dims;
  geometry.dims = {0, 0, 0};
  Volume volume(std::move(geometry), samples.type, unit);
  volume.geometry().dims = dims;
  volume.storage() = std::move(samples.storage);
  return volume;
}

void swap_bytes(void* data, std::size_t count, std::size_t size) {
  auto* bytes = static_cast<unsigned char*>(data);
  for (std::size_t i = 0; i < count; ++i) std::reverse(bytes + i * size, bytes + (i + 1) * size);
}

}  // namespace medvision::imaging::detail
