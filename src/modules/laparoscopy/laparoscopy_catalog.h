#pragma once
// The laparoscopy module's catalog: the events its box trainer writes
// (grasps, transfers, drops, placements) and the signals triggers read
// (objects per side, drops). Scenarios under content/scenarios/laparoscopy
// are checked against it when they load.

#include "scenario/catalog.h"

namespace medvision::laparoscopy {

scenario::Catalog laparoscopy_catalog();

}  // namespace medvision::laparoscopy
