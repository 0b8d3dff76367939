#include "imaging/invesalius_project.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace medvision::imaging {
namespace {

constexpr std::size_t kTarBlock = 512;
constexpr std::size_t kMaxPlistBytes = std::size_t{1} << 20;
// A valid matrix holds at most max_voxels int16 samples.
constexpr std::uint64_t kMaxMatrixBytes = static_cast<std::uint64_t>(max_voxels) * 2;
// Skipped entries cost only time, but a gzip bomb could still spin for long:
// stop after this much decompressed data.
constexpr std::uint64_t kMaxArchiveBytes = kMaxMatrixBytes * 2;
// An .inv3 file is read whole (and zlib counts input in 32 bits); projects
// are far smaller than this.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;

Error invalid(const std::string& message) {
  return make_error(ErrorCode::invalid_input, "InVesalius project: " + message);
}

// Sequential reader of a gzip stream (RFC 1952) held in memory.
class GzipStream {
 public:
  explicit GzipStream(std::span<const std::uint8_t> bytes) {
    stream_.next_in = const_cast<Bytef*>(bytes.data());  // zlib does not write through next_in
    stream_.avail_in = static_cast<uInt>(bytes.size());
    // 16 + MAX_WBITS: gzip wrapper only (zlib manual, inflateInit2).
    ok_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipStream() { inflateEnd(&stream_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Fills `out` completely, or returns an error (truncated or corrupt data).
  Result<void> read(std::uint8_t* out, std::size_t size) {
    if (!ok_) return invalid("cannot start gzip decompression");
    total_ += size;
    if (total_ > kMaxArchiveBytes) return invalid("archive decompresses to more than 8 GiB");
    stream_.next_out = out;
    stream_.avail_out = static_cast<uInt>(size);
    while (stream_.avail_out > 0) {
      if (ended_) return invalid("archive is truncated (compressed data ends inside the tar)");
      const int status = inflate(&stream_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        ended_ = true;
      } else if (status == Z_BUF_ERROR && stream_.avail_in == 0) {
        return invalid("archive is truncated (compressed data ends early)");
      } else if (status != Z_OK) {
        return invalid(std::string("corrupt gzip data (") +
                       (stream_.msg ? stream_.msg : "zlib error") + ")");
      } else if (stream_.avail_in == 0 && stream_.avail_out > 0) {
        return invalid("archive is truncated (compressed data ends early)");
      }
    }
    return {};
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
  bool ended_ = false;
  std::uint64_t total_ = 0;
};

// --- tar (POSIX.1-1988 ustar header layout) -------------------------------

struct TarEntry {
  std::string name;
  std::uint64_t size = 0;
  char type = '0';
};

std::optional<std::uint64_t> parse_octal(const std::uint8_t* field, std::size_t width) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (value > (std::uint64_t{1} << 60)) return std::nullopt;
    value = value * 8 + (field[i] - '0');
    any = true;
  }
  for (; i < width; ++i)
    if (field[i] != ' ' && field[i] != 0) return std::nullopt;
  if (!any) return std::nullopt;
  return value;
}

std::string field_string(const std::uint8_t* field, std::size_t width) {
  std::size_t n = 0;
  while (n < width && field[n] != 0) ++n;
  return std::string(reinterpret_cast<const char*>(field), n);
}

// nullopt at the end-of-archive (zero) block.
Result<std::optional<TarEntry>> parse_header(const std::array<std::uint8_t, kTarBlock>& block) {
  if (std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; }))
    return std::optional<TarEntry>{};
  // The checksum sums the header with its own field read as spaces.
  const auto stored = parse_octal(block.data() + 148, 8);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kTarBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : block[i];
  if (!stored || *stored != sum)
    return invalid("tar header checksum does not match (not a tar, or corrupt)");
  TarEntry entry;
  entry.name = field_string(block.data(), 100);
  if (std::memcmp(block.data() + 257, "ustar", 5) == 0) {
    const std::string prefix = field_string(block.data() + 345, 155);
    if (!prefix.empty()) entry.name = prefix + "/" + entry.name;
  }
  const auto size = parse_octal(block.data() + 124, 12);
  if (!size) return invalid("tar entry '" + entry.name + "' has an unreadable size");
  entry.size = *size;
  entry.type = static_cast<char>(block[156]);
  return std::optional<TarEntry>{entry};
}

std::string_view base_name(std::string_view name) {
  const auto slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// --- the property list subset InVesalius writes (Apple PropertyList-1.0.dtd)

struct PlistValue {
  enum class Kind { dict, array, text } kind = Kind::text;
  std::string tag;   // string, integer, real, true, false, date, data
  std::string text;  // element text for scalars
  std::vector<std::string> keys;
  std::vector<PlistValue> values;  // dict values (parallel to keys) or array items

  const PlistValue* find(std::string_view key) const {
    if (kind != Kind::dict) return nullptr;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return &values[i];
    return nullptr;
  }
};

class PlistParser {
 public:
  explicit PlistParser(std::string_view xml) : s_(xml) {}

  Result<PlistValue> parse_document() {
    skip_prolog();
    if (!consume("<plist")) return invalid("main.plist is not an XML property list");
    const auto close = s_.find('>', pos_);
    if (close == std::string_view::npos) return invalid("main.plist ends inside <plist>");
    pos_ = close + 1;
    auto value = parse_value(0);
    if (!value) return value;
    skip_space();
    if (!consume("</plist>")) return invalid("main.plist: expected </plist>");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 32;

  void skip_space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool consume(std::string_view token) {
    skip_space();
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  // XML declaration, DOCTYPE and comments before the root element.
  void skip_prolog() {
    for (;;) {
      skip_space();
      std::string_view end;
      if (s_.substr(pos_, 2) == "<?") {
        end = "?>";
      } else if (s_.substr(pos_, 4) == "<!--") {
        end = "-->";
      } else if (s_.substr(pos_, 2) == "<!") {
        end = ">";
      } else {
        return;
      }
      const auto at = s_.find(end, pos_);
      pos_ = at == std::string_view::npos ? s_.size() : at + end.size();
    }
  }

  // Text up to `</tag>`, with the five predefined XML entities decoded.
  Result<std::string> element_text(const std::string& tag) {
    const std::string close = "</" + tag + ">";
    const auto end = s_.find(close, pos_);
    if (end == std::string_view::npos) return invalid("main.plist: <" + tag + "> is not closed");
    std::string out;
    for (std::size_t i = pos_; i < end; ++i) {
      if (s_[i] != '&') {
        out += s_[i];
        continue;
      }
      static constexpr std::array<std::pair<std::string_view, char>, 5> kEntities{
          {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
      bool matched = false;
      for (const auto& [entity, c] : kEntities) {
        if (s_.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size() - 1;
          matched = true;
          break;
        }
      }
      if (!matched) out += '&';
    }
    pos_ = end + close.size();
    return out;
  }

  Result<PlistValue> parse_value(int depth) {
    if (depth > kMaxDepth) return invalid("main.plist nests deeper than 32 levels");
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '<') return invalid("main.plist: expected an element");
    const auto close = s_.find('>', pos_);
    if (close == std::string_view::npos) return invalid("main.plist ends inside a tag");
    std::string_view tag = s_.substr(pos_ + 1, close - pos_ - 1);
    const bool empty = tag.ends_with('/');
    if (empty) tag.remove_suffix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    pos_ = close + 1;

    PlistValue value;
    value.tag = std::string(tag);
    if (tag == "dict" || tag == "array") {
      value.kind = tag == "dict" ? PlistValue::Kind::dict : PlistValue::Kind::array;
      if (empty) return value;
      const std::string end = "</" + value.tag + ">";
      for (;;) {
        if (consume(end)) return value;
        if (pos_ >= s_.size()) return invalid("main.plist: <" + value.tag + "> is not closed");
        if (value.kind == PlistValue::Kind::dict) {
          if (!consume("<key>")) return invalid("main.plist: expected <key> in <dict>");
          auto key = element_text("key");
          if (!key) return key.error();
          value.keys.push_back(std::move(*key));
        }
        auto item = parse_value(depth + 1);
        if (!item) return item;
        value.values.push_back(std::move(*item));
      }
    }
    if (tag != "string" && tag != "integer" && tag != "real" && tag != "true" && tag != "false" &&
        tag != "date" && tag != "data")
      return invalid("main.plist: unexpected element <" + value.tag + ">");
    if (!empty) {
      auto text = element_text(value.tag);
      if (!text) return text.error();
      value.text = std::move(*text);
    }
    return value;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<double> plist_number(const PlistValue& v) {
  if (v.kind != PlistValue::Kind::text || (v.tag != "integer" && v.tag != "real"))
    return std::nullopt;
  std::string_view text = v.text;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(number))
    return std::nullopt;
  return number;
}

// What main.plist says about the image matrix.
struct MatrixSpec {
  std::string filename;
  std::array<std::int64_t, 3> shape{};  // slices, rows, columns
  Eigen::Vector3d spacing;              // column, row, slice (mm)
  bool ct = false;
};

Result<MatrixSpec> matrix_spec(std::string_view xml) {
  auto root = PlistParser(xml).parse_document();
  if (!root) return root.error();
  if (root->kind != PlistValue::Kind::dict) return invalid("main.plist does not hold a <dict>");
  const PlistValue* matrix = root->find("matrix");
  if (!matrix || matrix->kind != PlistValue::Kind::dict)
    return invalid("main.plist has no 'matrix' entry");
  MatrixSpec spec;
  const PlistValue* dtype = matrix->find("dtype");
  if (!dtype || dtype->tag != "string") return invalid("main.plist: matrix has no dtype");
  if (dtype->text != "int16")
    return invalid("matrix dtype '" + dtype->text +
                   "' is not supported (only int16 CT/MR matrices)");
  const PlistValue* filename = matrix->find("filename");
  if (!filename || filename->tag != "string" || filename->text.empty())
    return invalid("main.plist: matrix has no filename");
  spec.filename = filename->text;
  const PlistValue* shape = matrix->find("shape");
  if (!shape || shape->kind != PlistValue::Kind::array || shape->values.size() != 3)
    return invalid("main.plist: matrix shape is not three numbers");
  for (std::size_t a = 0; a < 3; ++a) {
    const auto n = plist_number(shape->values[a]);
    if (!n || *n < 1 || *n > 65536 || *n != std::floor(*n))
      return invalid("main.plist: matrix shape entry " + std::to_string(a) +
                     " is not a size in 1..65536");
    spec.shape[a] = static_cast<std::int64_t>(*n);
  }
  if (spec.shape[0] * spec.shape[1] * spec.shape[2] > max_voxels)
    return invalid("matrix of " + std::to_string(spec.shape[2]) + "x" +
                   std::to_string(spec.shape[1]) + "x" + std::to_string(spec.shape[0]) +
                   " voxels exceeds the 2^31 voxel limit");
  const PlistValue* spacing = root->find("spacing");
  if (!spacing || spacing->kind != PlistValue::Kind::array || spacing->values.size() != 3)
    return invalid("main.plist: spacing is not three numbers");
  for (int a = 0; a < 3; ++a) {
    const auto d = plist_number(spacing->values[static_cast<std::size_t>(a)]);
    if (!d || *d <= 0 || *d > 1000)
      return invalid("main.plist: spacing must be positive millimetres");
    spec.spacing[a] = *d;
  }
  const PlistValue* modality = root->find("modality");
  spec.ct = modality && modality->tag == "string" && modality->text == "CT";
  return spec;
}

Geometry project_geometry(const MatrixSpec& spec) {
  Geometry g;
  g.dims = {spec.shape[2], spec.shape[1], spec.shape[0]};
  g.spacing = spec.spacing;
  // See the header: i -> left, j -> posterior, k -> superior.
  g.direction = Eigen::Matrix3d::Identity();
  const Eigen::Vector3d half_extent(static_cast<double>(g.dims[0] - 1) / 2,
                                    static_cast<double>(g.dims[1] - 1) / 2,
                                    static_cast<double>(g.dims[2] - 1) / 2);
  g.origin = -(g.direction * g.spacing.cwiseProduct(half_extent));
  return g;
}

struct ArchiveFiles {
  std::optional<std::string> plist;
  std::optional<MatrixSpec> spec;
  std::string matrix_name;  // base name of the buffered matrix
  std::vector<std::uint8_t> matrix;
  bool have_matrix = false;
};

// Reads `size` bytes of an entry into `out`, growing it only as data arrives.
Result<void> read_entry(GzipStream& gz, std::uint64_t size, std::vector<std::uint8_t>& out) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  out.clear();
  while (out.size() < size) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - out.size()));
    const std::size_t at = out.size();
    out.resize(at + n);
    if (auto r = gz.read(out.data() + at, n); !r) return r;
  }
  return {};
}

Result<void> skip_bytes(GzipStream& gz, std::uint64_t size) {
  std::array<std::uint8_t, 64 * 1024> sink{};
  while (size > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sink.size(), size));
    if (auto r = gz.read(sink.data(), n); !r) return r;
    size -= n;
  }
  return {};
}

