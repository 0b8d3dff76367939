// Fuzz target: the config file parser and typed getters.

#include <cstdint>
#include <string>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace medvision;
  static const std::vector<std::string> keys = {"host", "port", "db", "tls-self-signed",
                                                "tick-rate"};
  ConfigLayers layers;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!layers.read_text(text, "fuzz.conf", keys).ok()) return 0;
  (void)layers.get_int("port", 8080, 0, 65535);
  (void)layers.get_bool("tls-self-signed", false);
  (void)layers.get_double("tick-rate", 1000, 10, 10000);
  (void)layers.get_string("host", "127.0.0.1");
  return 0;
}
