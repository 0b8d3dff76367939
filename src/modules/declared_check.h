#pragma once
// Builds with assertions (MEDVISION_ASSERTIONS, the dev preset) wrap every
// session module so that an event type or an assessment metric its
// descriptor does not declare stops the program at once, naming it: a
// renamed event or metric is found by the first test that runs the module,
// not by a trainee whose rubric silently fails. Other builds return the
// module unchanged.

#include <memory>

#include "modules/module.h"
#include "session/session_module.h"

namespace medvision::modules {

std::unique_ptr<SessionModule> check_declared(std::unique_ptr<SessionModule> module,
                                              const ModuleDescriptor& descriptor);

}  // namespace medvision::modules
