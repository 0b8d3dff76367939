#include "imaging/dicom_series.h"

#include <gdcmImage.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfFragments.h>
#include <gdcmTrace.h>
#include <gdcmTransferSyntax.h>
#include <gdcmWriter.h>
#include <tbb/parallel_for.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numeric>
#include <optional>
#include <sstream>
#include <type_traits>

#include "imaging/dicom_attributes.h"
#include "imaging/dicom_preflight.h"
#include "imaging/voxel_rescale.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using detail::attribute_number;
using detail::attribute_numbers;
using detail::attribute_text;
using detail::SampleType;
using Eigen::Vector3d;

namespace tags {
const gdcm::Tag pixel_data(0x7fe0, 0x0010);
const gdcm::Tag transfer_syntax(0x0002, 0x0010);
const gdcm::Tag sop_class(0x0008, 0x0016);
const gdcm::Tag modality(0x0008, 0x0060);
const gdcm::Tag series_description(0x0008, 0x103e);
const gdcm::Tag study_uid(0x0020, 0x000d);
const gdcm::Tag series_uid(0x0020, 0x000e);
const gdcm::Tag frame_of_reference_uid(0x0020, 0x0052);
const gdcm::Tag instance_number(0x0020, 0x0013);
const gdcm::Tag image_position(0x0020, 0x0032);
const gdcm::Tag image_orientation(0x0020, 0x0037);
const gdcm::Tag slice_thickness(0x0018, 0x0050);
const gdcm::Tag spacing_between_slices(0x0018, 0x0088);
const gdcm::Tag rows(0x0028, 0x0010);
const gdcm::Tag columns(0x0028, 0x0011);
const gdcm::Tag number_of_frames(0x0028, 0x0008);
const gdcm::Tag frame_increment_pointer(0x0028, 0x0009);
const gdcm::Tag pixel_spacing(0x0028, 0x0030);
const gdcm::Tag samples_per_pixel(0x0028, 0x0002);
const gdcm::Tag photometric(0x0028, 0x0004);
const gdcm::Tag bits_allocated(0x0028, 0x0100);
const gdcm::Tag bits_stored(0x0028, 0x0101);
const gdcm::Tag pixel_representation(0x0028, 0x0103);
const gdcm::Tag window_center(0x0028, 0x1050);
const gdcm::Tag window_width(0x0028, 0x1051);
const gdcm::Tag rescale_intercept(0x0028, 0x1052);
const gdcm::Tag rescale_slope(0x0028, 0x1053);
const gdcm::Tag lossy_compression(0x0028, 0x2110);
const gdcm::Tag grid_frame_offsets(0x3004, 0x000c);
const gdcm::Tag dose_grid_scaling(0x3004, 0x000e);
const gdcm::Tag shared_groups(0x5200, 0x9229);
const gdcm::Tag per_frame_groups(0x5200, 0x9230);
const gdcm::Tag plane_position(0x0020, 0x9113);
const gdcm::Tag plane_orientation(0x0020, 0x9116);
const gdcm::Tag pixel_measures(0x0028, 0x9110);
const gdcm::Tag value_transformation(0x0028, 0x9145);
}  // namespace tags

// Where one instance's bytes come from.
struct Source {
  fs::path path;
  std::span<const std::uint8_t> bytes;
  std::string name() const {
    return path.empty() ? std::string("(memory)") : path.filename().string();
  }
};

Status preflight(const Source& s) {
  return s.path.empty() ? detail::preflight_dicom(s.bytes) : detail::preflight_dicom_file(s.path);
}

template <class R>
bool read_with(R& reader, const Source& s, std::istringstream& holder, bool header_only) {
  if (s.path.empty()) {
    holder.str(std::string(reinterpret_cast<const char*>(s.bytes.data()), s.bytes.size()));
    reader.SetStream(holder);
  } else {
    reader.SetFileName(s.path.c_str());
  }
  if constexpr (std::is_same_v<R, gdcm::Reader>) {
    if (header_only) return reader.ReadUpToTag(tags::pixel_data);
  }
  return reader.Read();
}

// One 2D frame of the series and where it sits.
struct Frame {
  std::size_t instance = 0;  // index into the instances
  std::size_t frame = 0;     // frame within its instance
  double instance_number = 0;
  std::optional<Vector3d> position;
  std::optional<std::array<double, 6>> orientation;
  std::optional<std::array<double, 2>> pixel_spacing;  // row spacing, column spacing
  detail::LinearRescale rescale;
};

