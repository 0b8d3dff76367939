#pragma once
// The laparoscopy module's FLS pattern-cutting task: the box trainer's
// shared session module (box_trainer_module.h) over the pattern-cutting run
// (pattern_cutting_run.h), with the gauze as a deformable mesh for clients.

#include <memory>

#include "modules/laparoscopy/box_trainer_module.h"

namespace medvision::laparoscopy {

std::unique_ptr<BoxTask> make_pattern_cutting_task();

}  // namespace medvision::laparoscopy
