#include "imaging/volume_source.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include "imaging/dicom_scan.h"
#include "imaging/nifti_reader.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;

bool has_nifti_extension(const fs::path& path) {
  std::string name = path.filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto ends_with = [&name](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".nii") || ends_with(".nii.gz");
}

// Reader messages do not always say which file they are about.
Error naming(const fs::path& path, Error error) {
  if (error.message.find(path.string()) == std::string::npos)
    error.message = path.string() + ": " + error.message;
  return error;
}

Result<VolumeSource> load_nifti(const fs::path& path, const SourceProgress& progress,
                                const VolumeSourceOptions& options) {
  const SourceStage stage{path.filename().string(), "volume", 0, 1};
  if (progress) progress(stage);
  auto read = read_nifti(path, NiftiOptions{options.nifti_volume_index});
  if (!read) return naming(path, read.error());
  if (progress) progress(SourceStage{stage.what, stage.unit, 1, 1});
  VolumeSource source;
  source.format = SourceFormat::nifti;
  source.series_found = 1;
  source.files_examined = 1;
  source.deidentified = options.deidentify_with.has_value();
  SourceVolume v;
  v.label = path.filename().string();
  v.volume = std::move(read->volume);
  v.slices = static_cast<std::size_t>(v.volume.dims()[2]);
  v.warnings = std::move(read->warnings);
  if (read->volume_count > 1) {
    v.warnings.push_back("the file holds " + std::to_string(read->volume_count) +
                         " volumes; volume " + std::to_string(options.nifti_volume_index) +
                         " was read");
  }
  // The free-text description may name a person.
  if (source.deidentified) v.volume.description.clear();
  source.volumes.push_back(std::move(v));
  return source;
}

std::string series_label(const DicomSeries& series, std::size_t n, std::size_t count) {
  std::string label = "series " + std::to_string(n) + "/" + std::to_string(count);
  label += " (" + (series.modality.empty() ? std::string("?") : series.modality);
  if (!series.series_number.empty()) label += ", number " + series.series_number;
  return label + ", " + std::to_string(series.instance_count()) + " files)";
}

Result<VolumeSource> load_dicom(const fs::path& path, const SourceProgress& progress,
                                const VolumeSourceOptions& options) {
  ScanProgress scan_progress;
  if (progress) {
    scan_progress = [&progress](std::size_t done, std::size_t total) {
      progress(SourceStage{"scanning", "files", done, total});
    };
  }
  auto scan = scan_dicom(path, scan_progress);
  if (!scan) return naming(path, scan.error());
  VolumeSource source;
  source.format = SourceFormat::dicom;
  source.series_found = scan->series.size();
  source.files_examined = scan->files_examined;
  source.files_skipped = scan->files_skipped;
  source.deidentified = options.deidentify_with.has_value();
  if (scan->series.empty()) {
    const bool file = fs::is_regular_file(path);
    return make_error(
        ErrorCode::invalid_input,
        path.string() +
            (file ? ": not a NIfTI file (.nii, .nii.gz) and not a readable DICOM "
                    "image"
                  : ": no DICOM series found (" + std::to_string(scan->files_examined) +
                        " files examined, " + std::to_string(scan->files_skipped) + " skipped)"));
  }
  const std::size_t count = scan->series.size();
  for (std::size_t n = 0; n < count; ++n) {
    const DicomSeries& series = scan->series[n];
    const std::string label = series_label(series, n + 1, count);
    ScanProgress slice_progress;
    if (progress) {
      slice_progress = [&progress, &label](std::size_t done, std::size_t total) {
        progress(SourceStage{label, "slices", done, total});
      };
    }
    auto read = read_dicom_series(series, slice_progress, options.dicom);
    if (!read) {
      source.failures.push_back(SourceFailure{label, read.error().message});
      continue;
    }
    if (options.deidentify_with) deidentify(*read, *options.deidentify_with);
    SourceVolume v;
    v.label = label;
    v.volume = std::move(read->volume);
    v.modality = read->info.modality;
    v.slices = read->info.frame_count;
    v.dicom = std::move(read->info);
    v.warnings = std::move(read->warnings);
    source.volumes.push_back(std::move(v));
  }
  if (source.volumes.empty()) {
    std::string why = path.string() + ": none of the " + std::to_string(count) +
                      " DICOM series found could be read";
    for (const SourceFailure& f : source.failures) why += "; " + f.series + ": " + f.message;
    return make_error(ErrorCode::invalid_input, why);
  }
  return source;
}

}  // namespace

const char* to_string(SourceFormat format) {
  return format == SourceFormat::nifti ? "NIfTI" : "DICOM";
}

Result<VolumeSource> load_volume_source(const fs::path& path, const SourceProgress& progress,
                                        const VolumeSourceOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return make_error(ErrorCode::not_found, "no such file or folder: " + path.string());
  if (fs::is_regular_file(path, ec) && has_nifti_extension(path))
    return load_nifti(path, progress, options);
  return load_dicom(path, progress, options);
}

const SourceVolume& largest_volume(const VolumeSource& source) {
  return *std::max_element(source.volumes.begin(), source.volumes.end(),
                           [](const SourceVolume& a, const SourceVolume& b) {
                             return a.volume.geometry().voxel_count() <
                                    b.volume.geometry().voxel_count();
                           });
}

SourceVolume& largest_volume(VolumeSource& source) {
  const VolumeSource& read_only = source;
  return source
      .volumes[static_cast<std::size_t>(&largest_volume(read_only) - source.volumes.data())];
}

bool same_grid(const Geometry& a, const Geometry& b, double tolerance_mm) {
  if (a.dims != b.dims) return false;
  for (int corner = 0; corner < 8; ++corner) {
    Eigen::Vector3d index;
    for (int axis = 0; axis < 3; ++axis) {
      const auto last = static_cast<double>(a.dims[static_cast<std::size_t>(axis)] - 1);
      index[axis] = (corner >> axis) & 1 ? last : 0.0;
    }
    if ((a.index_to_patient(index) - b.index_to_patient(index)).norm() > tolerance_mm) return false;
  }
  return true;
}

}  // namespace medvision::imaging