struct InstanceHeader {
  std::uint16_t rows = 0, columns = 0, bits_allocated = 0, bits_stored = 0,
                pixel_representation = 0, samples = 1;
  std::int64_t frames = 1;
  std::string photometric;
  std::optional<double> slice_gap;  // Spacing Between Slices, else Slice Thickness
};

std::optional<std::array<double, 6>> orientation_in(const gdcm::DataSet& ds) {
  const auto v = attribute_numbers(ds, tags::image_orientation);
  if (v.size() != 6) return std::nullopt;
  return std::array<double, 6>{v[0], v[1], v[2], v[3], v[4], v[5]};
}
std::optional<Vector3d> position_in(const gdcm::DataSet& ds) {
  const auto v = attribute_numbers(ds, tags::image_position);
  if (v.size() != 3) return std::nullopt;
  return Vector3d(v[0], v[1], v[2]);
}
std::optional<std::array<double, 2>> spacing_in(const gdcm::DataSet& ds) {
  const auto v = attribute_numbers(ds, tags::pixel_spacing);
  if (v.size() != 2 || !(v[0] > 0) || !(v[1] > 0)) return std::nullopt;
  return std::array<double, 2>{v[0], v[1]};
}
std::optional<double> gap_in(const gdcm::DataSet& ds) {
  for (const gdcm::Tag& t : {tags::spacing_between_slices, tags::slice_thickness}) {
    if (auto v = attribute_number(ds, t); v && *v > 0) return v;
  }
  return std::nullopt;
}
void rescale_in(const gdcm::DataSet& ds, detail::LinearRescale& r) {
  if (auto slope = attribute_number(ds, tags::rescale_slope)) r.slope = *slope;
  if (auto intercept = attribute_number(ds, tags::rescale_intercept)) r.intercept = *intercept;
}

Vector3d normal_of(const std::array<double, 6>& o) {
  return Vector3d(o[0], o[1], o[2]).cross(Vector3d(o[3], o[4], o[5]));
}

// Frames of one instance with their geometry: enhanced multi-frame
// functional groups (PS3.3 C.7.6.16), RT Dose Grid Frame Offset Vector
// (PS3.3 C.8.8.3.2), or the classic single-frame attributes.
std::vector<Frame> frames_of(const gdcm::DataSet& ds, std::size_t instance, std::int64_t count,
                             std::vector<std::string>& warnings, const std::string& name) {
  Frame base;
  base.instance = instance;
  base.instance_number = attribute_number(ds, tags::instance_number).value_or(0);
  base.position = position_in(ds);
  base.orientation = orientation_in(ds);
  base.pixel_spacing = spacing_in(ds);
  rescale_in(ds, base.rescale);
  if (auto dose = attribute_number(ds, tags::dose_grid_scaling)) base.rescale = {*dose, 0.0};

  const auto apply_groups = [](const gdcm::DataSet& group, Frame& f) {
    if (auto item = detail::sequence_item(group, tags::plane_position))
      f.position = position_in(*item);
    if (auto item = detail::sequence_item(group, tags::plane_orientation))
      f.orientation = orientation_in(*item);
    if (auto item = detail::sequence_item(group, tags::pixel_measures)) {
      if (auto s = spacing_in(*item)) f.pixel_spacing = s;
    }
    if (auto item = detail::sequence_item(group, tags::value_transformation))
      rescale_in(*item, f.rescale);
  };
  if (auto shared = detail::sequence_item(ds, tags::shared_groups)) apply_groups(*shared, base);
  const auto per_frame = detail::attribute_sequence(ds, tags::per_frame_groups);
  const auto offsets = attribute_numbers(ds, tags::grid_frame_offsets);

  std::vector<Frame> frames;
  for (std::int64_t f = 0; f < count; ++f) {
    Frame frame = base;
    frame.frame = static_cast<std::size_t>(f);
    if (per_frame && static_cast<std::int64_t>(per_frame->GetNumberOfItems()) == count) {
      apply_groups(per_frame->GetItem(static_cast<std::size_t>(f) + 1).GetNestedDataSet(), frame);
    } else if (count > 1 && static_cast<std::int64_t>(offsets.size()) == count && base.position &&
               base.orientation) {
      // First offset 0: offsets are relative to Image Position; otherwise they
      // are absolute z (only valid for an axial 1\0\0\0\1\0 orientation).
      const double shift = offsets[0] == 0
                               ? offsets[static_cast<std::size_t>(f)]
                               : offsets[static_cast<std::size_t>(f)] - base.position->z();
      frame.position = *base.position + shift * normal_of(*base.orientation).normalized();
    } else if (count > 1 && base.position && base.orientation) {
      if (f == 0)
        warnings.push_back(name +
                           ": multi-frame image without per-frame positions; frames stacked along "
                           "the slice normal");
      frame.position = *base.position + static_cast<double>(f) * gap_in(ds).value_or(1.0) *
                                            normal_of(*base.orientation).normalized();
    }
    frames.push_back(frame);
  }
  return frames;
}

