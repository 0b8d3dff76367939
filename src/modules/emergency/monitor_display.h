#pragma once
// What the patient monitor in the room shows, as opposed to the physiology
// underneath it (the `vitals` event carries both: the truth for plots and
// research, `monitor` for the screen). A real monitor shows:
// - heart rate counted from QRS complexes: none in VF or asystole;
// - SpO2 only with a pulsatile pleth: none without a perfusing rhythm (pulse
//   oximetry needs pulsatile arterial flow; AHA 2020 Part 3 names no role for
//   it during CPR);
// - respiratory rate from breaths detected: the ventilator's or bag's rate
//   when ventilated, none in cardiac arrest (no spontaneous breathing);
// - non-invasive blood pressure measured by a cuff on a cycle (every 3
//   minutes here, a common default), held between measurements with the time
//   it was taken; a measurement in arrest fails (no oscillations);
// - the code timer (from the onset of arrest, held at ROSC), the CPR cycle
//   timer (since compressions last started, for the 2-minute rhythm checks)
//   and the number of shocks, as defibrillator-monitors show them.

#include <nlohmann/json.hpp>
#include <optional>

#include "physio/patient_state.h"
#include "physio/vitals.h"

namespace medvision::emergency {

inline constexpr double kNibpCycle_s = 180.0;

struct NibpReading {
  double systolic_mmHg = 0, diastolic_mmHg = 0, map_mmHg = 0;
  double measured_at_s = 0;
  bool failed = false;  // taken in arrest: no reading
};

class MonitorDisplay {
 public:
  // The monitor's fields for the sample at `t_s` (physiology time).
  nlohmann::json sample(const physio::Vitals& v, const physio::PatientState& s, double t_s);

 private:
  std::optional<double> arrest_onset_s_;
  std::optional<double> rosc_at_s_;
  std::optional<double> cpr_started_s_;
  std::optional<NibpReading> nibp_;
  double next_nibp_s_ = 0;
};

}  // namespace medvision::emergency
