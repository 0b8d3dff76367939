#pragma once
// `medvision pacs echo URL` and `medvision pacs find URL [--patient NAME]
// [--patient-id ID] [--date YYYYMMDD[-YYYYMMDD]] [--study UID]`: check that
// a PACS answers and list its studies, to pick one for
// `medvision import --pacs URL --study UID`.

#include <CLI/CLI.hpp>

namespace medvision {

void add_pacs_command(CLI::App& app);

}  // namespace medvision