struct SeriesHeader {
  std::vector<Frame> frames;
  InstanceHeader layout;
  std::optional<double> slice_gap;
  DicomSeriesInfo info;
};

Result<InstanceHeader> instance_layout(const gdcm::DataSet& ds, const std::string& name) {
  InstanceHeader h;
  const auto r = detail::attribute_us(ds, tags::rows);
  const auto c = detail::attribute_us(ds, tags::columns);
  if (!r || !c || *r == 0 || *c == 0)
    return make_error(ErrorCode::invalid_input,
                      "DICOM file " + name + " holds no image (no Rows/Columns)");
  h.rows = *r;
  h.columns = *c;
  h.bits_allocated = detail::attribute_us(ds, tags::bits_allocated).value_or(0);
  h.bits_stored = detail::attribute_us(ds, tags::bits_stored).value_or(h.bits_allocated);
  h.pixel_representation = detail::attribute_us(ds, tags::pixel_representation).value_or(0);
  h.samples = detail::attribute_us(ds, tags::samples_per_pixel).value_or(1);
  const double frames = attribute_number(ds, tags::number_of_frames).value_or(1);
  if (!(frames >= 1) || frames > static_cast<double>(max_voxels)) {
    return make_error(ErrorCode::invalid_input,
                      "DICOM file " + name + " has an invalid Number of Frames");
  }
  h.frames = static_cast<std::int64_t>(frames);
  h.photometric = attribute_text(ds, tags::photometric);
  h.slice_gap = gap_in(ds);
  if (h.samples != 1 || (h.photometric != "MONOCHROME1" && h.photometric != "MONOCHROME2")) {
    return make_error(
        ErrorCode::invalid_input,
        "DICOM file " + name + " is a colour image (" + h.photometric +
            "): MedVision volumes are greyscale; import CT, MR, PET or other monochrome series");
  }
  if (h.bits_allocated != 1 && h.bits_allocated != 8 && h.bits_allocated != 16 &&
      h.bits_allocated != 32) {
    return make_error(ErrorCode::invalid_input, "DICOM file " + name +
                                                    " has unsupported Bits Allocated " +
                                                    std::to_string(h.bits_allocated));
  }
  return h;
}

void fill_info(const gdcm::File& file, DicomSeriesInfo& info) {
  const gdcm::DataSet& ds = file.GetDataSet();
  info.modality = attribute_text(ds, tags::modality);
  info.series_description = attribute_text(ds, tags::series_description);
  info.study_uid = attribute_text(ds, tags::study_uid);
  info.series_uid = attribute_text(ds, tags::series_uid);
  info.frame_of_reference_uid = attribute_text(ds, tags::frame_of_reference_uid);
  info.sop_class_uid = attribute_text(ds, tags::sop_class);
  info.transfer_syntax_uid = attribute_text(file.GetHeader(), tags::transfer_syntax);
  info.photometric = attribute_text(ds, tags::photometric);
  info.window_center = attribute_number(ds, tags::window_center);
  info.window_width = attribute_number(ds, tags::window_width);
  info.lossy_compressed = attribute_text(ds, tags::lossy_compression) == "01";
  info.burned_in_annotation = detail::burned_in_annotation_likely(ds);
}

