#include "imaging/nifti_reader.h"

#include <nifti2_io.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include "imaging/voxel_rescale.h"

namespace medvision::imaging {
namespace {

using detail::SampleType;

constexpr std::size_t kChunkBytes = std::size_t{1} << 22;

// Bytes of a .nii or .nii.gz, from a file (zlib reads both transparently) or
// from memory (plain or gzip).
class NiftiStream {
 public:
  static Result<NiftiStream> open_file(const std::filesystem::path& path) {
    NiftiStream s;
    s.file_ = gzopen(path.c_str(), "rb");
    if (s.file_ == nullptr) {
      return make_error(ErrorCode::not_found, "cannot open NIfTI file " + path.string());
    }
    gzbuffer(s.file_, 1 << 16);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && gzdirect(s.file_) == 1) s.plain_size_ = size;
    return s;
  }
  static Result<NiftiStream> open_memory(std::span<const std::uint8_t> bytes) {
    NiftiStream s;
    s.memory_ = bytes;
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
      s.inflater_ = std::make_unique<z_stream>();
      std::memset(s.inflater_.get(), 0, sizeof(z_stream));
      if (inflateInit2(s.inflater_.get(), 15 + 16) != Z_OK) {
        s.inflater_.reset();
        return make_error(ErrorCode::internal, "zlib could not start decompressing the NIfTI data");
      }
      // zlib's interface is not const-correct; it never writes to next_in.
      s.inflater_->next_in =
          const_cast<Bytef*>(bytes.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
      s.inflater_->avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), UINT32_MAX));
    } else {
      s.plain_size_ = bytes.size();
    }
    return s;
  }

  NiftiStream() = default;
  NiftiStream(NiftiStream&& other) noexcept { *this = std::move(other); }
  NiftiStream& operator=(NiftiStream&& other) noexcept {
    std::swap(file_, other.file_);
    std::swap(memory_, other.memory_);
    std::swap(inflater_, other.inflater_);
    std::swap(position_, other.position_);
    std::swap(plain_size_, other.plain_size_);
    std::swap(error_, other.error_);
    return *this;
  }
  NiftiStream(const NiftiStream&) = delete;
  NiftiStream& operator=(const NiftiStream&) = delete;
  ~NiftiStream() {
    if (file_ != nullptr) gzclose(file_);
    if (inflater_) inflateEnd(inflater_.get());
  }

  // Reads up to n bytes; fewer means the data ended (or is corrupt: error()).
  std::size_t read(void* dst, std::size_t n) {
    std::size_t done = 0;
    auto* out = static_cast<unsigned char*>(dst);
    while (done < n) {
      const std::size_t want = std::min<std::size_t>(n - done, 1u << 30);
      const std::size_t got = read_some(out + done, want);
      if (got == 0) break;
      done += got;
    }
    position_ += done;
    return done;
  }
  bool skip(std::uint64_t n) {
    std::array<unsigned char, 1 << 14> scratch{};
    while (n > 0) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, scratch.size()));
      if (read(scratch.data(), want) != want) return false;
      n -= want;
    }
    return true;
  }
  std::uint64_t position() const { return position_; }
  // Size of the uncompressed data when it is known without reading it all.
  std::optional<std::uint64_t> plain_size() const { return plain_size_; }
  bool corrupt() const { return error_; }

 private:
  std::size_t read_some(unsigned char* out, std::size_t n) {
    if (file_ != nullptr) {
      const int got = gzread(file_, out, static_cast<unsigned>(n));
      if (got < 0) {
        error_ = true;
        return 0;
      }
      return static_cast<std::size_t>(got);
    }
    if (!inflater_) {
      const std::size_t at = static_cast<std::size_t>(position_);
      const std::size_t got = at >= memory_.size() ? 0 : std::min(n, memory_.size() - at);
      if (got > 0) std::memcpy(out, memory_.data() + at, got);
      return got;
    }
    inflater_->next_out = out;
    inflater_->avail_out = static_cast<uInt>(n);
    const int rc = inflate(inflater_.get(), Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) error_ = true;
    return n - inflater_->avail_out;
  }

  gzFile file_ = nullptr;
  std::span<const std::uint8_t> memory_;
  std::unique_ptr<z_stream> inflater_;
  std::uint64_t position_ = 0;
  std::optional<std::uint64_t> plain_size_;
  bool error_ = false;
};

