// Bundled anatomy built at the server's first start (see image_library.h).

#include <spdlog/spdlog.h>

#include <filesystem>

#include "imaging/volume_source.h"
#include "library/image_library.h"

#if __has_include("imaging/invesalius_project.h")
#include "imaging/invesalius_project.h"
#define MEDVISION_HAS_INVESALIUS 1
#endif

namespace medvision::library {
namespace {

namespace fs = std::filesystem;

struct Bundle {
  const char* key;
  const char* title;
  const char* description;
  const char* modality;
  fs::path source;
  const char* package;
  ModelRequest model;
  Result<imaging::Volume> (*load)(const fs::path& path);
};

Result<imaging::Volume> load_nifti(const fs::path& path) {
  auto source = imaging::load_volume_source(path);
  if (!source) return source.error();
  return std::move(imaging::largest_volume(*source).volume);
}

#ifdef MEDVISION_HAS_INVESALIUS
Result<imaging::Volume> load_invesalius(const fs::path& path) {
  return imaging::read_invesalius_project(path);
}
#endif

std::vector<Bundle> bundles() {
  std::vector<Bundle> all;
  all.push_back(Bundle{
      "colin27-aal", "Colin27 brain MRI (AAL atlas)",
      "Colin Holmes' 27-scan average T1 MRI, 1 mm (Holmes et al. 1998), with the 116 regions of "
      "the AAL atlas (Tzourio-Mazoyer et al. 2002)",
      "MR", "/usr/share/mricron/templates/ch2.nii.gz", "mricron-data",
      // 18% of the triangles: about 245k instead of 678k at the default 50%,
      // so that a headset frame, which draws the model once per eye, stays
      // under its ~500k-triangle budget.
      ModelRequest{"AAL atlas", std::nullopt, "aal", 0.18}, load_nifti});
#ifdef MEDVISION_HAS_INVESALIUS
  // 226 HU: InVesalius' "Bone" threshold preset (226..3071 HU), the lower
  // edge of cortical and trabecular bone on CT.
  all.push_back(Bundle{"head-ct", "Head CT",
                       "A real head CT, 256x256x108, 0.957x0.957x1.5 mm, from the InVesalius "
                       "examples",
                       "CT", "/usr/share/doc/invesalius-examples/examples/Cranium.inv3",
                       "invesalius-examples",
                       // 35%: about 237k triangles, under the headset budget for both eyes.
                       ModelRequest{"Skull", 226.0, "", 0.35}, load_invesalius});
#endif
  return all;
}

// Whether a bundled study already has its model ready or on the way.
bool has_live_model(ImageLibrary& library, const std::vector<SeriesRecord>& series) {
  for (const SeriesRecord& s : series) {
    auto models = library.models_of(s.id);
    if (!models) continue;
    for (const ModelRecord& m : *models)
      if (m.status != ModelStatus::failed) return true;
  }
  return false;
}

void build_bundle(ImageLibrary& library, const std::vector<StudyRecord>& existing,
                  const Bundle& bundle) {
  for (const StudyRecord& study : existing) {
    if (study.bundle != bundle.key) continue;
    auto series = library.series_of(study);
    if (!series || series->empty()) return;
    if (has_live_model(library, *series)) return;
    spdlog::info("bundled content '{}': its model did not finish before; building it again",
                 bundle.key);
    auto again = library.request_model(series->front().id, bundle.model, "");
    if (!again) spdlog::warn("bundled content '{}': {}", bundle.key, again.error().message);
    return;
  }
  std::error_code ec;
  if (!fs::exists(bundle.source, ec)) {
    spdlog::warn("bundled content '{}' skipped: {} is missing (install the Debian package {})",
                 bundle.key, bundle.source.string(), bundle.package);
    return;
  }
  auto volume = bundle.load(bundle.source);
  if (!volume) {
    spdlog::warn("bundled content '{}' skipped: {}", bundle.key, volume.error().message);
    return;
  }
  StudyRecord study;
  study.title = bundle.title;
  study.description = bundle.description;
  study.library = kTeaching;
  study.modality = bundle.modality;
  study.source = "bundled";
  study.bundle = bundle.key;
  std::vector<SeriesInput> inputs;
  inputs.push_back(
      SeriesInput{std::move(*volume), bundle.source.filename().string(), bundle.modality});
  auto added = library.add_study(std::move(study), inputs);
  if (!added) {
    spdlog::warn("bundled content '{}' not recorded: {}", bundle.key, added.error().message);
    return;
  }
  auto model = library.request_model(added->series.front().id, bundle.model, "");
  if (!model) {
    spdlog::warn("bundled content '{}': {}", bundle.key, model.error().message);
    return;
  }
  spdlog::info("bundled content '{}': study {} recorded, model {} queued", bundle.key,
               added->study.id, model->id);
}

}  // namespace

void build_bundled_content(ImageLibrary& library) {
  library.post([&library] {
    auto existing = library.studies();
    if (!existing) {
      spdlog::error("bundled content: cannot list studies: {}", existing.error().message);
      return;
    }
    for (const Bundle& bundle : bundles()) build_bundle(library, *existing, bundle);
  });
}

}  // namespace medvision::library
