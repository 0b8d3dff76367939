#include "app/import_command.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "imaging/volume_texture.h"
#include "imaging/window.h"
#include "library/image_library.h"
#include "pacs/study_import.h"

namespace medvision {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using imaging::SourceStage;

struct ImportOptions {
  std::string path;
  std::string out_dir;
  bool keep_identity = false;
  std::string pacs_url;  // import --pacs URL --study UID instead of a path
  std::string study_uid;
  std::string aet = "MEDVISION";
  std::uint16_t move_port = 11113;
  std::string db;  // also record the study in this store's imaging library
  std::string data_dir = "var";
  std::string title;
  std::string patient_id;      // with --keep-identity
  std::string patient_record;  // the care layer's patient (pat_...) the study is filed into
};

// Redraws one line on a terminal; elsewhere writes a line at each 10% step.
class StderrProgress {
 public:
  explicit StderrProgress(std::string command)
      : command_(std::move(command)), tty_(isatty(fileno(stderr)) != 0) {}

  void operator()(const SourceStage& s) {
    const bool new_stage = s.what != what_;
    if (new_stage) {
      if (tty_ && open_line_) std::fputc('\n', stderr);
      what_ = s.what;
      last_decile_ = -1;
      open_line_ = false;
    }
    const int decile = s.total == 0 ? 10 : static_cast<int>(s.done * 10 / s.total);
    if (tty_) {
      draw_bar(s);
    } else if (decile != last_decile_) {
      std::fprintf(stderr, "%s: %s %3d%% (%zu/%zu %s)\n", command_.c_str(), s.what.c_str(),
                   decile * 10, s.done, s.total, s.unit.c_str());
    }
    last_decile_ = decile;
  }

