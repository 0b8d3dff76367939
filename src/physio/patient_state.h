#pragma once
// PatientState: everything about the patient that changes with time. A plain
// copyable value: copying it is how a session snapshots, rewinds and replays.
// No pointers, no heap: stepping never allocates.

#include <array>
#include <cstdint>

#include "core/random.h"
#include "physio/rhythm.h"

namespace medvision::physio {

enum class Airway : std::uint8_t { open, obstructed, bag_valve_mask, intubated };
inline constexpr int kAirwayCount = 4;

enum class Drug : std::uint8_t { epinephrine, amiodarone, lidocaine };
inline constexpr int kDrugCount = 3;

enum class Fluid : std::uint8_t { crystalloid, blood };
inline constexpr int kFluidCount = 2;

struct CirculationState {
  // Compartment volumes (the integrated state).
  double lv_mL = 0, rv_mL = 0;
  double systemic_arteries_mL = 0, systemic_veins_mL = 0, central_veins_mL = 0;
  double pulmonary_arteries_mL = 0, pulmonary_veins_mL = 0;
  // Pressures of the last substep.
  double lv_mmHg = 0, rv_mmHg = 0, arterial_mmHg = 0, venous_mmHg = 0, central_venous_mmHg = 0;
  double pulmonary_arterial_mmHg = 0, pulmonary_venous_mmHg = 0;
  double beat_elapsed_s = 0;
  double beat_period_s = 60.0 / 72.0;
  double contraction_scale = 1;  // fraction of full contraction this beat (rhythm-dependent)
  double compression_elapsed_s = 0;
  double intrathoracic_mmHg = 0;  // external pressure from chest compressions
};

// Beat-to-beat readings: a window closes at each beat (or after 2 s without one).
struct Measurement {
  double window_s = 0;
  double max_mmHg = -1e9, min_mmHg = 1e9;
  double pressure_integral_mmHg_s = 0;
  double aortic_flow_mL = 0;
  double pulmonary_flow_mL = 0;
  double venous_pressure_integral_mmHg_s = 0;
  int beats = 0;
  // Readings of the last closed window.
  double systolic_mmHg = 0, diastolic_mmHg = 0, map_mmHg = 0, cvp_mmHg = 0;
  double cardiac_output_mL_per_s = 0, pulmonary_flow_mL_per_s = 0, stroke_volume_mL = 0;
};

struct BaroreflexState {
  double sensed_map_mmHg = 0;
  double heart_rate_per_min = 0;
  double contractility_factor = 1;
  double resistance_factor = 1;
  double venous_v0_shift_mL = 0;
};

struct RespirationState {
  double alveolar_o2_mmHg = 0, alveolar_co2_mmHg = 0;
  double arterial_o2_mmHg = 0, arterial_co2_mmHg = 0;
  double arterial_o2_saturation = 0;
  double tissue_co2_mmHg = 0;  // venous blood leaves tissue at this PCO2
  double venous_o2_content_mL_per_mL = 0;
  double sensed_co2_mmHg = 0, sensed_o2_mmHg = 0;  // chemoreceptor inputs (lagged)
  double rate_per_min = 0, tidal_volume_mL = 0;    // breaths actually delivered
  double alveolar_ventilation_mL_per_s = 0;
  double etco2_mmHg = 0;
  double apnoea_timer_s = 0;  // time without perfusion; spontaneous breathing stops after 30 s
};

struct DrugLevels {
  double line_mg = 0;  // given, not yet carried to the central circulation
  double central_mg = 0;
  double peripheral_mg = 0;
  double total_given_mg = 0;
};

struct Infusion {
  double remaining_mL = 0;
  double rate_mL_per_min = 0;
};

struct Interventions {
  double haemorrhage_mL_per_min = 0;
  Infusion crystalloid;
  Infusion blood;
  double fio2 = 0.21;
  double ventilation_rate_per_min = 0;  // 0: no assisted ventilation
  double ventilation_tidal_volume_mL = 0;
  Airway airway = Airway::open;
  bool cpr = false;
  double cpr_depth_mm = 0;
  double cpr_rate_per_min = 0;
  bool forced_tachycardia = false;
};

struct ElectricalState {
  Rhythm rhythm = Rhythm::normal_sinus;
  double rhythm_elapsed_s = 0;
  double no_flow_s = 0;   // arrest without compressions
  double low_flow_s = 0;  // arrest with compressions
  double ecg_mV = 0;
  double vf_phase = 0;
  double vf_amplitude_mV = 0;
  double vf_frequency_hz = 5;
  int shocks = 0;
  // VF/pVT that shocks do not terminate: a megacode's scripted rhythm, which
  // only the scenario changes (AHA megacode testing scripts the rhythm for
  // the team; docs/emergency.md). Drugs and time do not change it either.
  bool refractory = false;
};

struct PatientState {
  std::uint64_t tick = 0;
  double time_s = 0;
  CirculationState circulation;
  Measurement measurement;
  BaroreflexState baroreflex;
  RespirationState respiration;
  std::array<DrugLevels, kDrugCount> drugs{};
  Interventions interventions;
  ElectricalState electrical;
  double red_cell_mL = 0;
  double crystalloid_excess_mL = 0;  // infused crystalloid still to leave the vessels
  double blood_lost_mL = 0;
  SplitMix64 rng;
};

}  // namespace medvision::physio
