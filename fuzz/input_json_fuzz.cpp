// Fuzz target: input events read back from a stored log (replay), and a
// replay of a log holding that event.

#include <cstdint>
#include <string>

#include "modules/sandbox/sandbox_module.h"
#include "session/session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace medvision;
  const std::string text(reinterpret_cast<const char*>(data), size);
  int number = 0;
  InputFrame input;
  std::uint32_t seq = 0;
  (void)input_from_json(text, &number, &input, &seq);
  std::vector<Event> log = {
      {1, 0, 0, event_type::session_started, "{}"},
      {2, 0, 0, event_type::participant_joined,
       R"({"participant":1,"user_id":"u","username":"a","role":"trainee"})"},
      {3, 5, 0, event_type::input, text},
      {4, 9, 0, "participant_left", text},
  };
  std::string error;
  const ModuleFactory sandbox = [](std::string_view,
                                   std::uint64_t seed) -> Result<std::unique_ptr<SessionModule>> {
    return std::unique_ptr<SessionModule>(std::make_unique<modules::SandboxModule>(seed, 1000.0));
  };
  (void)Session::replay({"sandbox", 1, 1000.0}, log, &error, sandbox);
  return 0;
}
