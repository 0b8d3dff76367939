#include "imaging/dicom_scan.h"

#include <gdcmReader.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "imaging/dicom_attributes.h"
#include "imaging/dicom_preflight.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using detail::attribute_text;

const gdcm::Tag kPixelData(0x7fe0, 0x0010);
const gdcm::Tag kStudyUid(0x0020, 0x000d);
const gdcm::Tag kSeriesUid(0x0020, 0x000e);
const gdcm::Tag kModality(0x0008, 0x0060);
const gdcm::Tag kSeriesDescription(0x0008, 0x103e);
const gdcm::Tag kSeriesNumber(0x0020, 0x0011);
const gdcm::Tag kInstanceNumber(0x0020, 0x0013);
const gdcm::Tag kDirectoryRecordSequence(0x0004, 0x1220);
const gdcm::Tag kReferencedFileId(0x0004, 0x1500);
const gdcm::Tag kMediaStorageSopClass(0x0002, 0x0002);
constexpr const char* kMediaStorageDirectoryClass = "1.2.840.10008.1.3.10";

struct Instance {
  fs::path path;
  std::string study_uid, series_uid, modality, description, series_number;
  double instance_number = 0;
};

bool is_dicomdir(const gdcm::File& file) {
  return attribute_text(file.GetHeader(), kMediaStorageSopClass) == kMediaStorageDirectoryClass ||
         file.GetDataSet().FindDataElement(kDirectoryRecordSequence);
}

std::optional<Instance> read_instance_header(const fs::path& path) {
  if (!detail::preflight_dicom_file(path).ok()) return std::nullopt;
  gdcm::Reader reader;
  reader.SetFileName(path.c_str());
  if (!reader.ReadUpToTag(kPixelData)) return std::nullopt;
  const gdcm::File& file = reader.GetFile();
  if (is_dicomdir(file)) return std::nullopt;
  const gdcm::DataSet& ds = file.GetDataSet();
  Instance in;
  in.path = path;
  in.series_uid = attribute_text(ds, kSeriesUid);
  if (in.series_uid.empty()) return std::nullopt;
  in.study_uid = attribute_text(ds, kStudyUid);
  in.modality = attribute_text(ds, kModality);
  in.description = attribute_text(ds, kSeriesDescription);
  in.series_number = attribute_text(ds, kSeriesNumber);
  in.instance_number = detail::attribute_number(ds, kInstanceNumber).value_or(0);
  return in;
}

// Files a DICOMDIR names (Referenced File ID, PS3.10 8.5 and PS3.3 F.3),
// resolved against its folder; a component that climbs out ("..") or is
// absolute is refused, since a hostile directory could point anywhere.
Result<std::vector<fs::path>> files_of_dicomdir(const fs::path& dicomdir) {
  MV_TRY(detail::preflight_dicom_file(dicomdir));
  gdcm::Reader reader;
  reader.SetFileName(dicomdir.c_str());
  if (!reader.Read())
    return make_error(ErrorCode::invalid_input, "cannot read DICOMDIR " + dicomdir.string());
  const auto records =
      detail::attribute_sequence(reader.GetFile().GetDataSet(), kDirectoryRecordSequence);
  if (!records)
    return make_error(ErrorCode::invalid_input,
                      "DICOMDIR " + dicomdir.string() + " has no Directory Record Sequence");
  std::vector<fs::path> files;
  for (std::size_t i = 1; i <= records->GetNumberOfItems(); ++i) {
    const std::string id =
        attribute_text(records->GetItem(i).GetNestedDataSet(), kReferencedFileId);
    if (id.empty()) continue;
    fs::path relative;
    std::size_t start = 0;
    while (start <= id.size()) {
      const std::size_t end = std::min(id.find('\\', start), id.size());
      const std::string component = id.substr(start, end - start);
      if (component.empty() || component == "." || component == ".." ||
          component.find('/') != std::string::npos) {
        return make_error(ErrorCode::invalid_input,
                          "DICOMDIR names a file outside its folder: \"" + id + "\"");
      }
      relative /= component;
      start = end + 1;
    }
    files.push_back(dicomdir.parent_path() / relative);
  }
  return files;
}

std::vector<fs::path> files_under(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
           folder, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<DicomSeries> group_by_series(std::vector<Instance> instances) {
  std::sort(instances.begin(), instances.end(), [](const Instance& a, const Instance& b) {
    return std::tie(a.series_uid, a.instance_number, a.path) <
           std::tie(b.series_uid, b.instance_number, b.path);
  });
  std::vector<DicomSeries> series;
  for (Instance& in : instances) {
    if (series.empty() || series.back().series_uid != in.series_uid) {
      series.push_back(
          {in.study_uid, in.series_uid, in.modality, in.description, in.series_number, {}});
    }
    series.back().files.push_back(std::move(in.path));
  }
  std::sort(series.begin(), series.end(), [](const DicomSeries& a, const DicomSeries& b) {
    const double na = std::atof(a.series_number.c_str());
    const double nb = std::atof(b.series_number.c_str());
    return std::tie(a.study_uid, na, a.series_uid) < std::tie(b.study_uid, nb, b.series_uid);
  });
  return series;
}

}  // namespace

Result<DicomScan> scan_dicom(const fs::path& path, const ScanProgress& progress) {
  std::error_code ec;
  std::vector<fs::path> candidates;
  if (fs::is_directory(path, ec)) {
    candidates = files_under(path);
  } else if (fs::is_regular_file(path, ec)) {
    gdcm::Reader probe;
    probe.SetFileName(path.c_str());
    const bool header_read =
        detail::preflight_dicom_file(path).ok() && probe.ReadUpToTag(kPixelData);
    if (header_read && is_dicomdir(probe.GetFile())) {
      auto listed = files_of_dicomdir(path);
      if (!listed) return listed.error();
      candidates = std::move(*listed);
    } else {
      candidates = {path};
    }
  } else {
    return make_error(ErrorCode::not_found, "no such file or folder: " + path.string());
  }
  DicomScan scan;
  std::vector<Instance> instances;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (auto in = read_instance_header(candidates[i])) {
      instances.push_back(std::move(*in));
    } else {
      ++scan.files_skipped;
    }
    ++scan.files_examined;
    if (progress) progress(i + 1, candidates.size());
  }
  scan.series = group_by_series(std::move(instances));
  return scan;
}

}  // namespace medvision::imaging