// The parts of a NIfTI-1 or NIfTI-2 header the reader needs, in native order.
struct Header {
  int version = 1;
  std::size_t header_bytes = 348;
  bool swapped = false;
  std::array<std::int64_t, 8> dim{};
  int datatype = 0;
  double vox_offset = 0;
  double scl_slope = 0;
  double scl_inter = 0;
  int intent_code = 0;
  int qform_code = 0;
  int sform_code = 0;
  nifti_dmat44 qto_xyz{};
  nifti_dmat44 sto_xyz{};
  std::array<unsigned char, 540> raw{};  // the header struct, in native byte order
};

std::optional<SampleType> sample_type(int datatype) {
  switch (datatype) {
    case DT_UINT8:
      return SampleType::u8;
    case DT_INT8:
      return SampleType::i8;
    case DT_INT16:
      return SampleType::i16;
    case DT_UINT16:
      return SampleType::u16;
    case DT_INT32:
      return SampleType::i32;
    case DT_UINT32:
      return SampleType::u32;
    case DT_INT64:
      return SampleType::i64;
    case DT_UINT64:
      return SampleType::u64;
    case DT_FLOAT32:
      return SampleType::f32;
    case DT_FLOAT64:
      return SampleType::f64;
    default:
      return std::nullopt;
  }
}

std::int32_t byte_swapped(std::int32_t v) {
  detail::swap_bytes(&v, 1, sizeof v);
  return v;
}

// nifti_convert_n?hdr2nim computes the qform and sform matrices (from the
// quaternion, per nifti1.h) once the header has passed our own checks.
template <class RawHeader>
Status fill_transforms(const RawHeader& raw, Header& h) {
  nifti_image* nim = nullptr;
  if constexpr (std::is_same_v<RawHeader, nifti_1_header>) {
    nim = nifti_convert_n1hdr2nim(raw, "memory.nii");
  } else {
    nim = nifti_convert_n2hdr2nim(raw, "memory.nii");
  }
  if (nim == nullptr)
    return make_error(ErrorCode::invalid_input,
                      "NIfTI header is invalid (nifti2 library rejected it)");
  h.qto_xyz = nim->qto_xyz;
  h.sto_xyz = nim->sto_xyz;
  h.qform_code = nim->qform_code;
  h.sform_code = nim->sform_code;
  nifti_image_free(nim);
  return {};
}