Result<SeriesHeader> read_headers(const std::vector<Source>& sources,
                                  std::vector<std::string>& warnings) {
  SeriesHeader series;
  std::int64_t voxels = 0;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Source& s = sources[i];
    MV_TRY(preflight(s));
    gdcm::Reader reader;
    std::istringstream holder;
    if (!read_with(reader, s, holder, true))
      return make_error(ErrorCode::invalid_input, "not a readable DICOM file: " + s.name());
    const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
    auto layout = instance_layout(ds, s.name());
    if (!layout) return layout.error();
    if (i == 0) {
      series.layout = *layout;
      fill_info(reader.GetFile(), series.info);
      series.slice_gap = layout->slice_gap;
    } else if (layout->rows != series.layout.rows || layout->columns != series.layout.columns ||
               layout->bits_allocated != series.layout.bits_allocated) {
      return make_error(ErrorCode::invalid_input,
                        "DICOM series mixes image sizes: " + s.name() + " is " +
                            std::to_string(layout->columns) + "x" + std::to_string(layout->rows) +
                            " but the first image is " + std::to_string(series.layout.columns) +
                            "x" + std::to_string(series.layout.rows));
    }
    const std::int64_t plane = std::int64_t{layout->rows} * layout->columns;
    voxels += plane * layout->frames;
    if (voxels > max_voxels) {
      return make_error(ErrorCode::invalid_input, "DICOM series is too large: more than " +
                                                      std::to_string(max_voxels) + " voxels");
    }
    auto frames = frames_of(ds, i, layout->frames, warnings, s.name());
    series.frames.insert(series.frames.end(), frames.begin(), frames.end());
  }
  series.info.instance_count = sources.size();
  series.info.frame_count = series.frames.size();
  return series;
}

constexpr double kOrientationTolerance = 1e-3;
constexpr double kTiltToleranceDegrees = 0.05;

// Sorts frames along the slice normal and derives the grid, refusing (or,
// when allowed, warning about) what a regular grid cannot represent.
Result<Geometry> arrange(SeriesHeader& series, const DicomReadOptions& options,
                         const std::vector<Source>& sources, std::vector<std::string>& warnings) {
  std::vector<Frame>& frames = series.frames;
  Geometry g;
  g.dims = {series.layout.columns, series.layout.rows, static_cast<std::int64_t>(frames.size())};
  const Frame& first = frames.front();
  for (const Frame& f : frames) {
    if (f.pixel_spacing.has_value() != first.pixel_spacing.has_value() ||
        (f.pixel_spacing && (std::abs((*f.pixel_spacing)[0] - (*first.pixel_spacing)[0]) > 1e-4 ||
                             std::abs((*f.pixel_spacing)[1] - (*first.pixel_spacing)[1]) > 1e-4))) {
      return make_error(ErrorCode::invalid_input, "DICOM series mixes pixel spacings (" +
                                                      sources[f.instance].name() +
                                                      " differs from the first image)");
    }
  }
  if (first.pixel_spacing) {
    g.spacing = Vector3d((*first.pixel_spacing)[1], (*first.pixel_spacing)[0], 1.0);
  } else {
    warnings.emplace_back("DICOM series has no Pixel Spacing: 1 mm pixels assumed");
  }
  const bool placed = std::all_of(frames.begin(), frames.end(),
                                  [](const Frame& f) { return f.position && f.orientation; });
  if (!placed) {
    warnings.emplace_back(
        "DICOM series has no Image Position/Orientation (Patient): placed at the origin, axes "
        "aligned to LPS");
    std::stable_sort(frames.begin(), frames.end(), [](const Frame& a, const Frame& b) {
      return a.instance_number < b.instance_number;
    });
    g.spacing.z() = series.slice_gap.value_or(1.0);
    return g;
  }
  const auto& o = *first.orientation;
  const Vector3d row(o[0], o[1], o[2]);
  const Vector3d column(o[3], o[4], o[5]);
  if (std::abs(row.norm() - 1) > 0.01 || std::abs(column.norm() - 1) > 0.01 ||
      std::abs(row.dot(column)) > 0.01) {
    return make_error(
        ErrorCode::invalid_input,
        "DICOM Image Orientation (Patient) is not two perpendicular unit vectors in " +
            sources[first.instance].name());
  }
  for (const Frame& f : frames) {
    for (std::size_t c = 0; c < 6; ++c) {
      if (std::abs((*f.orientation)[c] - o[c]) > kOrientationTolerance) {
        return make_error(
            ErrorCode::invalid_input,
            "DICOM series mixes slice orientations (" + sources[f.instance].name() +
                " differs from " + sources[first.instance].name() +
                "); it may hold localizers or several stacks: split it or pick another series");
      }
    }
  }
  const Vector3d normal = row.normalized().cross(column.normalized()).normalized();
  std::stable_sort(frames.begin(), frames.end(), [&normal](const Frame& a, const Frame& b) {
    return a.position->dot(normal) < b.position->dot(normal);
  });
  g.direction.col(0) = row.normalized();
  g.direction.col(1) = column.normalized();
  g.direction.col(2) = normal;
  g.origin = *frames.front().position;
  if (frames.size() == 1) {
    g.spacing.z() = series.slice_gap.value_or(1.0);
    return g;
  }
  std::vector<double> gaps;
  for (std::size_t k = 1; k < frames.size(); ++k) {
    const double gap = (*frames[k].position - *frames[k - 1].position).dot(normal);
    if (gap < 1e-3) {
      return make_error(
          ErrorCode::invalid_input,
          "DICOM series has two slices at the same position (" +
              sources[frames[k - 1].instance].name() + " and " +
              sources[frames[k].instance].name() +
              "): it may hold several echoes, phases or time points; split it before import");
    }
    gaps.push_back(gap);
  }
  std::vector<double> sorted = gaps;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2),
                   sorted.end());
  const double nominal = sorted[sorted.size() / 2];
  for (std::size_t k = 0; k < gaps.size(); ++k) {
    if (std::abs(gaps[k] - nominal) > std::max(0.01, 0.01 * nominal)) {
      char message[400];
      std::snprintf(
          message, sizeof message,
          "DICOM series has inconsistent slice spacing: %g mm vs %g mm at slice %zu (%s)%s",
          nominal, gaps[k], k + 1, sources[frames[k + 1].instance].name().c_str(),
          gaps[k] > nominal ? "; a slice is probably missing: re-export the complete series" : "");
      if (!options.allow_irregular_spacing) return make_error(ErrorCode::invalid_input, message);
      warnings.push_back(std::string(message) +
                         "; read with the mean spacing, positions between gaps are approximate");
      break;
    }
  }
  const Vector3d span = *frames.back().position - *frames.front().position;
  const double along = span.dot(normal);
  g.spacing.z() = along / static_cast<double>(frames.size() - 1);
  const double tilt_degrees = std::acos(std::clamp(along / span.norm(), -1.0, 1.0)) * 180.0 / M_PI;
  if (tilt_degrees > kTiltToleranceDegrees) {
    char message[300];
    std::snprintf(message, sizeof message,
                  "DICOM series was acquired with a gantry tilt of %.2f degrees: slices are "
                  "sheared against their normal; "
                  "reconstruct it without tilt on the scanner",
                  tilt_degrees);
    if (!options.allow_gantry_tilt) return make_error(ErrorCode::invalid_input, message);
    warnings.push_back(std::string(message) + " (read without correcting the shear)");
  }
  return g;
}

