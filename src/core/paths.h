#pragma once
// Where the folders the binary reads at run time (content/, the built web
// client) are found when the command line does not say.

#include <string>
#include <string_view>

namespace medvision {

// The first of: `<cwd>/<relative>`; `<exe>/../share/medvision/<share_name>`;
// `<exe>/../../../<relative>` (an executable in build/<preset>/src/app of a
// source tree); that holds `marker` (a file or folder inside it). "" if none.
std::string find_run_folder(std::string_view relative, std::string_view share_name,
                            std::string_view marker);

}  // namespace medvision
