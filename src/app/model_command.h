#pragma once
// `medvision model SOURCE (--threshold VALUE | --labels [FILE] [--names NAMES])
// -o OUT.glb|OUT.stl [--largest] [--smooth N] [--decimate RATIO]`: surface
// models of an image, one isosurface or one named, coloured mesh per label,
// smoothed, decimated and written as glTF binary or STL.

#include <CLI/CLI.hpp>

namespace medvision {

void add_model_command(CLI::App& app);

}  // namespace medvision
