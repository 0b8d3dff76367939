#include "app/model_command.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "app/import_command.h"
#include "imaging/gltf_export.h"
#include "imaging/isosurface.h"
#include "imaging/label_map.h"
#include "imaging/mesh_decimation.h"
#include "imaging/mesh_smoothing.h"
#include "imaging/segment.h"
#include "imaging/stl.h"
#include "imaging/volume_source.h"

namespace medvision {
namespace {

namespace fs = std::filesystem;
using imaging::SurfaceMesh;
using imaging::Volume;

struct ModelOptions {
  std::string source;
  std::optional<double> threshold;
  bool labels = false;
  std::string labels_file;  // empty: SOURCE is the label volume
  std::string names_file;
  std::string output;
  bool largest = false;
  int smooth_iterations = 10;
  double decimate_ratio = 0.5;
};

enum class OutputFormat { glb, stl };

Result<OutputFormat> output_format(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".glb") return OutputFormat::glb;
  if (ext == ".stl") return OutputFormat::stl;
  return make_error(ErrorCode::invalid_input,
                    "output " + path + " must end in .glb (glTF binary) or .stl");
}

Status check_options(const ModelOptions& o) {
  if (o.threshold.has_value() == o.labels)
    return make_error(ErrorCode::invalid_input, "give exactly one of --threshold and --labels");
  if (!o.names_file.empty() && !o.labels)
    return make_error(ErrorCode::invalid_input, "--names goes with --labels");
  if (o.largest && !o.threshold)
    return make_error(ErrorCode::invalid_input, "--largest goes with --threshold");
  if (o.smooth_iterations < 0)
    return make_error(ErrorCode::invalid_input, "--smooth must be 0 or more iterations");
  if (!(o.decimate_ratio > 0 && o.decimate_ratio <= 1))
    return make_error(ErrorCode::invalid_input,
                      "--decimate must be a ratio in (0, 1] (1 keeps every triangle)");
  if (auto format = output_format(o.output); !format) return format.error();
  return {};
}

Result<Volume> load_one(const std::string& path) {
  auto source = imaging::load_volume_source(path, stderr_progress("model"));
  if (!source) return source.error();
  if (source->volumes.size() > 1) {
    std::fprintf(stderr, "model: %s holds %zu series; using the largest\n", path.c_str(),
                 source->volumes.size());
  }
  imaging::SourceVolume& chosen = imaging::largest_volume(*source);
  for (const auto& w : chosen.warnings) std::fprintf(stderr, "model: warning: %s\n", w.c_str());
  return std::move(chosen.volume);
}

// Voxels at or above `iso` outside the largest connected region are lowered
// below it, so the isosurface keeps its interpolated placement there.
Volume keep_largest_region(const Volume& volume, double iso) {
  const Volume mask = imaging::keep_largest_component(
      imaging::threshold(volume, iso, std::numeric_limits<double>::max()));
  Volume out = volume;
  const auto& inside = mask.data<std::uint8_t>();
  const double below = std::min(volume.range().first, iso - 1);
  const imaging::Dims& d = volume.dims();
  for (std::int64_t k = 0; k < d[2]; ++k)
    for (std::int64_t j = 0; j < d[1]; ++j)
      for (std::int64_t i = 0; i < d[0]; ++i)
        if (inside[volume.linear_index(i, j, k)] == 0 && volume.at(i, j, k) >= iso)
          out.set(i, j, k, below);
  return out;
}

// Smoothing, then decimation (meshoptimizer's quadric collapse prefers a
// smooth surface to a staircase), then normals for shading.
Status finish_mesh(SurfaceMesh& mesh, const ModelOptions& o) {
  if (o.smooth_iterations > 0) {
    imaging::TaubinOptions taubin;
    taubin.iterations = o.smooth_iterations;
    imaging::smooth_taubin(mesh, taubin);
  }
  if (o.decimate_ratio < 1) {
    imaging::DecimationOptions decimation;
    decimation.target_ratio = o.decimate_ratio;
    auto reduced = imaging::decimate(mesh, decimation);
    if (!reduced) return reduced.error();
    // decimate() backs off towards keeping every triangle when collapses
    // would open the surface; say so rather than print a silent non-result.
    const double kept = static_cast<double>(reduced->triangle_count()) /
                        static_cast<double>(std::max<std::size_t>(mesh.triangle_count(), 1));
    if (kept > o.decimate_ratio * 1.2) {
      std::fprintf(stderr,
                   "model: warning: %s: decimation kept %.0f%% of the triangles (asked %.0f%%) to "
                   "keep the surface closed\n",
                   mesh.name.c_str(), kept * 100, o.decimate_ratio * 100);
    }
    mesh = std::move(*reduced);
  }
  imaging::compute_normals(mesh);
  return {};
}

void report_structure(std::size_t n, std::size_t count, const SurfaceMesh& mesh,
                      std::size_t extracted) {
  std::fprintf(stderr, "model: [%3zu/%zu] %-24s %8zu -> %7zu triangles\n", n, count,
               mesh.name.c_str(), extracted, mesh.triangle_count());
}

std::string format_value(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

Result<std::vector<SurfaceMesh>> threshold_model(const Volume& volume, const ModelOptions& o) {
  const double iso = *o.threshold;
  const auto [lo, hi] = volume.range();
  if (iso > hi) {
    return make_error(ErrorCode::invalid_input, "no voxel reaches the threshold " +
                                                    format_value(iso) + " (values range from " +
                                                    format_value(lo) + " to " + format_value(hi) +
                                                    ")");
  }
  SurfaceMesh mesh =
      imaging::extract_isosurface(o.largest ? keep_largest_region(volume, iso) : volume, iso);
  mesh.name = "threshold " + format_value(iso);
  mesh.rgb = {230, 220, 200};
  const std::size_t extracted = mesh.triangle_count();
  MV_TRY(finish_mesh(mesh, o));
  report_structure(1, 1, mesh, extracted);
  return std::vector<SurfaceMesh>{std::move(mesh)};
}

// Voxel count per label value; an error for values that are not integers.
Result<std::map<int, std::int64_t>> label_counts(const Volume& labels) {
  std::map<int, std::int64_t> counts;
  const imaging::Dims& d = labels.dims();
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

Result<std::vector<imaging::LabelEntry>> label_entries(const Volume& labels,
                                                       const ModelOptions& o) {
  auto counts = label_counts(labels);
  if (!counts) return counts.error();
  std::vector<imaging::LabelEntry> entries;
  if (o.names_file.empty()) {
    for (const auto& [value, count] : *counts) {
      entries.push_back({value, "label_" + std::to_string(value),
                         imaging::distinct_colour(static_cast<int>(entries.size())), ""});
    }
    return entries;
  }
  auto named = imaging::read_label_names(o.names_file);
  if (!named) return named.error();
  std::vector<int> absent;
  for (auto& entry : *named) {
    if (counts->count(entry.value) == 0) {
      absent.push_back(entry.value);
      continue;
    }
    counts->erase(entry.value);
    entries.push_back(std::move(entry));
  }
  if (!absent.empty())
    std::fprintf(stderr, "model: warning: %zu named labels have no voxels (first: %d)\n",
                 absent.size(), absent.front());
  if (!counts->empty())
    std::fprintf(stderr,
                 "model: warning: %zu label values have no name and are left out (first: %d)\n",
                 counts->size(), counts->begin()->first);
  return entries;
}

Result<std::vector<SurfaceMesh>> label_model(const Volume& labels, const ModelOptions& o) {
  auto entries = label_entries(labels, o);
  if (!entries) return entries.error();
  std::vector<SurfaceMesh> meshes;
  for (std::size_t n = 0; n < entries->size(); ++n) {
    const imaging::LabelEntry& entry = (*entries)[n];
    SurfaceMesh mesh = imaging::extract_label_surface(labels, entry.value);
    mesh.name = entry.name;
    mesh.rgb = entry.rgb;
    const std::size_t extracted = mesh.triangle_count();
    MV_TRY(finish_mesh(mesh, o));
    report_structure(n + 1, entries->size(), mesh, extracted);
    meshes.push_back(std::move(mesh));
  }
  return meshes;
}

Result<Volume> load_labels(const ModelOptions& o) {
  auto source = load_one(o.source);
  if (!source) return source.error();
  if (o.labels_file.empty()) return source;
  auto labels = load_one(o.labels_file);
  if (!labels) return labels.error();
  if (!imaging::same_grid(source->geometry(), labels->geometry())) {
    const auto& a = source->dims();
    const auto& b = labels->dims();
    return make_error(ErrorCode::invalid_input,
                      "label volume " + o.labels_file + " does not lie on the grid of " + o.source +
                          " (dims " + std::to_string(b[0]) + "x" + std::to_string(b[1]) + "x" +
                          std::to_string(b[2]) + " vs " + std::to_string(a[0]) + "x" +
                          std::to_string(a[1]) + "x" + std::to_string(a[2]) +
                          ", or origin, spacing or axes differ)");
  }
  return labels;
}

Status model(const ModelOptions& o) {
  MV_TRY(check_options(o));
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<SurfaceMesh>> meshes = make_error(ErrorCode::internal, "no model built");
  if (o.threshold) {
    auto volume = load_one(o.source);
    if (!volume) return volume.error();
    meshes = threshold_model(*volume, o);
  } else {
    auto labels = load_labels(o);
    if (!labels) return labels.error();
    meshes = label_model(*labels, o);
  }
  if (!meshes) return meshes.error();
  if (meshes->empty()) return make_error(ErrorCode::invalid_input, "no structure has any voxel");

  const fs::path out(o.output);
  if (out.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
  }
  if (*output_format(o.output) == OutputFormat::glb) {
    MV_TRY(imaging::write_glb(out, *meshes));
  } else {
    MV_TRY(imaging::write_stl(out, *meshes));
  }
  std::size_t triangles = 0;
  for (const auto& m : *meshes) triangles += m.triangle_count();
  std::error_code ec;
  const auto bytes = fs::file_size(out, ec);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %zu structures, %zu triangles, %.1f MB (%llu bytes), %.1f s\n",
              o.output.c_str(), meshes->size(), triangles, static_cast<double>(bytes) / 1e6,
              static_cast<unsigned long long>(bytes), seconds);
  return {};
}

}  // namespace

void add_model_command(CLI::App& app) {
  auto options = std::make_shared<ModelOptions>();
  auto* cmd = app.add_subcommand(
      "model", "Build surface models of an image (threshold or labels) as .glb or .stl");
  cmd->add_option("source", options->source, "DICOM folder/DICOMDIR/file or NIfTI file")
      ->required();
  cmd->add_option_function<double>(
      "--threshold", [options](double v) { options->threshold = v; },
      "Isosurface at this value (CT: HU; inside is value >= it)");
  auto* labels =
      cmd->add_option("--labels", options->labels_file,
                      "Label volume on SOURCE's grid (a mesh per label); without FILE, SOURCE "
                      "itself holds the labels")
          ->expected(0, 1);
  cmd->add_option("--names", options->names_file,
                  "Label names, `index name [code]` per line (AAL style)");
  cmd->add_option("-o,--output", options->output, "Output .glb or .stl")->required();
  cmd->add_flag("--largest", options->largest, "Keep only the largest connected region");
  cmd->add_option("--smooth", options->smooth_iterations,
                  "Taubin smoothing iterations (default 10; 0: none)");
  cmd->add_option("--decimate", options->decimate_ratio,
                  "Triangles kept by decimation, in (0, 1] (default 0.5; 1: none)");
  cmd->callback([options, labels] {
    options->labels = labels->count() > 0;
    const Status done = model(*options);
    if (!done.ok()) {
      std::fprintf(stderr, "medvision model: %s\n", done.error().message.c_str());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace medvision
