#include "imaging/isosurface.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <Eigen/LU>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <variant>

#include "imaging/isosurface_cases.h"

namespace medvision::imaging {
namespace {

using isosurface_cases::Case;
using std::int64_t;

// Bits of a grid point's flag byte.
constexpr std::uint8_t inside_bit = 1;
constexpr std::uint8_t crossing_bits = 0b1110;  // edges towards +x, +y, +z cross the surface
constexpr float kMinParameter = 1e-3f;

// Number of crossing bits set in a flag byte (a table: the baseline x86-64
// target has no popcnt instruction, and std::popcount becomes a library call).
constexpr std::array<std::uint8_t, 16> kCrossings = [] {
  std::array<std::uint8_t, 16> t{};
  for (unsigned f = 0; f < 16; ++f)
    t[f] = static_cast<std::uint8_t>(((f >> 1) & 1) + ((f >> 2) & 1) + ((f >> 3) & 1));
  return t;
}();
inline unsigned crossings_in(unsigned flags) { return kCrossings[flags & crossing_bits]; }

// Where an edge's vertex lives: the grid row (0: j,k  1: j+1,k  2: j,k+1
// 3: j+1,k+1 relative to the cell row), the step along x and the axis.
struct EdgeSlot {
  int row;
  int dx;
  int axis;
};

std::array<EdgeSlot, 12> make_edge_slots() {
  std::array<EdgeSlot, 12> slots{};
  for (int e = 0; e < 12; ++e) {
    const int c = isosurface_cases::edge_corners(e)[0];
    slots[static_cast<std::size_t>(e)] = {((c >> 1) & 1) + 2 * (c >> 2), c & 1, e / 4};
  }
  return slots;
}

// The extraction region: voxel box [lo, hi) of the volume, optionally padded
// by one virtual outside voxel on every side.
struct Region {
  std::array<int64_t, 3> lo{};
  std::array<int64_t, 3> hi{};
  int64_t pad = 0;
  int64_t size(int a) const {
    return hi[static_cast<std::size_t>(a)] - lo[static_cast<std::size_t>(a)] + 2 * pad;
  }
};

struct RowInfo {
  std::uint32_t crossings = 0;
  std::int32_t first = -1;  // first and last grid x with a crossing edge
  std::int32_t last = -1;
};

// Threshold field: inside is value >= iso; crossings by linear interpolation.
template <class T>
struct ThresholdField {
  float iso;
  bool inside(T v) const { return static_cast<float>(v) >= iso; }
  float crossing(T a, T b) const {
    const float fa = static_cast<float>(a);
    return (iso - fa) / (static_cast<float>(b) - fa);
  }
};

// Label field: inside is value == label; crossings at edge midpoints.
template <class T>
struct LabelField {
  T label;
  bool inside(T v) const { return v == label; }
  float crossing(T, T) const { return 0.5f; }
};

template <class T, class Field>
class Extractor {
 public:
  Extractor(const Volume& volume, const T* data, const Region& region, const Field& field)
      : volume_(volume), data_(data), region_(region), field_(field) {
    for (int a = 0; a < 3; ++a) p_[a] = region.size(a);
    // Every byte is written by classify_points: no zero-fill.
    flags_ = std::make_unique_for_overwrite<std::uint8_t[]>(
        static_cast<std::size_t>(std::max<int64_t>(0, p_[0] * p_[1] * p_[2])));
    rows_.resize(static_cast<std::size_t>(p_[1] * p_[2]));
    cell_rows_ = std::max<int64_t>(0, p_[1] - 1) * std::max<int64_t>(0, p_[2] - 1);
    triangle_start_.assign(static_cast<std::size_t>(cell_rows_) + 1, 0);
    centre_start_.assign(static_cast<std::size_t>(cell_rows_) + 1, 0);
    vertex_start_.assign(rows_.size() + 1, 0);
    const Geometry& g = volume.geometry();
    index_to_patient_ = g.direction * g.spacing.asDiagonal();
    flip_winding_ = g.direction.determinant() < 0;
  }

  SurfaceMesh run() {
    if (p_[0] < 2 || p_[1] < 2 || p_[2] < 2) return {};
    classify_points();
    count_cells();
    if (!prefix_sums()) return {};
    write_vertices();
    write_triangles();
    return std::move(mesh_);
  }

