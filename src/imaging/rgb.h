#pragma once
// A display colour, 8 bits per channel (sRGB).

#include <array>
#include <cstdint>

namespace medvision::imaging {

using Rgb = std::array<std::uint8_t, 3>;

}  // namespace medvision::imaging
