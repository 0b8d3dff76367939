#pragma once
// Importing a study from a PACS through the same path as a folder import:
// retrieve every instance into a fresh temporary folder, read it with
// imaging::load_volume_source, remove the folder.

#include <filesystem>
#include <string>

#include "core/result.h"
#include "imaging/volume_source.h"
#include "pacs/pacs_client.h"

namespace medvision::pacs {

// Progress is reported as the stage "retrieving" in "instances" while the
// study arrives, then as the folder import's own stages. The temporary
// folder goes under `scratch` (the system temp folder when empty) and is
// removed whatever happens.
Result<imaging::VolumeSource> load_pacs_study(PacsClient& pacs, const std::string& study_uid,
                                              const imaging::SourceProgress& progress = {},
                                              const imaging::VolumeSourceOptions& options = {},
                                              const std::filesystem::path& scratch = {});

}  // namespace medvision::pacs