std::optional<SampleType> sample_type(const gdcm::PixelFormat& pf) {
  switch (pf.GetScalarType()) {
    case gdcm::PixelFormat::UINT8:
      return SampleType::u8;
    case gdcm::PixelFormat::INT8:
      return SampleType::i8;
    case gdcm::PixelFormat::UINT12:
    case gdcm::PixelFormat::UINT16:
      return SampleType::u16;
    case gdcm::PixelFormat::INT12:
    case gdcm::PixelFormat::INT16:
      return SampleType::i16;
    case gdcm::PixelFormat::UINT32:
      return SampleType::u32;
    case gdcm::PixelFormat::INT32:
      return SampleType::i32;
    case gdcm::PixelFormat::FLOAT32:
      return SampleType::f32;
    case gdcm::PixelFormat::FLOAT64:
      return SampleType::f64;
    case gdcm::PixelFormat::SINGLEBIT:
      return SampleType::u8;  // unpacked below
    default:
      return std::nullopt;
  }
}

// The dataset's Pixel Representation is normative (PS3.5 8.1.1); a codec
// may report the other signedness (a JPEG 2000 stream declared unsigned in a
// signed dataset), so keep GDCM's sample size and the dataset's sign.
SampleType declared_type(const InstanceHeader& h, SampleType decoded) {
  const bool is_signed = h.pixel_representation == 1;
  switch (decoded) {
    case SampleType::u8:
    case SampleType::i8:
      return h.bits_allocated == 1 || !is_signed ? SampleType::u8 : SampleType::i8;
    case SampleType::u16:
    case SampleType::i16:
      return is_signed ? SampleType::i16 : SampleType::u16;
    case SampleType::u32:
    case SampleType::i32:
      return is_signed ? SampleType::i32 : SampleType::u32;
    default:
      return decoded;
  }
}

