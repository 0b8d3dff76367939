#pragma once
// Shared by the scenario tests: a small catalog for runtime tests and the
// registry with it and the emergency catalog.

#include <map>
#include <string>
#include <vector>

#include "scenario/catalog.h"
#include "scenario/loader.h"
#include "scenario/run.h"

namespace medvision::scenario::testing {

// Module `test`: signal `level` (0-100), `mode` (calm|busy); events `poke
// {kind: x|y}` and `tap`; action `do_thing {amount 0-10}`.
Catalog test_catalog();
const CatalogRegistry& registry();

ScenarioDef load_ok(const std::string& yaml);
std::string load_error(const std::string& yaml, const std::string& name = "t.yaml");

// Signals held in a map, as a host's lookup.
struct Signals {
  std::map<std::string, Value, std::less<>> values;
  SignalLookup lookup() const;
};

// Event types in a step's output, in order.
std::vector<std::string> types(const StepOutput& out);
// "type {json}" lines, to compare runs bit for bit.
std::string transcript(const StepOutput& out);

}  // namespace medvision::scenario::testing
