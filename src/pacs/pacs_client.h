#pragma once
// Talking to a hospital PACS: find studies and retrieve one into a folder.
// One interface, two backends chosen from the URL (pacs_url.h): DICOMweb
// (QIDO-RS search, WADO-RS retrieve; DICOM PS3.18) and DIMSE (C-ECHO,
// C-FIND, C-MOVE to our own storage SCP; DICOM PS3.4 annex C, PS3.7).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pacs/pacs_url.h"

namespace medvision::pacs {

// Study-level matching keys (PS3.4 C.6.2.1); empty keys match anything.
// Names and IDs may use the wildcards * and ?; dates are YYYYMMDD or a range
// YYYYMMDD-YYYYMMDD.
struct StudyQuery {
  std::string study_uid;
  std::string patient_id;
  std::string patient_name;
  std::string study_date;
  std::string accession_number;
  std::size_t limit = 100;  // DICOMweb only; DIMSE has no limit
};

struct StudySummary {
  std::string study_uid;
  std::string patient_name;
  std::string patient_id;
  std::string study_date;
  std::string description;
  std::string accession_number;
  std::string modalities;  // "CT\PT"
  std::optional<std::size_t> series_count;
  std::optional<std::size_t> instance_count;
};

// (instances received, instances expected; 0 when the PACS did not say).
using RetrieveProgress = std::function<void(std::size_t done, std::size_t total)>;

struct PacsClientOptions {
  std::string calling_aet = "MEDVISION";  // DIMSE: our AE title
  // DIMSE: the port our storage SCP listens on during a C-MOVE. The PACS
  // must list calling_aet with this host and port as a move destination.
  std::uint16_t move_port = 11113;
  std::chrono::milliseconds timeout{30000};
  std::uint64_t max_response_bytes = std::uint64_t{4} << 30;  // DICOMweb, per response
};

class PacsClient {
 public:
  virtual ~PacsClient() = default;
  // "DICOMweb http://host:8042/dicom-web" or "DIMSE dicom://ORTHANC@host:4242".
  virtual std::string describe() const = 0;
  // Whether the PACS answers: C-ECHO, or a QIDO-RS search with limit 1.
  virtual Status echo() = 0;
  virtual Result<std::vector<StudySummary>> find_studies(const StudyQuery& query) = 0;
  // Writes every instance of the study as a file into `folder` (which must
  // exist); returns how many. not_found when the PACS has no such study.
  virtual Result<std::size_t> retrieve_study(const std::string& study_uid,
                                             const std::filesystem::path& folder,
                                             const RetrieveProgress& progress = {}) = 0;
};

// The backend for `url`: DICOMweb for http://, DIMSE for dicom://. Nothing
// is sent until a method is called.
Result<std::unique_ptr<PacsClient>> connect_pacs(std::string_view url,
                                                 const PacsClientOptions& options = {});

}  // namespace medvision::pacs
