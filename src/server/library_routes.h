#pragma once
// REST routes of the imaging library (docs/api.md, "Imaging library"):
// /api/studies, /api/series/{id}/..., /api/models/{id}...
//
// Roles: the `patient` role sees nothing of the library; everyone else sees
// the teaching library; patient studies are seen by the care team of the
// patient record they are filed into (unfiled: their importer and admins),
// and each read is audited. Models are built by instructors, clinicians and
// admins. The routes are registered with the others (server/route_table.h).

#include <memory>
#include <string>
#include <vector>

#include "library/image_library.h"
#include "server/api.h"

namespace medvision {

// The library the server serves: its record key from MEDVISION_RECORD_KEY or
// <data>/record.key; models left `building` by a previous process are marked
// failed; with config.library "bundled", the bundled anatomy is queued.
Result<std::unique_ptr<library::ImageLibrary>> start_image_library(RecordStore& store,
                                                                   const ServerConfig& config);

}  // namespace medvision