Result<Header> read_header(NiftiStream& in) {
  std::int32_t sizeof_hdr = 0;
  if (in.read(&sizeof_hdr, 4) != 4)
    return make_error(ErrorCode::invalid_input, "not a NIfTI file: shorter than a header");
  Header h;
  if (sizeof_hdr == 348 || byte_swapped(sizeof_hdr) == 348) {
    nifti_1_header raw{};
    std::memcpy(&raw, &sizeof_hdr, 4);
    if (in.read(reinterpret_cast<char*>(&raw) + 4, sizeof raw - 4) != sizeof raw - 4) {
      return make_error(ErrorCode::invalid_input, "NIfTI-1 header is truncated");
    }
    if (std::memcmp(raw.magic, "ni1", 4) == 0) {
      return make_error(
          ErrorCode::invalid_input,
          "NIfTI header/image pairs (.hdr/.img) are not supported: convert to a single .nii file");
    }
    if (std::memcmp(raw.magic, "n+1", 4) != 0) {
      return make_error(
          ErrorCode::invalid_input,
          "not a NIfTI-1 file: magic is not \"n+1\" (Analyze 7.5 files are not supported)");
    }
    h.swapped = sizeof_hdr != 348;
    if (h.swapped) swap_nifti_header(&raw, 1);
    for (int i = 0; i < 8; ++i) h.dim[static_cast<std::size_t>(i)] = raw.dim[i];
    h.datatype = raw.datatype;
    h.vox_offset = raw.vox_offset;
    h.scl_slope = raw.scl_slope;
    h.scl_inter = raw.scl_inter;
    h.intent_code = raw.intent_code;
    h.version = 1;
    h.header_bytes = 348;
    h.qform_code = raw.qform_code;
    h.sform_code = raw.sform_code;
    std::memcpy(h.raw.data(), &raw, sizeof raw);
    return h.dim[0] >= 1 && h.dim[0] <= 7
               ? Result<Header>(h)
               : make_error(ErrorCode::invalid_input,
                            "NIfTI dim[0] must be 1..7, is " + std::to_string(h.dim[0]));
  }
  if (sizeof_hdr == 540 || byte_swapped(sizeof_hdr) == 540) {
    nifti_2_header raw{};
    std::memcpy(&raw, &sizeof_hdr, 4);
    if (in.read(reinterpret_cast<char*>(&raw) + 4, sizeof raw - 4) != sizeof raw - 4) {
      return make_error(ErrorCode::invalid_input, "NIfTI-2 header is truncated");
    }
    if (std::memcmp(raw.magic, "n+2", 4) != 0) {
      return make_error(ErrorCode::invalid_input,
                        "not a single-file NIfTI-2 image: magic is not \"n+2\"");
    }
    h.swapped = sizeof_hdr != 540;
    if (h.swapped) swap_nifti_header(&raw, 2);
    for (int i = 0; i < 8; ++i) h.dim[static_cast<std::size_t>(i)] = raw.dim[i];
    h.datatype = raw.datatype;
    h.vox_offset = static_cast<double>(raw.vox_offset);
    h.scl_slope = raw.scl_slope;
    h.scl_inter = raw.scl_inter;
    h.intent_code = raw.intent_code;
    h.version = 2;
    h.header_bytes = 540;
    h.qform_code = raw.qform_code;
    h.sform_code = raw.sform_code;
    std::memcpy(h.raw.data(), &raw, sizeof raw);
    return h.dim[0] >= 1 && h.dim[0] <= 7
               ? Result<Header>(h)
               : make_error(ErrorCode::invalid_input,
                            "NIfTI dim[0] must be 1..7, is " + std::to_string(h.dim[0]));
  }
  return make_error(ErrorCode::invalid_input, "not a NIfTI file: sizeof_hdr is " +
                                                  std::to_string(sizeof_hdr) +
                                                  ", expected 348 (NIfTI-1) or 540 (NIfTI-2)");
}

struct Layout {
  Dims dims{1, 1, 1};
  std::int64_t volume_count = 1;
  std::uint64_t volume_bytes = 0;
  SampleType type = SampleType::u8;
};

