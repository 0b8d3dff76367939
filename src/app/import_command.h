#pragma once
// `medvision import PATH [--deidentify|--keep-identity] [-o OUT_DIR]`: reads
// a DICOM folder, DICOMDIR or file, or a NIfTI file, de-identifies it unless
// told to keep identity, and writes per series a volume texture
// (volume.json + volume.raw) for the browser, plus summary.json.

#include <CLI/CLI.hpp>

#include "imaging/volume_source.h"

namespace medvision {

void add_import_command(CLI::App& app);

// Progress of loading a volume source on stderr, prefixed with `command`: a
// redrawn bar on a terminal, one line per 10% otherwise (logs, CI).
imaging::SourceProgress stderr_progress(std::string command);

}  // namespace medvision
