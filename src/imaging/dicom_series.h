#pragma once
// Reading a DICOM series (single-frame slices or multi-frame instances) into a
// Volume in LPS patient space.
//
// Slices are sorted along the slice normal by Image Position (Patient).
// Orientation and spacing must be consistent: a series that mixes
// orientations, repeats a position, misses a slice or was acquired with a
// gantry tilt is refused with a message that says what is wrong and where,
// never silently resampled. Rescale Slope/Intercept (and RT Dose Grid
// Scaling) are applied: CT becomes Hounsfield units in int16 when exact,
// anything not exact becomes float32. Every transfer syntax GDCM decodes is
// read (JPEG baseline/extended/lossless, JPEG-LS, JPEG 2000, RLE, deflate,
// big endian).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/dicom_scan.h"
#include "imaging/volume.h"

namespace medvision::imaging {

struct DicomReadOptions {
  // Read a series with uneven slice gaps (a missing slice) using the mean
  // gap, with a warning, instead of refusing it.
  bool allow_irregular_spacing = false;
  // Read a series acquired with a gantry tilt without correcting the shear,
  // with a warning, instead of refusing it.
  bool allow_gantry_tilt = false;
};

// What the reader keeps of the DICOM header: nothing that names the patient.
// UIDs and the description are removed or replaced by deidentify().
struct DicomSeriesInfo {
  std::string modality;
  std::string series_description;
  std::string study_uid;
  std::string series_uid;
  std::string frame_of_reference_uid;
  std::string sop_class_uid;
  std::string transfer_syntax_uid;
  std::string photometric;  // MONOCHROME1 or MONOCHROME2
  std::optional<double> window_center;
  std::optional<double> window_width;
  bool lossy_compressed = false;
  bool burned_in_annotation = false;  // declared YES, or a Secondary Capture
  std::size_t instance_count = 0;
  std::size_t frame_count = 0;
};

struct SeriesVolume {
  Volume volume;
  DicomSeriesInfo info;
  std::vector<std::string> warnings;  // worth showing to the person importing
};

Result<SeriesVolume> read_dicom_series(const DicomSeries& series, const ScanProgress& progress = {},
                                       const DicomReadOptions& options = {});

// One DICOM instance held in memory (an upload), read as a series of one.
Result<SeriesVolume> read_dicom_bytes(std::span<const std::uint8_t> bytes,
                                      const DicomReadOptions& options = {});

}  // namespace medvision::imaging
