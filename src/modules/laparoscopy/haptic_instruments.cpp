#include "modules/laparoscopy/haptic_instruments.h"

#include "modules/laparoscopy/scripted_trainee.h"

namespace medvision::laparoscopy {

HapticInstruments::HapticInstruments(BoxTask& task, std::array<sim::HapticDevice*, 2> devices,
                                     const sim::CouplingSettings& settings)
    : task_(task) {
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    if (devices[i] == nullptr) continue;
    loops_[i] = std::make_unique<sim::HapticLoop>(*devices[i], settings, task.sample(t).tip);
    threads_[i] = std::make_unique<device::HapticThread>(*loops_[i]);
  }
}

void HapticInstruments::exchange() {
  for (int t = 0; t < 2; ++t) {
    const auto i = static_cast<std::size_t>(t);
    if (!loops_[i]) continue;
    sim::ContactModel contact;
    contact.load_N = task_.sample(t).load_N;
    const sim::Vec3 tip = loops_[i]->exchange(contact);
    const sim::TrocarPort& port = task_.box().trainer().ports[i];
    const sim::Vec3 shaft = (tip - port.fulcrum).normalized();
    // The grip is read from the loop's last device sample: the device is
    // polled only by its loop, never from the physics thread.
    const bool closed = loops_[i]->last_sample().grip >= 0.5;
    task_.command(
        t,
        HandCommand{handle_for_tip(port, tip),
                    grip_from_handle(sim::Quat(frame_across(shaft, sim::Vec3::UnitX()))), closed});
  }
}

void HapticInstruments::start() {
  for (auto& thread : threads_)
    if (thread) thread->start();
}

void HapticInstruments::stop() {
  for (auto& thread : threads_)
    if (thread) thread->stop();
}

}  // namespace medvision::laparoscopy
