#include "imaging/surface_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "imaging/isosurface.h"
#include "imaging/mesh_decimation.h"
#include "imaging/mesh_smoothing.h"
#include "imaging/segment.h"

namespace medvision::imaging {
namespace {

std::string format_value(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void say(const SurfaceWarning& warn, const std::string& message) {
  if (warn) warn(message);
}

// Voxels at or above `iso` outside the largest connected region are lowered
// below it, so the isosurface keeps its interpolated placement there.
Volume keep_largest_region(const Volume& volume, double iso) {
  const Volume mask =
      keep_largest_component(threshold(volume, iso, std::numeric_limits<double>::max()));
  Volume out = volume;
  const auto& inside = mask.data<std::uint8_t>();
  const double below = std::min(volume.range().first, iso - 1);
  const Dims& d = volume.dims();
  for (std::int64_t k = 0; k < d[2]; ++k)
    for (std::int64_t j = 0; j < d[1]; ++j)
      for (std::int64_t i = 0; i < d[0]; ++i)
        if (inside[volume.linear_index(i, j, k)] == 0 && volume.at(i, j, k) >= iso)
          out.set(i, j, k, below);
  return out;
}

// Smoothing, then decimation (meshoptimizer's quadric collapse prefers a
// smooth surface to a staircase), then normals for shading.
Status finish_mesh(SurfaceMesh& mesh, const SurfaceModelOptions& o, const SurfaceWarning& warn) {
  if (o.smooth_iterations > 0) {
    TaubinOptions taubin;
    taubin.iterations = o.smooth_iterations;
    smooth_taubin(mesh, taubin);
  }
  if (o.decimate_ratio < 1) {
    DecimationOptions decimation;
    decimation.target_ratio = o.decimate_ratio;
    auto reduced = decimate(mesh, decimation);
    if (!reduced) return reduced.error();
    // decimate() backs off towards keeping every triangle when collapses
    // would open the surface; say so rather than print a silent non-result.
    const double kept = static_cast<double>(reduced->triangle_count()) /
                        static_cast<double>(std::max<std::size_t>(mesh.triangle_count(), 1));
    if (kept > o.decimate_ratio * 1.2) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "decimation kept %.0f%% of the triangles (asked %.0f%%) to keep the surface "
                    "closed",
                    kept * 100, o.decimate_ratio * 100);
      say(warn, mesh.name + ": " + text);
    }
    mesh = std::move(*reduced);
  }
  compute_normals(mesh);
  return {};
}

}  // namespace

Status check_surface_options(const SurfaceModelOptions& o) {
  if (o.smooth_iterations < 0)
    return make_error(ErrorCode::invalid_input, "smoothing needs 0 or more iterations");
  if (!(o.decimate_ratio > 0 && o.decimate_ratio <= 1))
    return make_error(ErrorCode::invalid_input,
                      "the decimation ratio must be in (0, 1] (1 keeps every triangle)");
  return {};
}

Result<std::vector<SurfaceMesh>> threshold_surfaces(const Volume& volume, double iso,
                                                    const SurfaceModelOptions& o,
                                                    const StructureDone& done,
                                                    const SurfaceWarning& warn) {
  MV_TRY(check_surface_options(o));
  const auto [lo, hi] = volume.range();
  if (!std::isfinite(iso) || iso > hi) {
    return make_error(ErrorCode::invalid_input, "no voxel reaches the threshold " +
                                                    format_value(iso) + " (values range from " +
                                                    format_value(lo) + " to " + format_value(hi) +
                                                    ")");
  }
  SurfaceMesh mesh = extract_isosurface(o.largest ? keep_largest_region(volume, iso) : volume, iso);
  mesh.name = "threshold " + format_value(iso);
  mesh.rgb = {230, 220, 200};
  const std::size_t extracted = mesh.triangle_count();
  MV_TRY(finish_mesh(mesh, o, warn));
  if (done) done(1, 1, mesh, extracted);
  return std::vector<SurfaceMesh>{std::move(mesh)};
}

Result<std::map<int, std::int64_t>> label_counts(const Volume& labels) {
  std::map<int, std::int64_t> counts;
  const Dims& d = labels.dims();
  for (std::int64_t k = 0; k < d[2]; ++k)
    for (std::int64_t j = 0; j < d[1]; ++j)
      for (std::int64_t i = 0; i < d[0]; ++i) {
        const double v = labels.at(i, j, k);
        if (v != std::floor(v) || std::abs(v) > 1e9) {
          return make_error(ErrorCode::invalid_input,
                            "not a label volume: voxel (" + std::to_string(i) + ", " +
                                std::to_string(j) + ", " + std::to_string(k) + ") holds " +
                                std::to_string(v));
        }
        if (v != 0) ++counts[static_cast<int>(v)];
      }
  return counts;
}

Result<std::vector<LabelEntry>> present_labels(const Volume& labels,
                                               const std::optional<std::vector<LabelEntry>>& names,
                                               const SurfaceWarning& warn) {
  auto counts = label_counts(labels);
  if (!counts) return counts.error();
  std::vector<LabelEntry> entries;
  if (!names) {
    for (const auto& [value, count] : *counts) {
      entries.push_back({value, "label_" + std::to_string(value),
                         distinct_colour(static_cast<int>(entries.size())), ""});
    }
    return entries;
  }
  std::vector<int> absent;
  for (const LabelEntry& entry : *names) {
    if (counts->count(entry.value) == 0) {
      absent.push_back(entry.value);
      continue;
    }
    counts->erase(entry.value);
    entries.push_back(entry);
  }
  if (!absent.empty())
    say(warn, std::to_string(absent.size()) +
                  " named labels have no voxels (first: " + std::to_string(absent.front()) + ")");
  if (!counts->empty())
    say(warn, std::to_string(counts->size()) +
                  " label values have no name and are left out (first: " +
                  std::to_string(counts->begin()->first) + ")");
  return entries;
}

Result<std::vector<SurfaceMesh>> label_surfaces(const Volume& labels,
                                                const std::vector<LabelEntry>& entries,
                                                const SurfaceModelOptions& o,
                                                const StructureDone& done,
                                                const SurfaceWarning& warn) {
  MV_TRY(check_surface_options(o));
  std::vector<SurfaceMesh> meshes;
  for (std::size_t n = 0; n < entries.size(); ++n) {
    const LabelEntry& entry = entries[n];
    SurfaceMesh mesh = extract_label_surface(labels, entry.value);
    mesh.name = entry.name;
    mesh.rgb = entry.rgb;
    const std::size_t extracted = mesh.triangle_count();
    MV_TRY(finish_mesh(mesh, o, warn));
    if (done) done(n + 1, entries.size(), mesh, extracted);
    meshes.push_back(std::move(mesh));
  }
  return meshes;
}

std::size_t total_triangles(const std::vector<SurfaceMesh>& meshes) {
  std::size_t triangles = 0;
  for (const auto& m : meshes) triangles += m.triangle_count();
  return triangles;
}

}  // namespace medvision::imaging
