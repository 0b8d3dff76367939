#pragma once
// JSON text that cannot throw: strings holding invalid UTF-8 (client bytes
// that slipped through) are written with U+FFFD instead of making
// nlohmann::json::dump throw type_error.316.

#include <nlohmann/json.hpp>
#include <string>

namespace medvision {

inline std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace medvision
