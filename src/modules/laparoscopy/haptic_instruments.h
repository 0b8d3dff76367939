#pragma once
// Haptic devices at a box trainer's instruments (sim/haptics.h): each
// device runs its own 1 kHz loop, a virtual coupling to a tool proxy
// (Colgate et al. 1995), while the task's physics steps at 100 Hz. Once per
// physics step `exchange` is where the two rates meet: the loop gets what
// the instrument carried in the last step (ToolSample::load_N: the tissue's
// pull on the jaws, its push on the shaft) and the instrument is commanded
// to the proxy.
//
// Devices here are 3-DOF and work in the instrument's tip space (as desktop
// arms in box-trainer simulators do): a device's position is where its
// user puts the instrument's tip (room coordinates), its grip closes the
// jaws. The shaft runs from the port's fulcrum to the tip; the jaws keep a
// fixed roll (closing across the room's x axis).

#include <array>
#include <memory>

#include "device/haptic_thread.h"
#include "modules/laparoscopy/box_trainer_module.h"
#include "sim/haptics.h"

namespace medvision::laparoscopy {

class HapticInstruments {
 public:
  // `devices[t]` may be null: that instrument then stays with the hands.
  HapticInstruments(BoxTask& task, std::array<sim::HapticDevice*, 2> devices,
                    const sim::CouplingSettings& settings = {});

  // Before each physics step of the task.
  void exchange();

  bool has(int tool) const { return loops_[static_cast<std::size_t>(tool)] != nullptr; }
  sim::HapticLoop& loop(int tool) { return *loops_[static_cast<std::size_t>(tool)]; }
  // Runs every device's loop on its own thread (src/device), or stops them.
  void start();
  void stop();

 private:
  BoxTask& task_;
  std::array<std::unique_ptr<sim::HapticLoop>, 2> loops_;
  std::array<std::unique_ptr<device::HapticThread>, 2> threads_;
};

}  // namespace medvision::laparoscopy
