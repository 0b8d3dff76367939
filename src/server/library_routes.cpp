#include "server/library_routes.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "library/image_library.h"
#include "server/route_table.h"

namespace medvision {
namespace {

using library::ImageLibrary;
using nlohmann::json;

struct LibraryCall {
  ApiContext& ctx;
  ImageLibrary& lib;
  const Caller& caller;
  const HttpRequest& req;
  const std::vector<std::string>& parts;
  const std::string& remote;
};

// Who sees a patient study: when it is filed into a patient record, that
// record's care team (and emergency access); while unfiled, the user who
// imported it and admins (who file it).
Result<bool> sees_patient_study(LibraryCall& c, const StudyRecord& study) {
  const UserRecord& user = c.caller.user;
  if (user.role != Role::clinician && user.role != Role::admin && user.role != Role::instructor)
    return false;
  if (study.patient_record_id.empty())
    return user.role == Role::admin || (!study.created_by.empty() && study.created_by == user.id);
  return may_see_patient(c.ctx, study.patient_record_id, user);
}

// Every patient record read is audited on its own line, naming the study,
// besides the request's own audit entry; a read whose audit row cannot be
// written is refused.
Status may_see(LibraryCall& c, const StudyRecord& study) {
  if (study.library != library::kPatient) return {};
  auto sees = sees_patient_study(c, study);
  if (!sees.ok()) return sees.error();
  if (!*sees) {
    return make_error(ErrorCode::forbidden,
                      study.patient_record_id.empty()
                          ? std::string("this patient study is not filed into a patient record yet")
                          : "you are not on the care team of this study's patient");
  }
  const Status audited = c.ctx.store.append_audit(AuditEntry{
      0, wall_time_us(), c.caller.user.id, "read_patient_record", "/api/studies/" + study.id, "ok",
      std::string(c.req.target().substr(0, c.req.target().find('?'))), c.remote});
  if (!audited.ok())
    return make_error(ErrorCode::unavailable,
                      "patient data is not shown while the audit log cannot be written");
  return {};
}

json model_json(const ModelRecord& m) {
  json j = {{"id", m.id},
            {"series_id", m.series_id},
            {"name", m.name},
            {"kind", m.kind},
            {"status", to_string(m.status)},
            {"progress", m.progress},
            {"structures", m.structures},
            {"triangles", m.triangles},
            {"glb", "/api/models/" + m.id + ".glb"},
            {"stl", "/api/models/" + m.id + ".stl"}};
  if (m.threshold) j["threshold"] = *m.threshold;
  if (!m.labels.empty()) j["labels"] = m.labels;
  if (!m.error.empty()) j["error"] = m.error;
  return j;
}

Result<json> series_json(ImageLibrary& lib, const SeriesRecord& s) {
  auto models = lib.models_of(s.id);
  if (!models) return models.error();
  json list = json::array();
  for (const ModelRecord& m : *models) list.push_back(model_json(m));
  return json{{"id", s.id},
              {"study_id", s.study_id},
              {"description", s.description},
              {"modality", s.modality},
              {"dimensions", s.dims},
              {"spacing_mm", s.spacing_mm},
              {"unit", s.unit},
              {"volume", "/api/series/" + s.id + "/volume.json"},
              {"models", list}};
}

Result<json> study_json(ImageLibrary& lib, const StudyRecord& s) {
  auto series = lib.series_of(s);
  if (!series) return series.error();
  json list = json::array();
  for (const SeriesRecord& one : *series) {
    auto j = series_json(lib, one);
    if (!j) return j.error();
    list.push_back(std::move(*j));
  }
  json j = {{"id", s.id},
            {"title", s.title},
            {"description", s.description},
            {"library", s.library},
            {"modality", s.modality},
            {"source", s.source},
            {"created_at", iso8601(s.created_us)},
            {"series", list}};
  if (s.library == library::kPatient) {
    j["patient_id"] = s.patient_id;
    j["patient_record_id"] = s.patient_record_id;
  }
  return j;
}

HttpResponse blob_response(const HttpRequest& req, const StudyRecord& study,
                           const std::string& media_type, std::string bytes) {
  HttpResponse res{http::status::ok, req.version()};
  res.set(http::field::content_type, media_type);
  // Patient data is never cached; teaching blobs never change under an id.
  res.set(http::field::cache_control,
          study.library == library::kPatient ? "no-store" : "private, max-age=86400");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(bytes);
  res.prepare_payload();
  return res;
}

// The study a series belongs to, after the caller's access is checked.
Result<std::pair<SeriesRecord, StudyRecord>> visible_series(LibraryCall& c, const std::string& id) {
  auto series = c.lib.series(id);
  if (!series) return series.error();
  auto study = c.lib.study(series->study_id);
  if (!study) return study.error();
  MV_TRY(may_see(c, *study));
  return std::pair{std::move(*series), std::move(*study)};
}

Result<HttpResponse> list_studies(LibraryCall& c) {
  auto studies = c.lib.studies();
  if (!studies) return studies.error();
  json list = json::array();
  for (const StudyRecord& s : *studies) {
    if (s.library == library::kPatient) {
      auto sees = sees_patient_study(c, s);
      if (!sees.ok()) return sees.error();
      if (!*sees) continue;
    }
    MV_TRY(may_see(c, s));
    auto j = study_json(c.lib, s);
    if (!j) return j.error();
    list.push_back(std::move(*j));
  }
  return json_response(c.req, http::status::ok, list);
}

Result<HttpResponse> get_study(LibraryCall& c, const std::string& id) {
  auto study = c.lib.study(id);
  if (!study) return study.error();
  MV_TRY(may_see(c, *study));
  auto j = study_json(c.lib, *study);
  if (!j) return j.error();
  return json_response(c.req, http::status::ok, *j);
}

Result<HttpResponse> series_volume(LibraryCall& c, const std::string& id, bool header) {
  auto found = visible_series(c, id);
  if (!found) return found.error();
  const auto& [series, study] = *found;
  auto bytes = c.lib.blob(
      study, header ? library::volume_json_id(series.id) : library::volume_raw_id(series.id));
  if (!bytes) return bytes.error();
  return blob_response(c.req, study, header ? "application/json" : "application/octet-stream",
                       std::move(*bytes));
}

Result<HttpResponse> create_model(LibraryCall& c, const std::string& series_id) {
  auto found = visible_series(c, series_id);
  if (!found) return found.error();
  const json body = json::parse(c.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return make_error(ErrorCode::invalid_input, "request body must be a JSON object");
  library::ModelRequest request;
  if (body.contains("threshold")) {
    if (!body["threshold"].is_number())
      return make_error(ErrorCode::invalid_input, "field 'threshold' must be a number");
    request.threshold = body["threshold"].get<double>();
  }
  if (body.contains("labels")) {
    if (!body["labels"].is_string())
      return make_error(ErrorCode::invalid_input,
                        "field 'labels' must be a string such as \"aal\"");
    request.labels = body["labels"].get<std::string>();
  }
  if (body.contains("name")) {
    if (!body["name"].is_string() || body["name"].get<std::string>().size() > 200)
      return make_error(ErrorCode::invalid_input,
                        "field 'name' must be a string of at most 200 characters");
    request.name = body["name"].get<std::string>();
  }
  // Per-user limit on model builds running at once.
  int building = 0;
  if (auto studies = c.lib.studies(); studies) {
    for (const StudyRecord& st : *studies) {
      auto series = c.lib.series_of(st);
      if (!series) continue;
      for (const SeriesRecord& one : *series) {
        auto models = c.lib.models_of(one.id);
        if (!models) continue;
        for (const ModelRecord& m : *models)
          building += m.status == ModelStatus::building && m.created_by == c.caller.user.id;
      }
    }
  }
  if (building >= c.ctx.config.max_model_builds_per_user) {
    return make_error(
        ErrorCode::too_many,
        "you already have " + std::to_string(building) + " model(s) building (the limit is " +
            std::to_string(c.ctx.config.max_model_builds_per_user) + "); wait for one to finish");
  }
  auto model = c.lib.request_model(series_id, request, c.caller.user.id);
  if (!model) return model.error();
  HttpResponse res = json_response(c.req, http::status::accepted, model_json(*model));
  res.set(http::field::location, "/api/models/" + model->id);
  return res;
}

Result<HttpResponse> get_model(LibraryCall& c, const std::string& target) {
  std::string id = target;
  std::string format;
  for (const char* ext : {".glb", ".stl"}) {
    if (id.ends_with(ext)) {
      format = ext + 1;
      id.resize(id.size() - 4);
    }
  }
  auto model = c.lib.model(id);
  if (!model) return model.error();
  auto found = visible_series(c, model->series_id);
  if (!found) return found.error();
  if (format.empty()) return json_response(c.req, http::status::ok, model_json(*model));
  if (model->status != ModelStatus::ready) {
    return make_error(ErrorCode::conflict,
                      "model '" + id + "' is " + to_string(model->status) +
                          (model->status == ModelStatus::failed
                               ? ": " + model->error
                               : " (" + std::to_string(std::lround(model->progress * 100)) + "%)"));
  }
  const StudyRecord& study = found->second;
  auto bytes = c.lib.blob(study, format == "glb" ? library::glb_id(id) : library::stl_id(id));
  if (!bytes) return bytes.error();
  return blob_response(c.req, study, format == "glb" ? "model/gltf-binary" : "model/stl",
                       std::move(*bytes));
}

// Files a patient study into a patient record: admins, or its importer when
// on that patient's care team.
Result<HttpResponse> file_study(LibraryCall& c, const std::string& study_id) {
  auto study = c.lib.study(study_id);
  if (!study) return study.error();
  if (study->library != library::kPatient)
    return make_error(ErrorCode::invalid_input, "only patient-library studies are filed");
  const json body = json::parse(c.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("patient_id") ||
      !body["patient_id"].is_string())
    return make_error(ErrorCode::invalid_input, "body must be {\"patient_id\": \"pat_...\"}");
  const std::string patient_id = body["patient_id"].get<std::string>();
  auto patient = c.ctx.store.get_patient(patient_id);
  if (!patient.ok()) return patient.error();
  const UserRecord& user = c.caller.user;
  if (user.role != Role::admin) {
    auto on_team = c.ctx.store.is_on_care_team(patient_id, user.id);
    if (!on_team.ok()) return on_team.error();
    const bool importer = study->created_by == user.id && study->patient_record_id.empty();
    if (!*on_team || !importer)
      return make_error(ErrorCode::forbidden,
                        "only admins, or the importer on the patient's care team, file studies");
  }
  MV_TRY(c.ctx.store.set_study_patient(study_id, patient_id));
  audit(c.ctx, user.id, "file_study", "/api/studies/" + study_id, "ok", "into " + patient_id,
        c.remote);
  auto filed = c.lib.study(study_id);
  if (!filed) return filed.error();
  auto j = study_json(c.lib, *filed);
  if (!j) return j.error();
  return json_response(c.req, http::status::ok, *j);
}

}  // namespace

Result<std::unique_ptr<library::ImageLibrary>> start_image_library(RecordStore& store,
                                                                   const ServerConfig& config) {
  auto cipher = library::record_cipher_for(config.data_dir, config.record_key_file);
  if (!cipher) return cipher.error();
  auto interrupted = store.fail_building_models(
      "the server stopped before the model was built; build it again", wall_time_us());
  if (!interrupted) return interrupted.error();
  if (*interrupted > 0) spdlog::warn("{} model build(s) were interrupted", *interrupted);
  auto lib = std::make_unique<library::ImageLibrary>(store, *cipher);
  if (config.library == "bundled") library::build_bundled_content(*lib);
  return lib;
}

namespace {

using LibraryHandler = Result<HttpResponse> (*)(LibraryCall&, const std::string&);

Result<HttpResponse> with_library(RouteCall& c, const std::string& id,
                                  Result<HttpResponse> (*f)(LibraryCall&, const std::string&)) {
  if (c.ctx.library == nullptr)
    return make_error(ErrorCode::unavailable, "the imaging library is not available");
  const std::vector<std::string> no_parts;
  LibraryCall lc{c.ctx, *c.ctx.library, *c.caller, c.req, no_parts, c.remote};
  return f(lc, id);
}

Route library_route(http::verb method, std::string pattern, std::vector<Role> roles,
                    std::string summary, RouteHandler handler) {
  return make_route("library", method, std::move(pattern), std::move(roles), Membership::none,
                    std::move(summary), std::move(handler));
}

}  // namespace

void add_library_routes(std::vector<Route>& t) {
  const std::vector<Role> readers = {Role::trainee, Role::instructor, Role::clinician, Role::admin};
  const auto get = http::verb::get;
  t.push_back(library_route(
      get, "/api/studies", readers,
      "the studies the caller may see: the teaching library, and patient studies of patients "
      "whose care team they are on (unfiled ones: their importer and admins)",
      [](RouteCall& c) {
        return with_library(c, "",
                            [](LibraryCall& lc, const std::string&) { return list_studies(lc); });
      }));
  t.push_back(
      library_route(get, "/api/studies/{id}", readers,
                    "one study; 403 for a patient study the caller may not see",
                    [](RouteCall& c) { return with_library(c, c.param("id"), get_study); }));
  t.push_back(library_route(
      http::verb::post, "/api/studies/{id}/patient", {Role::clinician, Role::admin},
      "body `{\"patient_id\"}`: files a patient study into a patient record (admins, or its "
      "importer on the patient's care team)",
      [](RouteCall& c) { return with_library(c, c.param("id"), file_study); }));
  t.push_back(library_route(get, "/api/series/{id}/volume.json", readers,
                            "the volume-texture header (as for its study)", [](RouteCall& c) {
                              return with_library(c, c.param("id"),
                                                  [](LibraryCall& lc, const std::string& id) {
                                                    return series_volume(lc, id, true);
                                                  });
                            }));
  t.push_back(library_route(get, "/api/series/{id}/volume.raw", readers,
                            "the texture's uint8 voxels (as for its study)", [](RouteCall& c) {
                              return with_library(c, c.param("id"),
                                                  [](LibraryCall& lc, const std::string& id) {
                                                    return series_volume(lc, id, false);
                                                  });
                            }));
  t.push_back(library_route(
      http::verb::post, "/api/series/{id}/models", {Role::instructor, Role::clinician, Role::admin},
      "body `{\"threshold\",\"name\"?}` or `{\"labels\":\"aal\",\"name\"?}`; 202 the model, "
      "building; 429 past the per-user limit",
      [](RouteCall& c) { return with_library(c, c.param("id"), create_model); }));
  t.push_back(
      library_route(get, "/api/models/{id}", readers,
                    "the model with `status` and `progress`; `{id}.glb` and `{id}.stl` "
                    "give its files (409 until ready)",
                    [](RouteCall& c) { return with_library(c, c.param("id"), get_model); }));
}

}  // namespace medvision