 private:
  void draw_bar(const SourceStage& s) {
    constexpr std::size_t width = 30;
    const std::size_t filled = s.total == 0 ? width : s.done * width / s.total;
    if (open_line_ && filled == filled_ && s.done != s.total && s.done % 16 != 0) return;
    filled_ = filled;
    std::fprintf(stderr, "\r%s: %s [%s%s] %zu/%zu %s", command_.c_str(), s.what.c_str(),
                 std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(), s.done,
                 s.total, s.unit.c_str());
    open_line_ = s.done != s.total;
    if (!open_line_) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

  std::string command_;
  bool tty_;
  std::string what_;
  int last_decile_ = -1;
  std::size_t filled_ = 0;
  bool open_line_ = false;
};

// Which way each voxel axis points, as the nearest patient direction:
// "LPS" means i runs to the patient's left, j posterior, k superior.
std::string orientation_code(const Eigen::Matrix3d& direction) {
  std::string code;
  for (int axis = 0; axis < 3; ++axis) {
    Eigen::Index dominant = 0;
    direction.col(axis).cwiseAbs().maxCoeff(&dominant);
    const bool positive = direction(dominant, axis) > 0;
    constexpr const char* kPositive = "LPS";
    constexpr const char* kNegative = "RAI";
    code += positive ? kPositive[dominant] : kNegative[dominant];
  }
  return code;
}

// (+ 0.0 turns the -0.0 of negated axes into 0.)
json vector_json(const Eigen::Vector3d& v) { return json{v.x() + 0.0, v.y() + 0.0, v.z() + 0.0}; }

json series_summary(const imaging::SourceVolume& v, const std::string& folder,
                    const imaging::VolumeTexture& texture, bool deidentified) {
  const imaging::Geometry& g = v.volume.geometry();
  const auto [lo, hi] = v.volume.range();
  json direction = json::array();
  for (int axis = 0; axis < 3; ++axis) direction.push_back(vector_json(g.direction.col(axis)));
  json s = {
      {"folder", folder},
      {"source_series", v.label},
      {"modality", v.modality},
      {"slices", v.slices},
      {"dims", {g.dims[0], g.dims[1], g.dims[2]}},
      {"spacing_mm", vector_json(g.spacing)},
      {"origin_lps_mm", vector_json(g.origin)},
      {"orientation", orientation_code(g.direction)},
      {"axes_lps", direction},
      {"voxel_type", imaging::to_string(v.volume.type())},
      {"value_range", {lo, hi}},
      {"texture",
       {{"json", folder + "/volume.json"},
        {"raw", folder + "/volume.raw"},
        {"dims", {texture.geometry.dims[0], texture.geometry.dims[1], texture.geometry.dims[2]}},
        {"window", texture.preset},
        {"value_at_0", texture.value_at_0},
        {"value_at_255", texture.value_at_255}}},
      {"warnings", v.warnings},
      {"deidentified", deidentified},
  };
  if (v.dicom) {
    s["study_uid"] = v.dicom->study_uid;
    s["series_uid"] = v.dicom->series_uid;
    s["lossy_compressed"] = v.dicom->lossy_compressed;
    // Pixels are never altered: text burned into them needs a person's review.
    s["burned_in_annotation"] = v.dicom->burned_in_annotation;
    if (!deidentified) s["series_description"] = v.dicom->series_description;
  }
  return s;
}

Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return make_error(ErrorCode::unavailable, "cannot write " + path.string());
  return {};
}

void print_series(const imaging::SourceVolume& v, const std::string& folder) {
  const imaging::Geometry& g = v.volume.geometry();
  std::printf("  %s  %-4s %4zu slices  %lldx%lldx%lld  %.3gx%.3gx%.3g mm  %s\n", folder.c_str(),
              v.modality.empty() ? "-" : v.modality.c_str(), v.slices,
              static_cast<long long>(g.dims[0]), static_cast<long long>(g.dims[1]),
              static_cast<long long>(g.dims[2]), g.spacing.x(), g.spacing.y(), g.spacing.z(),
              orientation_code(g.direction).c_str());
  std::printf("    from %s\n", v.label.c_str());
  for (const auto& w : v.warnings) std::printf("    warning: %s\n", w.c_str());
}

// Records the imported series as one study: de-identified imports go to the
// teaching library, identified ones to the patient library (encrypted).
Status record_in_library(const ImportOptions& o, imaging::VolumeSource& source) {
  auto opened = library::open_library(o.db, o.data_dir);
  if (!opened) return opened.error();
  StudyRecord study;
  study.library = o.keep_identity ? library::kPatient : library::kTeaching;
  study.source = o.pacs_url.empty() ? "import" : "pacs";
  study.patient_id = o.patient_id;
  if (!o.patient_record.empty()) {
    auto patient = opened->store->get_patient(o.patient_record);
    if (!patient.ok()) return patient.error();
    study.patient_record_id = o.patient_record;
  }
  std::vector<library::SeriesInput> inputs;
  for (auto& v : source.volumes) {
    // NIfTI carries no modality: "OT" is DICOM's "other" (PS3.3 C.7.3.1.1.1).
    if (study.modality.empty()) study.modality = v.modality.empty() ? "OT" : v.modality;
    std::string description = v.modality.empty() ? "NIfTI volume" : v.modality + " series";
    if (o.keep_identity && v.dicom) description = v.dicom->series_description;
    inputs.push_back({std::move(v.volume), description, v.modality});
  }
  // A folder or file name often carries the patient's name: teaching titles
  // never come from it.
  study.title = !o.title.empty()  ? o.title
                : o.keep_identity ? (o.pacs_url.empty() ? fs::path(o.path).filename().string()
                                                        : "Study " + o.study_uid)
                                  : "Imported " + study.modality + " study";
  study.description =
      std::to_string(inputs.size()) + " series imported from " + to_string(source.format);
  auto added = opened->library->add_study(std::move(study), inputs);
  if (!added) return added.error();
  std::printf("recorded study %s in the %s library:", added->study.id.c_str(),
              added->study.library.c_str());
  for (const auto& series : added->series) std::printf(" %s", series.id.c_str());
  std::printf("\n");
  return {};
}

// The volumes of a path, or of a study retrieved from a PACS into a
// temporary folder and read like one.
Result<imaging::VolumeSource> load_source(const ImportOptions& o,
                                          const imaging::VolumeSourceOptions& options) {
  if (o.pacs_url.empty())
    return imaging::load_volume_source(o.path, stderr_progress("import"), options);
  pacs::PacsClientOptions client;
  client.calling_aet = o.aet;
  client.move_port = o.move_port;
  auto pacs = pacs::connect_pacs(o.pacs_url, client);
  if (!pacs) return pacs.error();
  std::fprintf(stderr, "import: study %s from %s\n", o.study_uid.c_str(),
               (*pacs)->describe().c_str());
  return pacs::load_pacs_study(**pacs, o.study_uid, stderr_progress("import"), options);
}

// What was imported, for the summary line (a PACS URL without its password).
std::string source_name(const ImportOptions& o) {
  if (o.pacs_url.empty()) return o.path;
  auto url = pacs::parse_pacs_url(o.pacs_url);
  return (url ? url->display() : std::string("PACS")) + " study " + o.study_uid;
}

Status import(const ImportOptions& o) {
  const bool deidentify = !o.keep_identity;
  if (!deidentify) {
    std::fprintf(stderr,
                 "medvision import: WARNING: --keep-identity: patient identity is kept (UIDs, "
                 "descriptions and the source path are written as read). Store the result only "
                 "in a protected patient record.\n");
  }
  imaging::VolumeSourceOptions options;
  // A fresh secret per import that is never stored: UIDs stay consistent
  // within this import and cannot be linked back to the originals.
  if (deidentify) options.deidentify_with.emplace(new_secret());
  auto source = load_source(o, options);
  if (!source) return source.error();

  const fs::path out_dir =
      o.out_dir.empty() ? fs::path("var/imports") / new_id("imp_") : fs::path(o.out_dir);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec)
    return make_error(ErrorCode::unavailable,
                      "cannot create " + out_dir.string() + ": " + ec.message());

