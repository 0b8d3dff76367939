#pragma once
// The emergency module's catalog: what its scenarios may do to the patient,
// which events the module writes and which vital signs triggers may read.
// It lives here until src/modules/emergency exists; the runtime itself
// knows nothing of it.

#include "scenario/catalog.h"

namespace medvision::scenario {

// Rhythm names as files and triggers spell them.
const std::vector<std::string>& emergency_rhythms();

Catalog emergency_catalog();

}  // namespace medvision::scenario
