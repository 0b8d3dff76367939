#pragma once
// Window/level: mapping stored values (CT: Hounsfield units) to grey levels.

#include <optional>
#include <span>
#include <string_view>

#include "imaging/volume.h"

namespace medvision::imaging {

struct WindowLevel {
  std::string_view name;
  double width = 1;
  double centre = 0;
};

// Usual CT presets (width / level in HU), as tabulated by Radiopaedia,
// "Windowing (CT)" (radiopaedia.org/articles/windowing-ct): brain 80/40, soft
// tissue 400/40 (350-400 / 20-60), lung 1500/-600, bone 1800/400.
namespace window_presets {
inline constexpr WindowLevel ct_brain{"ct_brain", 80, 40};
inline constexpr WindowLevel ct_soft_tissue{"ct_soft_tissue", 400, 40};
inline constexpr WindowLevel ct_lung{"ct_lung", 1500, -600};
inline constexpr WindowLevel ct_bone{"ct_bone", 1800, 400};
// -1000..+2000 HU: air to dense bone, for volume textures that the client's
// transfer functions window again (a narrow window here would clamp them).
inline constexpr WindowLevel ct_wide{"ct_wide", 3001, 500.5};
}  // namespace window_presets

std::span<const WindowLevel> all_window_presets();
std::optional<WindowLevel> find_window_preset(std::string_view name);

// DICOM PS3.3 C.11.2.1.2.1, the LINEAR VOI LUT function, onto [0, 255]:
// values at or below c - 0.5 - (w - 1) / 2 give 0, values above
// c - 0.5 + (w - 1) / 2 give 255, linear in between.
double window_value(double value, const WindowLevel& window);
// The values that map to grey 0 and 255.
double window_low(const WindowLevel& window);
double window_high(const WindowLevel& window);

// The whole volume through the window, as uint8 grey levels (same geometry).
Volume apply_window(const Volume& volume, const WindowLevel& window);

}  // namespace medvision::imaging
