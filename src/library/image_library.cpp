#include "library/image_library.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/ids.h"
#include "imaging/gltf_export.h"
#include "imaging/label_map.h"
#include "imaging/stl.h"
#include "imaging/surface_model.h"
#include "imaging/volume_source.h"
#include "imaging/volume_texture.h"
#include "library/volume_blob.h"

namespace medvision::library {
namespace {

constexpr const char* kMricron = "/usr/share/mricron/templates";

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_value(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

bool is_patient(const StudyRecord& study) { return study.library == kPatient; }

struct BuildCancelled {};

}  // namespace

std::optional<LabelSource> find_label_source(const std::string& key) {
  // AAL: Tzourio-Mazoyer et al. 2002, NeuroImage 15:273-289; 116 regions on
  // the Colin27 (MNI) grid, as Debian's mricron-data ships it.
  if (key == "aal") {
    return LabelSource{"aal", std::filesystem::path(kMricron) / "aal.nii.gz",
                       std::filesystem::path(kMricron) / "aal.nii.txt"};
  }
  return std::nullopt;
}

Result<RecordCipher> record_cipher_for(const std::filesystem::path& data_dir,
                                       const std::filesystem::path& key_file) {
  const char* env_key = std::getenv("MEDVISION_RECORD_KEY");
  return RecordCipher::open(key_file.empty() ? data_dir / "record.key" : key_file,
                            env_key != nullptr ? env_key : "");
}

Result<OpenedLibrary> open_library(const std::string& db_url,
                                   const std::filesystem::path& data_dir) {
  auto cipher = record_cipher_for(data_dir);
  if (!cipher) return cipher.error();
  auto store = open_store(db_url);
  if (!store) return store.error();
  MV_TRY((*store)->migrate());
  OpenedLibrary opened{std::move(*store), nullptr};
  opened.library = std::make_unique<ImageLibrary>(*opened.store, *cipher);
  return opened;
}

std::string volume_json_id(const std::string& series_id) { return series_id + ".volume.json"; }
std::string volume_raw_id(const std::string& series_id) { return series_id + ".volume.raw"; }
std::string voxels_id(const std::string& series_id) { return series_id + ".voxels"; }
std::string glb_id(const std::string& model_id) { return model_id + ".glb"; }
std::string stl_id(const std::string& model_id) { return model_id + ".stl"; }

ImageLibrary::ImageLibrary(RecordStore& store, RecordCipher cipher)
    : store_(store), cipher_(cipher), worker_([this] { work(); }) {}

ImageLibrary::~ImageLibrary() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  cancel_ = true;
  wake_.notify_all();
  worker_.join();
}

void ImageLibrary::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ImageLibrary::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void ImageLibrary::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    auto job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("imaging library: a background job failed: {}", e.what());
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

StudyRecord ImageLibrary::sealed(const StudyRecord& study) const {
  if (!is_patient(study)) return study;
  StudyRecord out = study;
  out.title = cipher_.seal_text(study.title, study.id + ".title");
  out.description = cipher_.seal_text(study.description, study.id + ".description");
  out.patient_id = cipher_.seal_text(study.patient_id, study.id + ".patient_id");
  return out;
}

Result<StudyRecord> ImageLibrary::opened(StudyRecord study) const {
  if (!is_patient(study)) return study;
  auto title = cipher_.open_text(study.title, study.id + ".title");
  if (!title) return title.error();
  auto description = cipher_.open_text(study.description, study.id + ".description");
  if (!description) return description.error();
  auto patient = cipher_.open_text(study.patient_id, study.id + ".patient_id");
  if (!patient) return patient.error();
  study.title = std::move(*title);
  study.description = std::move(*description);
  study.patient_id = std::move(*patient);
  return study;
}

Result<std::vector<StudyRecord>> ImageLibrary::studies() {
  auto all = store_.list_studies();
  if (!all) return all.error();
  std::vector<StudyRecord> out;
  for (auto& s : *all) {
    auto open = opened(std::move(s));
    if (!open) return open.error();
    out.push_back(std::move(*open));
  }
  return out;
}

Result<StudyRecord> ImageLibrary::study(const std::string& id) {
  auto s = store_.get_study(id);
  if (!s) return s.error();
  return opened(std::move(*s));
}

Result<std::vector<SeriesRecord>> ImageLibrary::series_of(const StudyRecord& study) {
  auto all = store_.list_series(study.id);
  if (!all) return all.error();
  if (is_patient(study)) {
    for (auto& s : *all) {
      auto description = cipher_.open_text(s.description, s.id + ".description");
      if (!description) return description.error();
      s.description = std::move(*description);
    }
  }
  return all;
}

Result<SeriesRecord> ImageLibrary::series(const std::string& id) {
  auto s = store_.get_series(id);
  if (!s) return s.error();
  if (RecordCipher::is_sealed_text(s->description)) {
    auto description = cipher_.open_text(s->description, s->id + ".description");
    if (!description) return description.error();
    s->description = std::move(*description);
  }
  return s;
}

Result<std::vector<ModelRecord>> ImageLibrary::models_of(const std::string& series_id) {
  return store_.list_models(series_id);
}

Result<ModelRecord> ImageLibrary::model(const std::string& id) { return store_.get_model(id); }

Result<std::string> ImageLibrary::blob(const StudyRecord& study, const std::string& artifact_id) {
  auto artifact = store_.get_artifact(artifact_id);
  if (!artifact) return artifact.error();
  if (!is_patient(study)) return std::move(artifact->data);
  return cipher_.open_sealed(artifact->data, artifact_id);
}

Result<imaging::Volume> ImageLibrary::voxels(const StudyRecord& study,
                                             const std::string& series_id) {
  auto bytes = blob(study, voxels_id(series_id));
  if (!bytes) return bytes.error();
  return decode_volume_blob(*bytes);
}

Status ImageLibrary::put_blob(const StudyRecord& study, const std::string& id,
                              const std::string& kind, const std::string& name,
                              const std::string& media_type, const std::string& bytes) {
  return store_.put_artifact(ArtifactRecord{id, "", kind, name, media_type,
                                            is_patient(study) ? cipher_.seal(bytes, id) : bytes,
                                            now_us()});
}

Result<AddedStudy> ImageLibrary::add_study(StudyRecord study,
                                           const std::vector<SeriesInput>& inputs) {
  if (study.library != kTeaching && study.library != kPatient) {
    return make_error(ErrorCode::invalid_input,
                      "library must be 'teaching' or 'patient', not '" + study.library + "'");
  }
  if (inputs.empty()) return make_error(ErrorCode::invalid_input, "a study needs a series");
  study.id = new_id("stu_");
  study.created_us = now_us();
  MV_TRY(store_.create_study(sealed(study)));
  AddedStudy added{study, {}};
  for (const SeriesInput& input : inputs) {
    const imaging::Volume& v = input.volume;
    imaging::VolumeTextureOptions options;
    const bool ct = v.unit() == imaging::ValueUnit::hounsfield;
    if (ct) options.window = imaging::window_presets::ct_wide;
    auto texture = imaging::make_volume_texture(v, options);
    if (!texture) return texture.error();
    SeriesRecord series;
    series.id = new_id("ser_");
    series.study_id = study.id;
    series.description = input.description;
    series.modality = input.modality;
    series.dims = v.dims();
    series.spacing_mm = {v.geometry().spacing.x(), v.geometry().spacing.y(),
                         v.geometry().spacing.z()};
    series.unit = ct ? "HU" : "";
    series.created_us = now_us();
    SeriesRecord stored = series;
    if (is_patient(study))
      stored.description = cipher_.seal_text(series.description, series.id + ".description");
    MV_TRY(store_.create_series(stored));
    // The header names "volume.raw": the client fetches it relative to the
    // header's URL (/api/series/{id}/volume.raw).
    MV_TRY(put_blob(study, volume_json_id(series.id), "volume_texture", "volume.json",
                    "application/json", imaging::volume_texture_header(*texture, "volume.raw")));
    MV_TRY(put_blob(study, volume_raw_id(series.id), "volume_texture", "volume.raw",
                    "application/octet-stream",
                    std::string(texture->voxels.begin(), texture->voxels.end())));
    MV_TRY(put_blob(study, voxels_id(series.id), "voxels", "voxels", "application/octet-stream",
                    encode_volume_blob(v)));
    added.series.push_back(std::move(series));
  }
  return added;
}

Result<ModelRecord> ImageLibrary::request_model(const std::string& series_id,
                                                const ModelRequest& request,
                                                const std::string& created_by) {
  if (request.threshold.has_value() == !request.labels.empty()) {
    return make_error(ErrorCode::invalid_input, "give exactly one of 'threshold' and 'labels'");
  }
  if (request.threshold && !std::isfinite(*request.threshold))
    return make_error(ErrorCode::invalid_input, "'threshold' must be a finite number");
  if (!request.labels.empty() && !find_label_source(request.labels)) {
    return make_error(ErrorCode::invalid_input,
                      "unknown label source '" + request.labels + "' (known: aal)");
  }
  auto series_record = store_.get_series(series_id);
  if (!series_record) return series_record.error();
  ModelRecord model;
  model.id = new_id("mdl_");
  model.series_id = series_id;
  model.kind = request.threshold ? "threshold" : "labels";
  model.threshold = request.threshold;
  model.labels = request.labels;
  model.name = !request.name.empty() ? request.name
               : request.threshold   ? "threshold " + format_value(*request.threshold)
                                     : request.labels;
  model.created_by = created_by;
  model.created_us = model.updated_us = now_us();
  imaging::SurfaceModelOptions options;
  options.decimate_ratio = request.decimate_ratio;
  MV_TRY(imaging::check_surface_options(options));
  MV_TRY(store_.create_model(model));
  const std::string id = model.id;
  post([this, id, options] { build_model(id, options); });
  return model;
}

void ImageLibrary::build_model(const std::string& model_id,
                               const imaging::SurfaceModelOptions& options) {
  auto model = store_.get_model(model_id);
  if (!model) {
    spdlog::error("imaging library: model {} vanished before its build: {}", model_id,
                  model.error().message);
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  Status built;
  try {
    built = run_build(*model, options);
  } catch (const BuildCancelled&) {
    built = make_error(ErrorCode::unavailable,
                       "the server stopped during the build; it is built again at the next start "
                       "if it is bundled content, or can be requested again");
  }
  model->updated_us = now_us();
  if (built.ok()) {
    model->status = ModelStatus::ready;
    model->progress = 1;
    spdlog::info("imaging library: model {} '{}' ready: {} structures, {} triangles, {:.1f} s",
                 model->id, model->name, model->structures, model->triangles,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  } else {
    model->status = ModelStatus::failed;
    model->error = built.error().message;
    spdlog::warn("imaging library: model {} '{}' failed: {}", model->id, model->name, model->error);
  }
  const Status saved = store_.update_model(*model);
  if (!saved.ok())
    spdlog::error("imaging library: cannot record the outcome of model {}: {}", model->id,
                  saved.error().message);
}

Status ImageLibrary::run_build(ModelRecord& model, const imaging::SurfaceModelOptions& options) {
  auto series_record = store_.get_series(model.series_id);
  if (!series_record) return series_record.error();
  auto study_record = study(series_record->study_id);
  if (!study_record) return study_record.error();
  auto volume = voxels(*study_record, model.series_id);
  if (!volume) return volume.error();

  // Progress: 5% loaded, structures up to 90%, encoding and storing the rest.
  auto report = [&](double progress) {
    model.progress = progress;
    model.updated_us = now_us();
    const Status s = store_.update_model(model);
    if (!s.ok()) spdlog::warn("imaging library: progress of {}: {}", model.id, s.error().message);
  };
  report(0.05);
  const imaging::StructureDone done = [&](std::size_t n, std::size_t count,
                                          const imaging::SurfaceMesh&, std::size_t) {
    if (cancel_) throw BuildCancelled{};
    report(0.05 + 0.85 * static_cast<double>(n) / static_cast<double>(count));
  };
  const imaging::SurfaceWarning warn = [&](const std::string& message) {
    spdlog::warn("imaging library: model {}: {}", model.id, message);
  };
  Result<std::vector<imaging::SurfaceMesh>> meshes =
      make_error(ErrorCode::internal, "no model built");
  if (model.threshold) {
    meshes = imaging::threshold_surfaces(*volume, *model.threshold, options, done, warn);
  } else {
    auto source = find_label_source(model.labels);
    if (!source)
      return make_error(ErrorCode::invalid_input, "unknown label source " + model.labels);
    auto labels = imaging::load_volume_source(source->labels);
    if (!labels) return labels.error();
    const imaging::Volume& label_volume = imaging::largest_volume(*labels).volume;
    if (!imaging::same_grid(volume->geometry(), label_volume.geometry())) {
      return make_error(ErrorCode::invalid_input,
                        "label source '" + model.labels + "' does not lie on this series' grid");
    }
    auto names = imaging::read_label_names(source->names);
    if (!names) return names.error();
    auto entries = imaging::present_labels(label_volume, *names, warn);
    if (!entries) return entries.error();
    meshes = imaging::label_surfaces(label_volume, *entries, options, done, warn);
  }
  if (!meshes) return meshes.error();
  if (meshes->empty()) return make_error(ErrorCode::invalid_input, "no structure has any voxel");
  auto glb = imaging::encode_glb(*meshes);
  if (!glb) return glb.error();
  auto stl = imaging::encode_stl(*meshes);
  if (!stl) return stl.error();
  MV_TRY(put_blob(*study_record, glb_id(model.id), "model", model.name + ".glb",
                  "model/gltf-binary", std::string(glb->begin(), glb->end())));
  MV_TRY(
      put_blob(*study_record, stl_id(model.id), "model", model.name + ".stl", "model/stl", *stl));
  model.structures = static_cast<std::int64_t>(meshes->size());
  model.triangles = static_cast<std::int64_t>(imaging::total_triangles(*meshes));
  return {};
}

}  // namespace medvision::library
