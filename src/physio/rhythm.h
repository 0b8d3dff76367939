#pragma once
// Cardiac rhythms: what the monitor shows and whether the heart pumps.

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace medvision::physio {

enum class Rhythm : std::uint8_t {
  normal_sinus,
  sinus_tachycardia,
  vf_coarse,
  vf_fine,
  pulseless_vt,
  pea,
  asystole,
};

inline constexpr int kRhythmCount = 7;

// Stable names used in files, logs and scenario triggers ("vf_coarse").
std::string_view to_string(Rhythm rhythm);
Result<Rhythm> parse_rhythm(std::string_view name);

// A perfusing rhythm has organised contraction that ejects blood.
bool is_perfusing(Rhythm rhythm);
// AHA 2020 adult cardiac arrest algorithm: VF and pVT are shockable.
bool is_shockable(Rhythm rhythm);
bool is_sinus(Rhythm rhythm);

}  // namespace medvision::physio
