#include "scenario_test_support.h"

#include <gtest/gtest.h>

#include "modules/emergency/emergency_catalog.h"

namespace medvision::scenario::testing {

Catalog test_catalog() {
  Catalog c;
  c.module = "test";
  c.actions = {{"do_thing", {number_param("amount", 0, 10)}}};
  c.events = {{"poke", {enum_param("kind", {"x", "y"}, false)}}, {"tap", {}}};
  SignalSpec mode;
  mode.name = "mode";
  mode.type = ValueType::enumeration;
  mode.values = {"calm", "busy"};
  SignalSpec level;
  level.name = "level";
  level.min = 0;
  level.max = 100;
  level.unit = "%";
  c.signals = {level, mode};
  return c;
}

const CatalogRegistry& registry() {
  static const CatalogRegistry r = [] {
    CatalogRegistry reg;
    EXPECT_TRUE(reg.add(test_catalog()).ok());
    EXPECT_TRUE(reg.add(emergency::emergency_catalog()).ok());
    return reg;
  }();
  return r;
}

ScenarioDef load_ok(const std::string& yaml) {
  auto def = parse_scenario(yaml, "t.yaml", registry());
  EXPECT_TRUE(def.ok()) << (def.ok() ? "" : def.error().message);
  return def.ok() ? std::move(def).value() : ScenarioDef{};
}

std::string load_error(const std::string& yaml, const std::string& name) {
  auto def = parse_scenario(yaml, name, registry());
  if (def.ok()) return "(loaded without error)";
  EXPECT_EQ(def.error().code, ErrorCode::invalid_input);
  return def.error().message;
}

SignalLookup Signals::lookup() const {
  return [this](std::string_view name) -> std::optional<Value> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> types(const StepOutput& out) {
  std::vector<std::string> t;
  for (const auto& e : out.events) t.push_back(e.type);
  return t;
}

std::string transcript(const StepOutput& out) {
  std::string s;
  for (const auto& e : out.events) s += e.type + " " + e.payload_json() + "\n";
  for (const auto& a : out.actions) s += "action " + a.name + " " + to_json(a.params) + "\n";
  return s;
}

}  // namespace medvision::scenario::testing