// Only the low Bits Stored bits hold the value (PS3.5 8.1.1 and C.7.6.3.1):
// higher bits are masked off, and signed values are sign-extended from the
// stored width.
template <class T>
void keep_stored_bits(unsigned char* data, std::size_t count, unsigned bits_stored) {
  using U = std::make_unsigned_t<T>;
  constexpr unsigned width = sizeof(T) * 8;
  if (bits_stored == 0 || bits_stored >= width) return;
  const U mask = static_cast<U>((U{1} << bits_stored) - 1);
  const U sign = static_cast<U>(U{1} << (bits_stored - 1));
  for (std::size_t n = 0; n < count; ++n) {
    U v;
    std::memcpy(&v, data + n * sizeof(T), sizeof(T));
    v = static_cast<U>(v & mask);
    if (std::is_signed_v<T> && (v & sign)) v = static_cast<U>(v | static_cast<U>(~mask));
    std::memcpy(data + n * sizeof(T), &v, sizeof(T));
  }
}

void keep_stored_bits(SampleType type, unsigned char* data, std::size_t count,
                      unsigned bits_stored) {
  switch (type) {
    case SampleType::u8:
      keep_stored_bits<std::uint8_t>(data, count, bits_stored);
      break;
    case SampleType::i8:
      keep_stored_bits<std::int8_t>(data, count, bits_stored);
      break;
    case SampleType::u16:
      keep_stored_bits<std::uint16_t>(data, count, bits_stored);
      break;
    case SampleType::i16:
      keep_stored_bits<std::int16_t>(data, count, bits_stored);
      break;
    case SampleType::u32:
      keep_stored_bits<std::uint32_t>(data, count, bits_stored);
      break;
    case SampleType::i32:
      keep_stored_bits<std::int32_t>(data, count, bits_stored);
      break;
    default:
      break;
  }
}

// Compressed data larger than this ratio would be a hostile header: the
// limit still lets a blank 512x512 image compress to a few bytes.
constexpr std::uint64_t kMaxCompressionRatio = 20000;
constexpr std::uint64_t kAlwaysAllowedBytes = std::uint64_t{64} << 20;

Status check_pixel_data(const gdcm::Image& image, std::uint64_t expected_bytes,
                        const std::string& name) {
  const gdcm::DataElement& pixels = image.GetDataElement();
  if (const gdcm::SequenceOfFragments* fragments = pixels.GetSequenceOfFragments()) {
    const std::uint64_t compressed = fragments->ComputeByteLength();
    if (expected_bytes > kAlwaysAllowedBytes &&
        expected_bytes / std::max<std::uint64_t>(compressed, 1) > kMaxCompressionRatio) {
      return make_error(
          ErrorCode::invalid_input,
          "DICOM file " + name + " claims " + std::to_string(expected_bytes) +
              " bytes of pixels from only " + std::to_string(compressed) +
              " compressed bytes: its Rows/Columns/Number of Frames are not credible");
    }
    return {};
  }
  const gdcm::ByteValue* bv = pixels.GetByteValue();
  const std::uint64_t present = bv ? static_cast<std::uint64_t>(bv->GetLength()) : 0;
  if (present < expected_bytes) {
    return make_error(ErrorCode::invalid_input,
                      "DICOM file " + name + " has truncated pixel data: " +
                          std::to_string(present) + " bytes for " + std::to_string(expected_bytes) +
                          " expected from Rows, Columns, Number of Frames and Bits Allocated");
  }
  return {};
}

// The image GDCM decodes, described from the dataset by us rather than by
// gdcm::ImageReader: its geometry code (ImageHelper) asserts, and so aborts
// the process, on malformed positions or orientations that we report as
// errors ourselves.
Result<gdcm::Image> image_of(const gdcm::File& file, const InstanceHeader& layout,
                             std::size_t frames, const std::string& name) {
  const gdcm::DataSet& ds = file.GetDataSet();
  if (!ds.FindDataElement(tags::pixel_data) || ds.GetDataElement(tags::pixel_data).IsEmpty()) {
    return make_error(ErrorCode::invalid_input, "DICOM file " + name + " has no pixel data");
  }
  const std::uint16_t allocated = layout.bits_allocated;
  const std::uint16_t stored = detail::attribute_us(ds, tags::bits_stored).value_or(allocated);
  const std::uint16_t representation =
      detail::attribute_us(ds, tags::pixel_representation).value_or(0);
  if (stored == 0 || stored > allocated || representation > 1) {
    return make_error(
        ErrorCode::invalid_input,
        "DICOM file " + name + " has inconsistent Bits Stored / Pixel Representation");
  }
  gdcm::Image image;
  image.SetNumberOfDimensions(3);
  image.SetDimension(0, layout.columns);
  image.SetDimension(1, layout.rows);
  image.SetDimension(2, static_cast<unsigned int>(frames));
  image.SetPixelFormat(gdcm::PixelFormat(1, allocated, stored,
                                         static_cast<unsigned short>(stored - 1), representation));
  image.SetPhotometricInterpretation(
      gdcm::PhotometricInterpretation::GetPIType(layout.photometric.c_str()));
  image.SetTransferSyntax(file.GetHeader().GetDataSetTransferSyntax());
  image.SetDataElement(ds.GetDataElement(tags::pixel_data));
  return image;
}

