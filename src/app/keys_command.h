#pragma once
// `medvision keys rotate --new-key-file FILE [--db URL] [--data DIR]
// [--key-file FILE]`: re-encrypts every sealed record (patients' identifying
// fields, patient studies' fields, series descriptions and blobs) under a new
// record key, with progress. Each sealed record names its key, so an
// interrupted rotation is resumed by running the command again.

#include <CLI/CLI.hpp>

namespace medvision {

void add_keys_command(CLI::App& app);

}  // namespace medvision
