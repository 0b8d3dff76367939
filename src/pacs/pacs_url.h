#pragma once
// Where a PACS is, as a person writes it on the command line:
//   http://host:port/dicom-web          DICOMweb (QIDO-RS, WADO-RS) at that root
//   http://user:password@host/dicom-web the same with HTTP Basic authentication
//   dicom://AET@host:port               DIMSE (C-ECHO, C-FIND, C-MOVE), called AE title AET

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace medvision::pacs {

enum class PacsProtocol { dicomweb, dimse };

struct PacsUrl {
  PacsProtocol protocol = PacsProtocol::dicomweb;
  std::string host;
  std::uint16_t port = 0;
  std::string path;        // DICOMweb root without a trailing '/', e.g. "/dicom-web"
  std::string user_info;   // DICOMweb "user:password", "" for none
  std::string called_aet;  // DIMSE

  // The URL without credentials, for messages and logs.
  std::string display() const;
};

Result<PacsUrl> parse_pacs_url(std::string_view url);

// An AE title (DICOM PS3.5 table 6.2-1, VR AE): 1 to 16 characters, no
// backslash or control characters, not only spaces.
bool valid_ae_title(std::string_view aet);

// A UID (PS3.5 section 9.1): 1 to 64 characters, digits and dots.
bool valid_uid(std::string_view uid);

}  // namespace medvision::pacs