  json summary = {
      {"format", to_string(source->format)},
      {"deidentified", deidentify},
      {"series_found", source->series_found},
      {"series_imported", source->volumes.size()},
      {"files_examined", source->files_examined},
      {"files_skipped", source->files_skipped},
      {"series", json::array()},
      {"failures", json::array()},
  };
  // A folder or file name often carries the patient's name.
  if (!deidentify) summary["source"] = fs::absolute(o.path).string();

  std::printf("%s: %zu series found, %zu imported (%s%s)\n", source_name(o).c_str(),
              source->series_found, source->volumes.size(), to_string(source->format),
              deidentify ? ", de-identified" : ", IDENTITY KEPT");
  for (std::size_t n = 0; n < source->volumes.size(); ++n) {
    const imaging::SourceVolume& v = source->volumes[n];
    const std::string folder = "series-" + std::to_string(n + 1);
    imaging::VolumeTextureOptions texture_options;
    if (v.volume.unit() == imaging::ValueUnit::hounsfield)
      texture_options.window = imaging::window_presets::ct_wide;
    auto texture = imaging::make_volume_texture(v.volume, texture_options);
    if (!texture) return texture.error();
    fs::create_directories(out_dir / folder, ec);
    if (ec)
      return make_error(ErrorCode::unavailable, "cannot create " + (out_dir / folder).string());
    MV_TRY(imaging::write_volume_texture(*texture, out_dir / folder, "volume"));
    summary["series"].push_back(series_summary(v, folder, *texture, deidentify));
    print_series(v, folder);
  }
  for (const auto& f : source->failures) {
    summary["failures"].push_back({{"series", f.series}, {"message", f.message}});
    std::printf("  not imported: %s: %s\n", f.series.c_str(), f.message.c_str());
  }
  if (source->files_skipped > 0)
    std::printf("  %zu of %zu files were not DICOM images and were skipped\n",
                source->files_skipped, source->files_examined);
  MV_TRY(write_text(out_dir / "summary.json", summary.dump(2) + "\n"));
  std::printf("wrote %s\n", out_dir.string().c_str());
  if (!o.db.empty()) MV_TRY(record_in_library(o, *source));
  return {};
}

}  // namespace

imaging::SourceProgress stderr_progress(std::string command) {
  auto progress = std::make_shared<StderrProgress>(std::move(command));
  return [progress](const SourceStage& stage) { (*progress)(stage); };
}

void add_import_command(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand(
      "import", "Import a DICOM folder/DICOMDIR/file or a NIfTI file as volume textures");
  cmd->add_option("path", options->path, "DICOM folder, DICOMDIR or file, or .nii/.nii.gz file");
  cmd->add_option(
      "--pacs", options->pacs_url,
      "Import a study from a PACS: http://host:port/dicom-web or dicom://AET@host:port");
  cmd->add_option("--study", options->study_uid, "Study Instance UID to retrieve (with --pacs)");
  cmd->add_option("--aet", options->aet, "Our AE title for DIMSE (default MEDVISION)");
  cmd->add_option("--port", options->move_port,
                  "Port our C-MOVE receiver listens on (DIMSE; default 11113)");
  auto* deid = cmd->add_flag("--deidentify")
                   ->description("De-identify (DICOM PS3.15 Basic Profile; the default)");
  cmd->add_flag("--keep-identity", options->keep_identity,
                "Keep patient identity (only for a protected patient record)")
      ->excludes(deid);
  cmd->add_option("-o,--output", options->out_dir, "Output folder (default var/imports/<new id>)");
  cmd->add_option("--db", options->db,
                  "Also record the study in this store's imaging library (sqlite:PATH or "
                  "postgres://...): teaching library, or patient library with --keep-identity");
  cmd->add_option("--data", options->data_dir,
                  "Data folder holding record.key for patient records (default ./var)");
  cmd->add_option("--title", options->title, "Study title in the library");
  cmd->add_option("--patient", options->patient_id,
                  "Hospital patient id of a patient-library study (with --keep-identity and --db)");
  cmd->add_option("--patient-record", options->patient_record,
                  "The patient record (pat_...) to file a patient-library study into; until "
                  "filed, only admins see it (with --keep-identity and --db)");
  cmd->callback([options] {
    if (options->path.empty() == options->pacs_url.empty() ||
        options->pacs_url.empty() != options->study_uid.empty()) {
      std::fprintf(stderr, "medvision import: give a PATH, or --pacs URL with --study UID\n");
      throw CLI::RuntimeError(2);
    }
    if ((!options->patient_id.empty() || !options->patient_record.empty()) &&
        (!options->keep_identity || options->db.empty())) {
      std::fprintf(stderr,
                   "medvision import: --patient and --patient-record go with --keep-identity and "
                   "--db\n");
      throw CLI::RuntimeError(2);
    }
    const Status done = import(*options);
    if (!done.ok()) {
      std::fprintf(stderr, "medvision import: %s\n", done.error().message.c_str());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace medvision
