// Rescaling raw samples into Volume storage: the integer fast path (integer
// samples, integer slope and intercept) gives what the rescale formula gives,
// and picks the same stored type.

#include "imaging/voxel_rescale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace medvision::imaging::detail {
namespace {

template <class Out>
void expect_values(const ConvertedSamples& c, const std::vector<double>& expected) {
  const auto& got = std::get<std::vector<Out>>(c.storage);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t n = 0; n < got.size(); ++n)
    ASSERT_EQ(static_cast<double>(got[n]), expected[n]) << n;
}

TEST(VoxelRescale, IntegerRescalesGiveTheFormulasValuesInTheSmallestExactType) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> raw_value(0, 4095);
  constexpr std::size_t kRun = 64;
  std::vector<std::uint16_t> raw(3 * kRun);
  for (auto& v : raw) v = static_cast<std::uint16_t>(raw_value(rng));
  struct Case {
    std::vector<LinearRescale> rescales;
    VoxelType type;
  };
  const std::vector<Case> cases = {
      {{{1, -1024}, {1, -1024}, {1, -1024}}, VoxelType::i16},  // CT HU
      {{{1, 0}, {2, 5}, {1, 0}}, VoxelType::i16},              // per-slice slopes
      {{{-1, 0}, {-1, 0}, {-1, 0}}, VoxelType::i16},           // negative slope
      {{{16, 0}, {16, 0}, {16, 0}}, VoxelType::u16},           // past int16, within uint16
      {{{32, -7}, {1, 0}, {1, 0}}, VoxelType::f32},            // fits no 16-bit type
      {{{0.5, 0}, {1, 0}, {1, 0}}, VoxelType::f32},            // not integers
  };
  for (const Case& c : cases) {
    std::vector<double> expected;
    for (std::size_t run = 0; run < 3; ++run)
      for (std::size_t n = 0; n < kRun; ++n)
        expected.push_back(static_cast<double>(raw[run * kRun + n]) * c.rescales[run].slope +
                           c.rescales[run].intercept);
    const RawSamples samples{raw.data(), SampleType::u16, kRun, c.rescales};
    const ConvertedSamples converted = convert_samples(samples);
    ASSERT_EQ(converted.type, c.type) << c.rescales[0].slope << " " << c.rescales[0].intercept;
    if (c.type == VoxelType::i16) expect_values<std::int16_t>(converted, expected);
    if (c.type == VoxelType::u16) expect_values<std::uint16_t>(converted, expected);
    if (c.type == VoxelType::f32) expect_values<float>(converted, expected);
  }
}

TEST(VoxelRescale, SignedThirtyTwoBitSamplesWithAnInterceptStayExact) {
  const std::vector<std::int32_t> raw = {-30000, 0, 12345, 40000};
  const std::vector<LinearRescale> rescale = {{1, 1000}};
  const ConvertedSamples c =
      convert_samples(RawSamples{raw.data(), SampleType::i32, raw.size(), rescale});
  ASSERT_EQ(c.type, VoxelType::f32);  // 41000 exceeds int16, -29000 is below uint16
  expect_values<float>(c, {-29000, 1000, 13345, 41000});
}

TEST(VoxelRescale, NoSamplesGiveAnEmptyInt16Volume) {
  const std::vector<LinearRescale> rescales = {{1, -1024}, {1, -1024}};
  const ConvertedSamples c = convert_samples(RawSamples{nullptr, SampleType::u16, 0, rescales});
  EXPECT_EQ(c.type, VoxelType::i16);
  EXPECT_TRUE(std::get<std::vector<std::int16_t>>(c.storage).empty());
}

}  // namespace
}  // namespace medvision::imaging::detail