 private:
  int64_t row_index(int64_t j, int64_t k) const { return j + p_[1] * k; }
  const std::uint8_t* row_flags(int64_t j, int64_t k) const {
    return flags_.get() + static_cast<std::size_t>(row_index(j, k) * p_[0]);
  }

  // Volume index of grid coordinate g along axis a, or -1 if virtual.
  int64_t volume_coordinate(int a, int64_t g) const {
    const int64_t v = g - region_.pad + region_.lo[static_cast<std::size_t>(a)];
    return v >= region_.lo[static_cast<std::size_t>(a)] &&
                   v < region_.hi[static_cast<std::size_t>(a)]
               ? v
               : -1;
  }
  const T* volume_row(int64_t j, int64_t k) const {
    const int64_t vj = volume_coordinate(1, j), vk = volume_coordinate(2, k);
    if (vj < 0 || vk < 0) return nullptr;
    return data_ + volume_.linear_index(region_.lo[0], vj, vk);
  }

  void inside_row(int64_t j, int64_t k, std::uint8_t* out) const {
    const T* src = volume_row(j, k);
    if (src == nullptr) {
      std::fill(out, out + p_[0], std::uint8_t{0});
      return;
    }
    const int64_t pad = region_.pad;
    const int64_t n = region_.hi[0] - region_.lo[0];
    if (pad != 0) out[0] = out[p_[0] - 1] = 0;
    for (int64_t i = 0; i < n; ++i) out[pad + i] = field_.inside(src[i]) ? 1 : 0;
  }

  // Pass 1: inside bit and crossing bits of every grid point, per row counts.
  void classify_points() {
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, p_[2]), [&](const tbb::blocked_range<int64_t>& ks) {
          std::vector<std::uint8_t> cur(static_cast<std::size_t>(p_[0])), up_y(cur.size()),
              up_z(cur.size());
          for (int64_t k = ks.begin(); k != ks.end(); ++k) {
            const bool has_z = k + 1 < p_[2];
            for (int64_t j = 0; j < p_[1]; ++j) {
              const bool has_y = j + 1 < p_[1];
              if (j == 0) {
                inside_row(j, k, cur.data());
              } else {
                std::swap(cur, up_y);
              }
              if (has_y) inside_row(j + 1, k, up_y.data());
              if (has_z) inside_row(j, k + 1, up_z.data());
              std::uint8_t* out = flags_.get() + static_cast<std::size_t>(row_index(j, k) * p_[0]);
              const std::uint8_t* c0 = cur.data();
              const std::uint8_t* cy = up_y.data();
              const std::uint8_t* cz = up_z.data();
              const std::uint8_t y_on = has_y ? 1 : 0, z_on = has_z ? 1 : 0;
              const int64_t last_i = p_[0] - 1;
              // Branch-free so that the compiler vectorizes it.
              for (int64_t i = 0; i < last_i; ++i) {
                const std::uint8_t in = c0[i];
                out[i] = static_cast<std::uint8_t>(in | ((in ^ c0[i + 1]) << 1) |
                                                   (((in ^ cy[i]) & y_on) << 2) |
                                                   (((in ^ cz[i]) & z_on) << 3));
              }
              {
                const std::uint8_t in = c0[last_i];
                out[last_i] = static_cast<std::uint8_t>(in | (((in ^ cy[last_i]) & y_on) << 2) |
                                                        (((in ^ cz[last_i]) & z_on) << 3));
              }
              RowInfo info;
              std::uint32_t crossings = 0;
              for (int64_t i = 0; i < p_[0]; ++i) {
                crossings += crossings_in(out[i]);
              }
              info.crossings = crossings;
              if (crossings != 0) {
                int64_t first = 0, last = last_i;
                while ((out[first] & crossing_bits) == 0) ++first;
                while ((out[last] & crossing_bits) == 0) --last;
                info.first = static_cast<std::int32_t>(first);
                info.last = static_cast<std::int32_t>(last);
              }
              rows_[static_cast<std::size_t>(row_index(j, k))] = info;
            }
          }
        });
  }