Result<Layout> check_layout(const Header& h, const NiftiOptions& options) {
  Layout layout;
  const auto type = sample_type(h.datatype);
  if (!type) {
    const char* name = nifti_datatype_string(h.datatype);
    return make_error(ErrorCode::invalid_input,
                      std::string("NIfTI datatype ") + (name ? name : "?") + " (" +
                          std::to_string(h.datatype) +
                          ") is not supported: use an integer or floating-point scalar type");
  }
  layout.type = *type;
  std::int64_t voxels = 1;
  for (int i = 1; i <= 7; ++i) {
    const std::int64_t n = i <= h.dim[0] ? h.dim[static_cast<std::size_t>(i)] : 1;
    if (n < 1) {
      return make_error(ErrorCode::invalid_input, "NIfTI dim[" + std::to_string(i) + "] is " +
                                                      std::to_string(n) +
                                                      ": every dimension must be at least 1");
    }
    if (i <= 3) {
      layout.dims[static_cast<std::size_t>(i - 1)] = n;
      if (n > max_voxels || voxels > max_voxels / n) {
        return make_error(ErrorCode::invalid_input,
                          "NIfTI image is too large: " + std::to_string(h.dim[1]) + " x " +
                              std::to_string(h.dim[2]) + " x " + std::to_string(h.dim[3]) +
                              " voxels exceeds the limit of " + std::to_string(max_voxels));
      }
      voxels *= n;
    } else {
      if (n > (std::int64_t{1} << 40) || layout.volume_count > (std::int64_t{1} << 40) / n) {
        return make_error(ErrorCode::invalid_input,
                          "NIfTI image has an implausible number of volumes (dims 4..7)");
      }
      layout.volume_count *= n;
    }
  }
  if (layout.volume_count > (std::int64_t{1} << 62) / voxels) {
    return make_error(ErrorCode::invalid_input,
                      "NIfTI image has an implausible number of voxels over all its dimensions");
  }
  if (options.volume_index < 0 || options.volume_index >= layout.volume_count) {
    return make_error(ErrorCode::invalid_input,
                      "NIfTI volume index " + std::to_string(options.volume_index) +
                          " is out of range: the file holds " +
                          std::to_string(layout.volume_count) + " volume(s)");
  }
  layout.volume_bytes = static_cast<std::uint64_t>(voxels) * detail::sample_size(layout.type);
  if (!std::isfinite(h.vox_offset) || h.vox_offset < static_cast<double>(h.header_bytes) ||
      h.vox_offset > 1e15) {
    return make_error(ErrorCode::invalid_input,
                      "NIfTI vox_offset " + std::to_string(h.vox_offset) +
                          " is invalid: it must not point inside the header");
  }
  return layout;
}

Result<Geometry> geometry_of(const Header& h, const Layout& layout,
                             std::vector<std::string>& warnings) {
  const nifti_dmat44* m = &h.qto_xyz;
  if (h.sform_code > 0) {
    m = &h.sto_xyz;
  } else if (h.qform_code <= 0) {
    warnings.emplace_back(
        "NIfTI file sets neither qform nor sform: placed from voxel sizes alone (NIfTI-1 method "
        "1)");
  }
  Eigen::Matrix4d ras;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) ras(r, c) = m->m[r][c];
  }
  if (!ras.allFinite())
    return make_error(ErrorCode::invalid_input, "NIfTI transform holds non-finite numbers");
  // NIfTI world is RAS+, MedVision's patient space is LPS+: negate x and y.
  const Eigen::Matrix4d lps = Eigen::Vector4d(-1, -1, 1, 1).asDiagonal() * ras;
  Geometry g;
  g.dims = layout.dims;
  const Eigen::Matrix3d linear = lps.block<3, 3>(0, 0);
  for (int c = 0; c < 3; ++c) {
    const double length = linear.col(c).norm();
    if (!(length > 0))
      return make_error(ErrorCode::invalid_input, "NIfTI transform is degenerate: voxel axis " +
                                                      std::to_string(c) + " has zero length");
    g.spacing[c] = length;
    g.direction.col(c) = linear.col(c) / length;
  }
  g.origin = lps.block<3, 1>(0, 3);
  const Eigen::Matrix3d gram = g.direction.transpose() * g.direction;
  if (!gram.isIdentity(1e-4))
    warnings.emplace_back("NIfTI sform has shear: voxel axes are not perpendicular");
  return g;
}

