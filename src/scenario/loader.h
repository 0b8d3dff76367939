#pragma once
// Reads a scenario from YAML and checks it against its module's catalog.
// Every problem is reported with the file, the line and the field
// ("acls-vf.yaml line 42: `dose_mg` must be a number, got 'one'"), one
// problem per line of the error message, so an author can fix them all at
// once. Malformed or hostile input is an error, never a crash.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "scenario/catalog.h"
#include "scenario/scenario_def.h"

namespace medvision::scenario {

// `source_name` stands for the file in messages ("acls-vf.yaml").
Result<ScenarioDef> parse_scenario(std::string_view yaml_text, std::string_view source_name,
                                   const CatalogRegistry& catalogs);

// Reads the file; messages name it by its file name.
Result<ScenarioDef> load_scenario_file(const std::filesystem::path& path,
                                       const CatalogRegistry& catalogs);

// A module's scenario by id: content_root/scenarios/<catalog.module>/<id>.yaml,
// checked against the module's catalog. Ids are lower-case letters, digits,
// dashes and underscores; a missing file is not_found.
Result<std::shared_ptr<const ScenarioDef>> load_module_scenario(
    const std::filesystem::path& content_root, const Catalog& catalog,
    const std::string& scenario_id);

}  // namespace medvision::scenario
