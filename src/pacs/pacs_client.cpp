#include "pacs/pacs_client.h"

#include "pacs/dicomweb_client.h"
#include "pacs/dimse_client.h"

namespace medvision::pacs {

Result<std::unique_ptr<PacsClient>> connect_pacs(std::string_view url,
                                                 const PacsClientOptions& options) {
  auto parsed = parse_pacs_url(url);
  if (!parsed) return parsed.error();
  if (!valid_ae_title(options.calling_aet))
    return make_error(ErrorCode::invalid_input, "our AE title \"" + options.calling_aet +
                                                    "\" is not valid (1 to 16 characters)");
  if (parsed->protocol == PacsProtocol::dimse) return make_dimse_client(*parsed, options);
  return make_dicomweb_client(*parsed, options);
}

}  // namespace medvision::pacs
