#include "physio/rhythm.h"

#include <array>
#include <string>

namespace medvision::physio {
namespace {

constexpr std::array<std::string_view, kRhythmCount> kNames = {
    "normal_sinus", "sinus_tachycardia", "vf_coarse", "vf_fine", "pulseless_vt", "pea", "asystole",
};

}  // namespace

std::string_view to_string(Rhythm rhythm) { return kNames[static_cast<std::size_t>(rhythm)]; }

Result<Rhythm> parse_rhythm(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Rhythm>(i);
  }
  return make_error(ErrorCode::invalid_input,
                    "unknown rhythm '" + std::string(name) +
                        "'; expected one of normal_sinus, sinus_tachycardia, vf_coarse, vf_fine, "
                        "pulseless_vt, pea, asystole");
}

bool is_perfusing(Rhythm rhythm) { return is_sinus(rhythm); }

bool is_shockable(Rhythm rhythm) {
  return rhythm == Rhythm::vf_coarse || rhythm == Rhythm::vf_fine || rhythm == Rhythm::pulseless_vt;
}

bool is_sinus(Rhythm rhythm) {
  return rhythm == Rhythm::normal_sinus || rhythm == Rhythm::sinus_tachycardia;
}

}  // namespace medvision::physio
