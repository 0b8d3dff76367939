#pragma once
// `medvision serve`: HTTP + WebSocket on Boost.Beast, plain or TLS.

#include <string>

#include "core/result.h"
#include "server/server_config.h"

namespace medvision {

// Opens the store, prepares it (migrations, abandoned sessions, first admin),
// serves until SIGINT/SIGTERM, then ends every session and flushes its log.
Status serve(const ServerConfig& config);

}  // namespace medvision
