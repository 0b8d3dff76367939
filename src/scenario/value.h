#pragma once
// Scalar values and flat field maps: what signals read, what action
// parameters and event payloads hold. Payloads stay flat (no nesting) so the
// engine needs no JSON library and comparisons are exact.

#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace medvision::scenario {

using Value = std::variant<double, bool, std::string>;
using Fields = std::map<std::string, Value, std::less<>>;

// "1", "0.25", "true", "vf_coarse": how a value reads in messages.
std::string to_text(const Value& value);

// A JSON object with keys in sorted order; numbers print exactly (integers
// without a fraction, others with 17 significant digits), so equal fields
// give equal text on every run.
std::string to_json(const Fields& fields);

}  // namespace medvision::scenario