  // The four grid rows of cell row (j, k) and the cells that can hold surface.
  struct CellRow {
    std::array<const std::uint8_t*, 4> flags;
    std::array<int64_t, 4> rows;
    int64_t begin = 0;
    int64_t end = 0;  // cells [begin, end)
  };
  CellRow cell_row(int64_t j, int64_t k) const {
    CellRow c;
    int64_t first = std::numeric_limits<int64_t>::max(), last = -1;
    for (int q = 0; q < 4; ++q) {
      const int64_t jj = j + (q & 1), kk = k + (q >> 1);
      c.rows[static_cast<std::size_t>(q)] = row_index(jj, kk);
      c.flags[static_cast<std::size_t>(q)] = row_flags(jj, kk);
      const RowInfo& info = rows_[static_cast<std::size_t>(row_index(jj, kk))];
      if (info.first >= 0) {
        first = std::min<int64_t>(first, info.first);
        last = std::max<int64_t>(last, info.last);
      }
    }
    if (last >= 0) {
      c.begin = std::max<int64_t>(0, first - 1);
      c.end = std::min<int64_t>(p_[0] - 1, last + 1);
    }
    return c;
  }
  static int case_index(const CellRow& c, int64_t i) {
    int index = 0;
    for (int corner = 0; corner < 8; ++corner) {
      const std::uint8_t f = c.flags[static_cast<std::size_t>(((corner >> 1) & 1) +
                                                              2 * (corner >> 2))][i + (corner & 1)];
      index |= (f & inside_bit) << corner;
    }
    return index;
  }
  int64_t cell_row_index(int64_t j, int64_t k) const { return j + (p_[1] - 1) * k; }