// Where decoded instances go: the whole series' samples, their type (set by
// the first instance decoded) and size.
struct DecodeTarget {
  std::vector<unsigned char>* raw;
  std::optional<SampleType> type;
  std::size_t sample = 0;
};

// Decodes one instance and copies its frames into their sorted slots.
Status decode_instance(const Source& source, const SeriesHeader& series,
                       const std::vector<std::size_t>& slots, DecodeTarget& out) {
  const std::size_t plane = std::size_t{series.layout.rows} * series.layout.columns;
  gdcm::Reader reader;
  std::istringstream holder;
  if (!read_with(reader, source, holder, false)) {
    return make_error(ErrorCode::invalid_input, "GDCM cannot read the image in " + source.name());
  }
  const std::size_t frames = slots.size();
  auto built = image_of(reader.GetFile(), series.layout, frames, source.name());
  if (!built) return built.error();
  const gdcm::Image& image = *built;
  const gdcm::PixelFormat& pf = image.GetPixelFormat();
  auto this_type = sample_type(pf);
  if (!this_type || pf.GetSamplesPerPixel() != 1) {
    return make_error(ErrorCode::invalid_input, std::string("DICOM file ") + source.name() +
                                                    " has an unsupported pixel format " +
                                                    pf.GetScalarTypeAsString());
  }
  const bool bits = pf.GetScalarType() == gdcm::PixelFormat::SINGLEBIT;
  *this_type = declared_type(series.layout, *this_type);
  if (!out.type) {
    out.type = *this_type;
    out.sample = detail::sample_size(*this_type);
    out.raw->resize(plane * series.frames.size() * out.sample);
  } else if (*this_type != *out.type) {
    return make_error(ErrorCode::invalid_input,
                      "DICOM series mixes pixel types (" + source.name() + ")");
  }
  const std::size_t sample = out.sample;
  const std::uint64_t expected =
      bits ? (std::uint64_t{plane} * frames + 7) / 8 : std::uint64_t{plane} * frames * sample;
  MV_TRY(check_pixel_data(image, expected, source.name()));
  if (image.GetBufferLength() != expected) {
    return make_error(ErrorCode::invalid_input,
                      "DICOM file " + source.name() + " decodes to an unexpected number of bytes");
  }
  std::vector<char> buffer(static_cast<std::size_t>(expected));
  if (!image.GetBuffer(buffer.data())) {
    return make_error(ErrorCode::invalid_input, "GDCM cannot decode the pixel data of " +
                                                    source.name() + " (transfer syntax " +
                                                    image.GetTransferSyntax().GetString() + ")");
  }
  if (sample == 4 && image.GetTransferSyntax() == gdcm::TransferSyntax::ExplicitVRBigEndian) {
    // GDCM 3.0 byte-swaps 32-bit big-endian pixels as 16-bit words; put
    // the two halves of each value back in order (checked against pydicom
    // on rtdose_expb.dcm).
    for (std::size_t n = 0; n + 4 <= buffer.size(); n += 4) {
      std::swap(buffer[n], buffer[n + 2]);
      std::swap(buffer[n + 1], buffer[n + 3]);
    }
  }
  for (std::size_t f = 0; f < frames; ++f) {
    unsigned char* dst = out.raw->data() + slots[f] * plane * sample;
    if (bits) {
      // PS3.5 8.1.1: bit-packed pixels, the first pixel in the least significant bit.
      for (std::size_t p = 0; p < plane; ++p) {
        const std::size_t bit = f * plane + p;
        dst[p] = static_cast<unsigned char>(
            (static_cast<unsigned char>(buffer[bit / 8]) >> (bit % 8)) & 1u);
      }
    } else {
      std::memcpy(dst, buffer.data() + f * plane * sample, plane * sample);
    }
  }
  return {};
}