Result<std::vector<unsigned char>> read_voxel_bytes(NiftiStream& in, const Header& h,
                                                    const Layout& layout,
                                                    const NiftiOptions& options) {
  const std::uint64_t offset =
      static_cast<std::uint64_t>(h.vox_offset) +
      static_cast<std::uint64_t>(options.volume_index) * layout.volume_bytes;
  if (const auto size = in.plain_size(); size && *size < offset + layout.volume_bytes) {
    return make_error(ErrorCode::invalid_input,
                      "NIfTI file is truncated: the header asks for " +
                          std::to_string(layout.volume_bytes) + " bytes of voxels at offset " +
                          std::to_string(offset) + " but the file holds " + std::to_string(*size) +
                          " bytes");
  }
  if (!in.skip(offset - in.position())) {
    return make_error(ErrorCode::invalid_input, "NIfTI file ends before its voxel data (offset " +
                                                    std::to_string(offset) + ")");
  }
  // Grow with the data actually present, so that a compressed file whose
  // header promises more than it holds cannot make us allocate it all.
  std::vector<unsigned char> bytes;
  while (bytes.size() < layout.volume_bytes) {
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(kChunkBytes, layout.volume_bytes - bytes.size()));
    const std::size_t at = bytes.size();
    if (bytes.capacity() < at + want)
      bytes.reserve(std::max<std::size_t>(
          at + want, std::min<std::size_t>(2 * bytes.capacity(), layout.volume_bytes)));
    bytes.resize(at + want);
    const std::size_t got = in.read(bytes.data() + at, want);
    if (got != want) {
      return make_error(ErrorCode::invalid_input,
                        std::string("NIfTI file is ") + (in.corrupt() ? "corrupt" : "truncated") +
                            ": voxel data ends after " + std::to_string(at + got) + " of " +
                            std::to_string(layout.volume_bytes) + " bytes");
    }
  }
  return bytes;
}

Result<NiftiVolume> read_stream(NiftiStream& in, const NiftiOptions& options) {
  nifti_set_debug_level(0);
  auto header = read_header(in);
  if (!header) return header.error();
  Header& h = *header;
  auto layout = check_layout(h, options);
  if (!layout) return layout.error();

  if (h.version == 1) {
    nifti_1_header raw{};
    std::memcpy(&raw, h.raw.data(), sizeof raw);
    MV_TRY(fill_transforms(raw, h));
  } else {
    nifti_2_header raw{};
    std::memcpy(&raw, h.raw.data(), sizeof raw);
    MV_TRY(fill_transforms(raw, h));
  }
  NiftiVolume out;
  out.nifti_version = h.version;
  out.volume_count = layout->volume_count;
  auto geometry = geometry_of(h, *layout, out.warnings);
  if (!geometry) return geometry.error();
  auto bytes = read_voxel_bytes(in, h, *layout, options);
  if (!bytes) return bytes.error();
  const std::size_t size = detail::sample_size(layout->type);
  if (h.swapped && size > 1) detail::swap_bytes(bytes->data(), bytes->size() / size, size);

  // nifti1.h: scl_slope 0 means the data are not scaled.
  detail::LinearRescale rescale;
  if (h.scl_slope != 0 && std::isfinite(h.scl_slope) && std::isfinite(h.scl_inter))
    rescale = {h.scl_slope, h.scl_inter};
  const detail::RawSamples raw{bytes->data(), layout->type, bytes->size() / size,
                               std::span(&rescale, 1)};
  const ValueUnit unit =
      h.intent_code == NIFTI_INTENT_LABEL ? ValueUnit::label : ValueUnit::intensity;
  out.volume = detail::make_volume(*geometry, detail::convert_samples(raw), unit);
  return out;
}

}  // namespace

Result<NiftiVolume> read_nifti(const std::filesystem::path& path, const NiftiOptions& options) {
  auto stream = NiftiStream::open_file(path);
  if (!stream) return stream.error();
  auto result = read_stream(*stream, options);
  if (!result)
    return make_error(result.error().code,
                      result.error().message + " (" + path.filename().string() + ")");
  return result;
}

Result<NiftiVolume> read_nifti(std::span<const std::uint8_t> bytes, const NiftiOptions& options) {
  auto stream = NiftiStream::open_memory(bytes);
  if (!stream) return stream.error();
  return read_stream(*stream, options);
}

}  // namespace medvision::imaging
