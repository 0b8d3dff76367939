#pragma once
// Tissue damage: an event when an instrument pulls harder than tissue
// tolerates or when the tissue is stretched past what it tolerates.
//
// Thresholds (defaults), and why:
// - Grasp (retraction) force 5 N. Heijnsdijk, de Visser, Dankelman & Gouma
//   2004 ("Slip and damage properties of jaws of laparoscopic graspers",
//   Surg Endosc 18:974) loaded pig bowel held in grasper jaws with a 5 N
//   pull as the working retraction load; with that pull, pinch forces of
//   15-37 N (depending on the jaw area) already damaged the tissue, and a
//   harder pull needs a harder pinch to hold. We count pulls above 5 N as
//   excessive force on the organ.
// - Edge stretch 1.30 (30% strain). Brunon, Bruyere-Garnier & Coret 2010
//   ("Mechanical characterization of liver capsule through uniaxial
//   quasi-static tensile tests until failure", J Biomech 43:2221) measured a
//   human liver capsule's ultimate local strain as 47 +/- 29%; 30% lies
//   within one standard deviation below the mean, where the first capsules
//   tear.
//
// Events fire on the rising edge and re-arm only when the value falls below
// `rearm_fraction` of its threshold, so a sustained overload is one event,
// not one per step.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/tissue_model.h"
#include "sim/tissue_state.h"

namespace medvision::sim {

struct DamageThresholds {
  Real grasp_force_N = 5.0;
  Real edge_stretch = 1.30;
  Real rearm_fraction = 0.9;
};

enum class DamageCause : std::uint8_t { grasp_force, stretch };
const char* to_string(DamageCause cause);

struct DamageEvent {
  DamageCause cause;
  Real value;      // newtons, or length / rest length
  Real threshold;  // the same unit
  Vec3 where;      // world: the grasp point, or the stretched edge's midpoint
};

// The most stretched edge among those whose two particles `include` marks
// (per particle; empty: all), as length over rest length.
struct StretchPeak {
  Real stretch = 1;
  std::int32_t edge = -1;
  Vec3 midpoint = Vec3::Zero();
};
StretchPeak peak_edge_stretch(const TissueModel& model, const TissueState& state,
                              const std::vector<bool>& include = {});

// Remembers which causes are over their thresholds between steps.
struct DamageMonitor {
  DamageThresholds thresholds;
  bool force_over = false;
  bool stretch_over = false;

  // One check per step: the grasp force magnitude at `grasp_point`, and the
  // stretch peak. Returns the events that start now.
  std::vector<DamageEvent> check(Real grasp_force_N, const Vec3& grasp_point,
                                 const StretchPeak& stretch);
};

}  // namespace medvision::sim
