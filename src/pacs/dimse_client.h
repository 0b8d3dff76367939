#pragma once
// The DIMSE backend of PacsClient, on GDCM's network library: C-ECHO,
// C-FIND at study level (Study Root information model) and C-MOVE to a
// storage SCP that GDCM runs on our move port for the time of the move.

#include <memory>

#include "pacs/pacs_client.h"

namespace medvision::pacs {

std::unique_ptr<PacsClient> make_dimse_client(const PacsUrl& url, const PacsClientOptions& options);

}  // namespace medvision::pacs