Result<ArchiveFiles> read_archive(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 18 || bytes[0] != 0x1f || bytes[1] != 0x8b)
    return invalid("not a gzip-compressed archive (an .inv3 file starts with the gzip signature)");
  GzipStream gz(bytes);
  ArchiveFiles files;
  std::array<std::uint8_t, kTarBlock> block{};
  for (;;) {
    if (auto r = gz.read(block.data(), block.size()); !r) return r.error();
    auto header = parse_header(block);
    if (!header) return header.error();
    if (!*header) break;
    const TarEntry& entry = **header;
    const std::uint64_t padded = (entry.size + kTarBlock - 1) / kTarBlock * kTarBlock;
    const std::string_view name = base_name(entry.name);
    const bool regular = entry.type == '0' || entry.type == 0;
    const bool is_plist = regular && name == "main.plist";
    // InVesalius always calls the matrix matrix.dat; once main.plist is read
    // its own name for it is used.
    const std::string wanted_matrix = files.spec ? files.spec->filename : std::string("matrix.dat");
    const bool is_matrix = regular && !files.have_matrix && name == wanted_matrix;
    if (is_plist) {
      if (entry.size > kMaxPlistBytes) return invalid("main.plist is larger than 1 MiB");
      std::vector<std::uint8_t> text;
      if (auto r = read_entry(gz, entry.size, text); !r) return r.error();
      files.plist = std::string(text.begin(), text.end());
      auto spec = matrix_spec(*files.plist);
      if (!spec) return spec.error();
      files.spec = std::move(*spec);
      if (files.have_matrix && files.matrix_name != files.spec->filename) files.have_matrix = false;
    } else if (is_matrix) {
      if (entry.size > kMaxMatrixBytes) return invalid("matrix file is larger than 4 GiB");
      if (files.spec) {
        const auto expected =
            static_cast<std::uint64_t>(files.spec->shape[0] * files.spec->shape[1] *
                                       files.spec->shape[2]) *
            2;
        if (entry.size != expected)
          return invalid(files.spec->filename + " holds " + std::to_string(entry.size) +
                         " bytes, but its shape needs " + std::to_string(expected));
      }
      if (auto r = read_entry(gz, entry.size, files.matrix); !r) return r.error();
      files.matrix_name = std::string(name);
      files.have_matrix = true;
    } else if (auto r = skip_bytes(gz, entry.size); !r) {
      return r.error();
    }
    if (auto r = skip_bytes(gz, padded - entry.size); !r) return r.error();
  }
  if (!files.spec) return invalid("archive holds no main.plist");
  if (!files.have_matrix) return invalid("archive holds no " + files.spec->filename);
  return files;
}

}  // namespace

