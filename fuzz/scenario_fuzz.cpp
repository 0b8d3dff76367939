// Fuzz target: the scenario loader (YAML parsing and validation) and, for
// inputs that load, a short run of the state machine fed events and cues.

#include <cstdint>
#include <string>

#include "modules/emergency/emergency_catalog.h"
#include "scenario/loader.h"
#include "scenario/run.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace medvision::scenario;
  static const CatalogRegistry registry = [] {
    CatalogRegistry r;
    (void)r.add(medvision::emergency::emergency_catalog());
    return r;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto def = parse_scenario(text, "fuzz.yaml", registry);
  if (!def.ok()) return 0;
  auto run =
      ScenarioRun::create(*def, {10.0, def->variants.empty() ? "" : def->variants.front().name});
  if (!run.ok()) return 0;
  const SignalLookup signals = [&](std::string_view name) -> std::optional<Value> {
    if (name == "rhythm") return Value{std::string(size % 2 ? "vf_coarse" : "nsr")};
    return Value{static_cast<double>(size % 200)};
  };
  const ScenarioEvent events[] = {
      {"shock_delivered", {{"energy_J", 200.0}}},
      {"drug_given", {{"drug", std::string("epinephrine")}, {"dose_mg", 1.0}}},
      {"patient_tagged", {{"patient", std::string("p1")}, {"tag", std::string("minor")}}},
  };
  for (medvision::Tick t = 0; t < 1500 && !run->ended(); t += 10) {
    if (t == 700 && !def->cues.empty()) (void)run->inject_cue(def->cues.front().name, "fuzz");
    if (t == 900) (void)run->pause();
    if (t == 950) (void)run->resume();
    (void)run->step(t, signals, std::span<const ScenarioEvent>(events + (t / 10) % 3, 1));
  }
  return 0;
}