  // Pass 2: triangles and loop centres per cell row.
  void count_cells() {
    const auto& table = isosurface_cases::cases();
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, p_[2] - 1), [&](const tbb::blocked_range<int64_t>& ks) {
          for (int64_t k = ks.begin(); k != ks.end(); ++k) {
            for (int64_t j = 0; j + 1 < p_[1]; ++j) {
              const CellRow c = cell_row(j, k);
              std::uint64_t triangles = 0, centres = 0;
              for (int64_t i = c.begin; i < c.end; ++i) {
                const Case& cs = table[static_cast<std::size_t>(case_index(c, i))];
                triangles += cs.triangle_count;
                centres += cs.centre_count;
              }
              // Counts first, turned into starts by prefix_sums (shifted by one).
              triangle_start_[static_cast<std::size_t>(cell_row_index(j, k)) + 1] = triangles;
              centre_start_[static_cast<std::size_t>(cell_row_index(j, k)) + 1] = centres;
            }
          }
        });
  }

  bool prefix_sums() {
    for (std::size_t r = 0; r < rows_.size(); ++r)
      vertex_start_[r + 1] = vertex_start_[r] + rows_[r].crossings;
    for (std::size_t r = 1; r < triangle_start_.size(); ++r) {
      triangle_start_[r] += triangle_start_[r - 1];
      centre_start_[r] += centre_start_[r - 1];
    }
    edge_vertices_ = vertex_start_.back();
    const std::uint64_t vertices = edge_vertices_ + centre_start_.back();
    if (vertices > std::numeric_limits<std::uint32_t>::max())
      return false;  // beyond 32-bit indices
    mesh_.positions.resize(vertices);
    mesh_.indices.resize(3 * triangle_start_.back());
    return true;
  }

  // Pass 3: one vertex per crossing edge, in row order, x then y then z.
  void write_vertices() {
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, p_[2]),
                      [&](const tbb::blocked_range<int64_t>& ks) {
                        for (int64_t k = ks.begin(); k != ks.end(); ++k) {
                          for (int64_t j = 0; j < p_[1]; ++j) {
                            const RowInfo& info = rows_[static_cast<std::size_t>(row_index(j, k))];
                            if (info.crossings != 0) write_row_vertices(j, k, info);
                          }
                        }
                      });
  }

  void write_row_vertices(int64_t j, int64_t k, const RowInfo& info) {
    const std::uint8_t* f = row_flags(j, k);
    const T* here = volume_row(j, k);
    const T* next_y = volume_row(j + 1, k);
    const T* next_z = volume_row(j, k + 1);
    const int64_t pad = region_.pad;
    const int64_t n = region_.hi[0] - region_.lo[0];
    const Eigen::Vector3d row_start =
        volume_.geometry().origin +
        index_to_patient_ * Eigen::Vector3d(static_cast<double>(region_.lo[0] - pad),
                                            static_cast<double>(j - pad + region_.lo[1]),
                                            static_cast<double>(k - pad + region_.lo[2]));
    const std::array<Eigen::Vector3d, 3> step{index_to_patient_.col(0), index_to_patient_.col(1),
                                              index_to_patient_.col(2)};
    auto parameter = [this](T a, T b) {
      return std::clamp(field_.crossing(a, b), kMinParameter, 1.0f - kMinParameter);
    };
    Eigen::Vector3f* out =
        mesh_.positions.data() + vertex_start_[static_cast<std::size_t>(row_index(j, k))];
    for (int64_t i = info.first; i <= info.last; ++i) {
      const std::uint8_t flags = f[i];
      if ((flags & crossing_bits) == 0) continue;
      const int64_t vi = i - pad;
      const bool real = here != nullptr && vi >= 0 && vi < n;
      const T a = real ? here[vi] : T{};
      const Eigen::Vector3d p = row_start + static_cast<double>(i) * step[0];
      // An edge to a virtual (padding) point puts its vertex half way.
      if (flags & 2) {
        const float t = real && vi + 1 < n ? parameter(a, here[vi + 1]) : 0.5f;
        *out++ = (p + static_cast<double>(t) * step[0]).template cast<float>();
      }
      if (flags & 4) {
        const float t = real && next_y != nullptr ? parameter(a, next_y[vi]) : 0.5f;
        *out++ = (p + static_cast<double>(t) * step[1]).template cast<float>();
      }
      if (flags & 8) {
        const float t = real && next_z != nullptr ? parameter(a, next_z[vi]) : 0.5f;
        *out++ = (p + static_cast<double>(t) * step[2]).template cast<float>();
      }
    }
  }

  // Pass 4: triangles (and loop centres) of every cell, walking each cell row
  // with a running count of the vertices before x in each of its four rows.
  void write_triangles() {
    static const std::array<EdgeSlot, 12> slots = make_edge_slots();
    const auto& table = isosurface_cases::cases();
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, p_[2] - 1), [&](const tbb::blocked_range<int64_t>& ks) {
          for (int64_t k = ks.begin(); k != ks.end(); ++k) {
            for (int64_t j = 0; j + 1 < p_[1]; ++j) {
              const CellRow c = cell_row(j, k);
              const std::size_t cr = static_cast<std::size_t>(cell_row_index(j, k));
              std::uint32_t* out = mesh_.indices.data() + 3 * triangle_start_[cr];
              std::uint64_t centre = edge_vertices_ + centre_start_[cr];
              std::array<std::uint64_t, 4> before{};
              for (int q = 0; q < 4; ++q)
                before[static_cast<std::size_t>(q)] =
                    vertex_start_[static_cast<std::size_t>(c.rows[static_cast<std::size_t>(q)])];
              for (int64_t i = c.begin; i < c.end; ++i) {
                const Case& cs = table[static_cast<std::size_t>(case_index(c, i))];
                if (cs.triangle_count != 0) {
                  std::array<std::uint32_t, 12 + isosurface_cases::max_centres> id;
                  for (unsigned mask = cs.edge_mask; mask != 0; mask &= mask - 1) {
                    const int e = std::countr_zero(mask);
                    const EdgeSlot& s = slots[static_cast<std::size_t>(e)];
                    const std::uint8_t* f = c.flags[static_cast<std::size_t>(s.row)];
                    std::uint64_t v = before[static_cast<std::size_t>(s.row)];
                    if (s.dx != 0) v += static_cast<std::uint64_t>(crossings_in(f[i]));
                    v += static_cast<std::uint64_t>(
                        crossings_in(f[i + s.dx] & ((2u << s.axis) - 2u)));
                    id[static_cast<std::size_t>(e)] = static_cast<std::uint32_t>(v);
                  }
                  for (int n = 0; n < cs.centre_count; ++n) {
                    Eigen::Vector3f sum = Eigen::Vector3f::Zero();
                    int count = 0;
                    for (std::uint8_t e : cs.centre_loops[static_cast<std::size_t>(n)]) {
                      if (e == 0xff) break;
                      sum += mesh_.positions[id[e]];
                      ++count;
                    }
                    mesh_.positions[centre] = sum / static_cast<float>(count);
                    id[static_cast<std::size_t>(12 + n)] = static_cast<std::uint32_t>(centre++);
                  }
                  for (int t = 0; t < cs.triangle_count; ++t) {
                    const auto& tri = cs.triangles[static_cast<std::size_t>(t)];
                    *out++ = id[tri[0]];
                    *out++ = id[flip_winding_ ? tri[2] : tri[1]];
                    *out++ = id[flip_winding_ ? tri[1] : tri[2]];
                  }
                }
                for (int q = 0; q < 4; ++q) {
                  before[static_cast<std::size_t>(q)] += static_cast<std::uint64_t>(
                      crossings_in(c.flags[static_cast<std::size_t>(q)][i]));
                }
              }
            }
          }
        });
  }

  const Volume& volume_;
  const T* data_;
  Region region_;
  Field field_;
  int64_t p_[3] = {0, 0, 0};
  std::unique_ptr<std::uint8_t[]> flags_;
  std::vector<RowInfo> rows_;
  int64_t cell_rows_ = 0;
  std::vector<std::uint64_t> vertex_start_;
  std::vector<std::uint64_t> triangle_start_;
  std::vector<std::uint64_t> centre_start_;
  std::uint64_t edge_vertices_ = 0;
  Eigen::Matrix3d index_to_patient_;
  bool flip_winding_ = false;
  SurfaceMesh mesh_;
};