Result<Volume> read_invesalius_project(std::span<const std::uint8_t> bytes) {
  auto files = read_archive(bytes);
  if (!files) return files.error();
  const MatrixSpec& spec = *files->spec;
  const Geometry geometry = project_geometry(spec);
  const auto count = static_cast<std::size_t>(geometry.voxel_count());
  if (files->matrix.size() != count * 2)
    return invalid(spec.filename + " holds " + std::to_string(files->matrix.size()) +
                   " bytes, but its shape needs " + std::to_string(count * 2));
  Volume volume(geometry, VoxelType::i16, spec.ct ? ValueUnit::hounsfield : ValueUnit::intensity);
  auto& voxels = volume.data<std::int16_t>();
  const std::uint8_t* raw = files->matrix.data();
  // The matrix is a numpy int16 memmap in C order, [slice][row][column], of
  // little-endian samples, with each image stored bottom row first: matrix
  // row r is image row (rows - 1 - r).
  const auto columns = static_cast<std::size_t>(geometry.dims[0]);
  const auto rows = static_cast<std::size_t>(geometry.dims[1]);
  const auto slices = static_cast<std::size_t>(geometry.dims[2]);
  for (std::size_t k = 0; k < slices; ++k) {
    for (std::size_t r = 0; r < rows; ++r) {
      const std::uint8_t* in = raw + 2 * columns * (r + rows * k);
      std::int16_t* out = voxels.data() + columns * ((rows - 1 - r) + rows * k);
      for (std::size_t i = 0; i < columns; ++i)
        out[i] =
            static_cast<std::int16_t>(static_cast<std::uint16_t>(in[2 * i] | (in[2 * i + 1] << 8)));
    }
  }
  volume.modality = spec.ct ? "CT" : "";
  volume.description = "InVesalius project";
  return volume;
}

Result<Volume> read_invesalius_project(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(ErrorCode::not_found, "cannot read " + path.string() + ": " + ec.message());
  if (size > kMaxFileBytes) return invalid(path.string() + " is larger than 1 GiB");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    return make_error(ErrorCode::unavailable, "cannot read " + path.string());
  auto volume = read_invesalius_project(std::span<const std::uint8_t>(bytes));
  if (!volume)
    return make_error(volume.error().code,
                      path.filename().string() + ": " + volume.error().message);
  return volume;
}

}  // namespace medvision::imaging
