#include "imaging/window.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace medvision::imaging {
namespace {

constexpr std::array<WindowLevel, 4> presets{window_presets::ct_bone,
                                             window_presets::ct_soft_tissue,
                                             window_presets::ct_lung, window_presets::ct_brain};

}  // namespace

std::span<const WindowLevel> all_window_presets() { return presets; }

std::optional<WindowLevel> find_window_preset(std::string_view name) {
  for (const WindowLevel& w : presets) {
    if (w.name == name) return w;
  }
  return std::nullopt;
}

double window_low(const WindowLevel& w) {
  return w.centre - 0.5 - (std::max(w.width, 1.0) - 1) / 2;
}
double window_high(const WindowLevel& w) {
  return w.centre - 0.5 + (std::max(w.width, 1.0) - 1) / 2;
}

double window_value(double value, const WindowLevel& w) {
  const double width = std::max(w.width, 1.0);  // PS3.3: width shall be >= 1
  if (value <= window_low(w)) return 0;
  if (value > window_high(w)) return 255;
  return ((value - (w.centre - 0.5)) / (width - 1) + 0.5) * 255.0;
}

Volume apply_window(const Volume& volume, const WindowLevel& window) {
  Volume out(volume.geometry(), VoxelType::u8, ValueUnit::intensity);
  auto& dst = out.data<std::uint8_t>();
  std::visit(
      [&](const auto& src) {
        for (std::size_t n = 0; n < src.size(); ++n) {
          dst[n] = static_cast<std::uint8_t>(
              std::lround(window_value(static_cast<double>(src[n]), window)));
        }
      },
      volume.storage());
  out.modality = volume.modality;
  out.description = volume.description;
  return out;
}

}  // namespace medvision::imaging
