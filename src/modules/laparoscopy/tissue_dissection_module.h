#pragma once
// The tissue-dissection task (tissue_dissection_run.h) as a box-trainer task
// of the laparoscopy module: its events and signals for the scenario
// (content/scenarios/laparoscopy/tissue-dissection.yaml) and the organ's and
// duct's surfaces for clients.

#include <memory>

#include "modules/laparoscopy/box_trainer_module.h"

namespace medvision::laparoscopy {

std::unique_ptr<BoxTask> make_tissue_dissection_task();

// The organ's mesh id; the duct's is the next.
inline constexpr std::uint32_t kOrganMeshId = 1100;

}  // namespace medvision::laparoscopy
