#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace medvision {

Status init_logging(std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return make_error(ErrorCode::invalid_input,
                      "log level must be one of trace, debug, info, warn, error, off; got '" +
                          std::string(level) + "'");
  }
  auto logger = spdlog::stderr_color_mt("medvision");
  spdlog::set_default_logger(logger);
  spdlog::set_level(parsed);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::flush_on(spdlog::level::warn);
  return {};
}

}  // namespace medvision
