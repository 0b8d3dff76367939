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
#include "imaging/label_map.h"
#include "imaging/stl.h"
#include "imaging/surface_model.h"
#include "imaging/volume_source.h"
#include "library/image_library.h"

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
  std::string db;  // with a series id as SOURCE: the store that holds it
  std::string data_dir = "var";
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

// A library series id ("ser_...") names the full-resolution voxels kept in
// the store by `medvision import --db` or the server.
bool is_series_id(const std::string& source) {
  std::error_code ec;
  return source.starts_with("ser_") && !fs::exists(source, ec);
}

Result<Volume> load_series(const ModelOptions& o) {
  if (o.db.empty()) {
    return make_error(ErrorCode::invalid_input,
                      o.source + " is a library series id: give --db with the store that holds it");
  }
  auto opened = library::open_library(o.db, o.data_dir);
  if (!opened) return opened.error();
  auto series = opened->library->series(o.source);
  if (!series) return series.error();
  auto study = opened->library->study(series->study_id);
  if (!study) return study.error();
  return opened->library->voxels(*study, series->id);
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

imaging::SurfaceModelOptions surface_options(const ModelOptions& o) {
  return {o.largest, o.smooth_iterations, o.decimate_ratio};
}

void report_structure(std::size_t n, std::size_t count, const SurfaceMesh& mesh,
                      std::size_t extracted) {
  std::fprintf(stderr, "model: [%3zu/%zu] %-24s %8zu -> %7zu triangles\n", n, count,
               mesh.name.c_str(), extracted, mesh.triangle_count());
}

void warn(const std::string& message) {
  std::fprintf(stderr, "model: warning: %s\n", message.c_str());
}

Result<std::vector<SurfaceMesh>> label_model(const Volume& labels, const ModelOptions& o) {
  std::optional<std::vector<imaging::LabelEntry>> names;
  if (!o.names_file.empty()) {
    auto read = imaging::read_label_names(o.names_file);
    if (!read) return read.error();
    names = std::move(*read);
  }
  auto entries = imaging::present_labels(labels, names, warn);
  if (!entries) return entries.error();
  return imaging::label_surfaces(labels, *entries, surface_options(o), report_structure, warn);
}

Result<Volume> load_labels(const ModelOptions& o) {
  auto source = is_series_id(o.source) ? load_series(o) : load_one(o.source);
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
    auto volume = is_series_id(o.source) ? load_series(o) : load_one(o.source);
    if (!volume) return volume.error();
    meshes = imaging::threshold_surfaces(*volume, *o.threshold, surface_options(o),
                                         report_structure, warn);
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
  cmd->add_option("source", options->source,
                  "DICOM folder/DICOMDIR/file, NIfTI file, or a library series id (ser_..., "
                  "with --db)")
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
  cmd->add_option("--db", options->db,
                  "Store holding SOURCE when it is a series id (sqlite:PATH or postgres://...)");
  cmd->add_option("--data", options->data_dir,
                  "Data folder holding record.key for patient records (default ./var)");
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
