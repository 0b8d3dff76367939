#pragma once
// The imaging library: studies, their series (volumes) and surface models,
// kept in the record store. Two libraries share it: `teaching`
// (de-identified) and `patient` (identified). For patient studies the
// identifying fields (title, description, patient id, series descriptions)
// and every blob are sealed with the record cipher before they reach the
// store, and opened again here; callers only ever see plaintext.
//
// Models are built on one worker thread owned by the library, never on the
// caller's thread: request_model() records the model as `building` and
// returns at once; the worker writes progress (0..1) to the store as it goes
// and ends with `ready` (the .glb and .stl stored) or `failed` (with why).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "imaging/surface_model.h"
#include "imaging/volume.h"
#include "store/record_cipher.h"
#include "store/record_store.h"

namespace medvision::library {

inline constexpr const char* kTeaching = "teaching";
inline constexpr const char* kPatient = "patient";

// A label volume and its names that the server knows by a short key, for
// models of series on the same grid (the AAL atlas lies on Colin27's grid).
struct LabelSource {
  std::string key;
  std::filesystem::path labels;
  std::filesystem::path names;
};
std::optional<LabelSource> find_label_source(const std::string& key);

struct SeriesInput {
  imaging::Volume volume;
  std::string description;
  std::string modality;
};

struct AddedStudy {
  StudyRecord study;
  std::vector<SeriesRecord> series;
};

struct ModelRequest {
  std::string name;                 // "" names it after the threshold or label source
  std::optional<double> threshold;  // exactly one of threshold and labels
  std::string labels;               // a LabelSource key
  double decimate_ratio = 0.5;      // triangles kept by decimation, in (0, 1]
};

// Artifact ids of a series' and a model's blobs.
std::string volume_json_id(const std::string& series_id);
std::string volume_raw_id(const std::string& series_id);
std::string voxels_id(const std::string& series_id);
std::string glb_id(const std::string& model_id);
std::string stl_id(const std::string& model_id);

class ImageLibrary {
 public:
  ImageLibrary(RecordStore& store, RecordCipher cipher);
  // Stops the model being built at its next structure (it is recorded as
  // failed), drops queued work, joins the worker.
  ~ImageLibrary();
  ImageLibrary(const ImageLibrary&) = delete;
  ImageLibrary& operator=(const ImageLibrary&) = delete;

  // Studies as callers see them (opened). Ordered oldest first.
  Result<std::vector<StudyRecord>> studies();
  Result<StudyRecord> study(const std::string& id);
  Result<std::vector<SeriesRecord>> series_of(const StudyRecord& study);
  Result<SeriesRecord> series(const std::string& id);
  Result<std::vector<ModelRecord>> models_of(const std::string& series_id);
  Result<ModelRecord> model(const std::string& id);
  // A blob of `study` (opened when the study is a patient record).
  Result<std::string> blob(const StudyRecord& study, const std::string& artifact_id);
  Result<imaging::Volume> voxels(const StudyRecord& study, const std::string& series_id);

  // Records a study with its series: the volume texture (at most 256^3, CT
  // with a -1000..+2000 HU window) and the full voxels of each. study.id,
  // created_us and the series ids are assigned here.
  Result<AddedStudy> add_study(StudyRecord study, const std::vector<SeriesInput>& series);

  // Records a model as `building` and queues its build on the worker.
  Result<ModelRecord> request_model(const std::string& series_id, const ModelRequest& request,
                                    const std::string& created_by);
  // Builds a recorded `building` model on the calling thread (the worker's
  // job; the command line calls it directly). The outcome is in the store.
  void build_model(const std::string& model_id, const imaging::SurfaceModelOptions& options = {});

  // Runs `job` on the worker after the work already queued.
  void post(std::function<void()> job);
  // Blocks until the queue is empty and the worker idle.
  void wait_idle();

 private:
  Status put_blob(const StudyRecord& study, const std::string& id, const std::string& kind,
                  const std::string& name, const std::string& media_type, const std::string& bytes);
  StudyRecord sealed(const StudyRecord& study) const;
  Result<StudyRecord> opened(StudyRecord study) const;
  Status run_build(ModelRecord& model, const imaging::SurfaceModelOptions& options);
  void work();

  RecordStore& store_;
  RecordCipher cipher_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // a build in progress stops at its next structure
  std::thread worker_;
};

// The record cipher of a data folder: MEDVISION_RECORD_KEY if set, else
// <data_dir>/record.key (created 0600 on first use).
// `key_file` (the --record-key-file setting) overrides <data_dir>/record.key.
Result<RecordCipher> record_cipher_for(const std::filesystem::path& data_dir,
                                       const std::filesystem::path& key_file = {});

// A store (migrated) and its library, for command-line tools.
struct OpenedLibrary {
  std::unique_ptr<RecordStore> store;
  std::unique_ptr<ImageLibrary> library;  // declared after the store: destroyed first
};
Result<OpenedLibrary> open_library(const std::string& db_url,
                                   const std::filesystem::path& data_dir);

// Bundled content, built in the background at the server's first start from
// Debian data packages: "Colin27 brain MRI (AAL atlas)" (mricron-data) with
// the "AAL atlas" model, and "Head CT" (invesalius-examples' Cranium.inv3)
// with a "Skull" model. Content already present is left alone; a bundled
// study whose model did not finish gets a new build; a missing package is
// logged and skipped.
void build_bundled_content(ImageLibrary& library);

}  // namespace medvision::library
