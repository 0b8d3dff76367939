#pragma once
// The DICOMweb backend of PacsClient: QIDO-RS to search (PS3.18 section
// 10.6), WADO-RS to retrieve a study series by series as
// multipart/related; type="application/dicom" (section 10.4), parsed by
// multipart.h.

#include <memory>

#include "pacs/pacs_client.h"

namespace medvision::pacs {

std::unique_ptr<PacsClient> make_dicomweb_client(const PacsUrl& url,
                                                 const PacsClientOptions& options);

}  // namespace medvision::pacs
