#pragma once
// REST routes of the imaging library (docs/api.md, "Imaging library"):
// /api/studies, /api/series/{id}/..., /api/models/{id}...
//
// Roles: the `patient` role sees nothing of the library; trainees and
// instructors see the teaching library; clinicians and admins also see
// patient records, and each patient record they read is audited. Models are
// created by instructors, clinicians and admins.

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

bool is_library_route(const std::vector<std::string>& parts);

Result<HttpResponse> route_library(ApiContext& ctx, const Caller& caller, const HttpRequest& req,
                                   const std::vector<std::string>& parts,
                                   const std::string& remote);

}  // namespace medvision