Region whole_volume(const Volume& volume, bool pad) {
  Region r;
  r.hi = volume.dims();
  r.pad = pad ? 1 : 0;
  return r;
}

}  // namespace

SurfaceMesh extract_isosurface(const Volume& volume, double iso, const IsosurfaceOptions& options) {
  const Region region = whole_volume(volume, options.close_at_boundary);
  return std::visit(
      [&](const auto& v) {
        using T = typename std::decay_t<decltype(v)>::value_type;
        return Extractor<T, ThresholdField<T>>(volume, v.data(), region,
                                               ThresholdField<T>{static_cast<float>(iso)})
            .run();
      },
      volume.storage());
}

namespace {

// Bounding box of the voxels equal to `label`, grown by one voxel; empty if none.
template <class T>
Region label_region(const Volume& volume, const std::vector<T>& v, T label, bool pad) {
  const Dims& d = volume.dims();
  std::array<int64_t, 3> lo{d[0], d[1], d[2]}, hi{-1, -1, -1};
  std::size_t n = 0;
  for (int64_t k = 0; k < d[2]; ++k) {
    for (int64_t j = 0; j < d[1]; ++j) {
      for (int64_t i = 0; i < d[0]; ++i, ++n) {
        if (v[n] != label) continue;
        const int64_t c[3] = {i, j, k};
        for (std::size_t a = 0; a < 3; ++a) {
          lo[a] = std::min(lo[a], c[a]);
          hi[a] = std::max(hi[a], c[a]);
        }
      }
    }
  }
  Region r;
  if (hi[0] < 0) return r;
  for (std::size_t a = 0; a < 3; ++a) {
    r.lo[a] = std::max<int64_t>(0, lo[a] - 1);
    r.hi[a] = std::min<int64_t>(d[a], hi[a] + 2);
  }
  r.pad = pad ? 1 : 0;
  return r;
}

}  // namespace

SurfaceMesh extract_label_surface(const Volume& labels, int label,
                                  const IsosurfaceOptions& options) {
  return std::visit(
      [&](const auto& v) -> SurfaceMesh {
        using T = typename std::decay_t<decltype(v)>::value_type;
        const T value = static_cast<T>(label);
        if (static_cast<double>(value) != static_cast<double>(label)) return {};
        const Region region = label_region(labels, v, value, options.close_at_boundary);
        if (region.hi[0] <= region.lo[0]) return {};
        return Extractor<T, LabelField<T>>(labels, v.data(), region, LabelField<T>{value}).run();
      },
      labels.storage());
}

std::vector<SurfaceMesh> extract_label_surfaces(const LabelMap& map,
                                                const IsosurfaceOptions& options) {
  std::vector<SurfaceMesh> meshes;
  for (const LabelEntry& entry : map.entries) {
    SurfaceMesh mesh = extract_label_surface(map.labels, entry.value, options);
    if (mesh.indices.empty()) continue;
    mesh.name = entry.name;
    mesh.rgb = entry.rgb;
    meshes.push_back(std::move(mesh));
  }
  return meshes;
}

}  // namespace medvision::imaging