// Decodes every instance and copies its frames into their sorted slots. The
// first instance fixes the sample type; the others are decoded in parallel
// (each gdcm::Reader is independent, and every instance writes its own
// slots). Progress is reported in order of completion, one call at a time.
Result<std::vector<unsigned char>> decode(const std::vector<Source>& sources,
                                          const SeriesHeader& series, SampleType& type,
                                          const ScanProgress& progress) {
  std::vector<std::vector<std::size_t>> slot_of(sources.size());  // [instance][frame] -> slot
  for (std::size_t slot = 0; slot < series.frames.size(); ++slot) {
    const Frame& f = series.frames[slot];
    if (slot_of[f.instance].size() <= f.frame) slot_of[f.instance].resize(f.frame + 1);
    slot_of[f.instance][f.frame] = slot;
  }
  std::vector<unsigned char> raw;
  DecodeTarget first{&raw, std::nullopt, 0};
  MV_TRY(decode_instance(sources[0], series, slot_of[0], first));
  std::mutex progress_mutex;
  std::size_t done = 1;
  if (progress) progress(done, sources.size());
  std::vector<std::optional<Error>> errors(sources.size());
  tbb::parallel_for(std::size_t{1}, sources.size(), [&](std::size_t i) {
    DecodeTarget target = first;
    if (auto r = decode_instance(sources[i], series, slot_of[i], target); !r) errors[i] = r.error();
    if (progress) {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      progress(++done, sources.size());
    }
  });
  for (const auto& e : errors)
    if (e) return *e;
  type = *first.type;
  const std::size_t sample = first.sample;
  if (series.layout.bits_allocated != 1)
    keep_stored_bits(type, raw.data(), raw.size() / sample, series.layout.bits_stored);
  return raw;
}

ValueUnit unit_of(const DicomSeriesInfo& info) {
  if (info.modality == "CT") return ValueUnit::hounsfield;
  if (info.modality == "SEG") return ValueUnit::label;
  return ValueUnit::intensity;
}

void silence_gdcm() {
  // GDCM reports recoverable oddities on stderr; the reader returns errors
  // and warnings as values instead.
  static const bool silenced = [] {
    gdcm::Trace::WarningOff();
    gdcm::Trace::ErrorOff();
    gdcm::Trace::DebugOff();
    return true;
  }();
  (void)silenced;
}

Result<SeriesVolume> read_sources(const std::vector<Source>& sources, const ScanProgress& progress,
                                  const DicomReadOptions& options) {
  silence_gdcm();
  if (sources.empty()) return make_error(ErrorCode::invalid_input, "DICOM series has no files");
  SeriesVolume out;
  auto header = read_headers(sources, out.warnings);
  if (!header) return header.error();
  auto geometry = arrange(*header, options, sources, out.warnings);
  if (!geometry) return geometry.error();
  SampleType type = SampleType::u8;
  auto raw = decode(sources, *header, type, progress);
  if (!raw) return raw.error();
  std::vector<detail::LinearRescale> rescales;
  for (const Frame& f : header->frames) rescales.push_back(f.rescale);
  const std::size_t plane = std::size_t{header->layout.rows} * header->layout.columns;
  const detail::RawSamples samples{raw->data(), type, plane, rescales};
  out.info = header->info;
  out.volume = detail::make_volume(*geometry, detail::convert_samples(samples), unit_of(out.info));
  out.volume.modality = out.info.modality;
  out.volume.description = out.info.series_description;
  if (out.info.lossy_compressed)
    out.warnings.emplace_back(
        "DICOM pixels were lossy compressed: not for diagnosis or fine measurement");
  if (out.info.burned_in_annotation) {
    out.warnings.emplace_back(
        "DICOM images may carry burned-in text (Burned In Annotation or Secondary Capture): check "
        "pixels for patient identity");
  }
  return out;
}

}  // namespace

Result<SeriesVolume> read_dicom_series(const DicomSeries& series, const ScanProgress& progress,
                                       const DicomReadOptions& options) {
  std::vector<Source> sources;
  for (const auto& f : series.files) sources.push_back({f, {}});
  return read_sources(sources, progress, options);
}

Result<SeriesVolume> read_dicom_bytes(std::span<const std::uint8_t> bytes,
                                      const DicomReadOptions& options) {
  return read_sources({Source{{}, bytes}}, {}, options);
}

}  // namespace medvision::imaging
