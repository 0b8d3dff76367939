#include "server/library_routes.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "library/image_library.h"

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

bool sees_patient_records(const Caller& caller) {
  return caller.user.role == Role::clinician || caller.user.role == Role::admin;
}

Status may_use_library(const Caller& caller) {
  if (caller.user.role == Role::patient)
    return make_error(ErrorCode::forbidden, "role 'patient' may not read the imaging library");
  return {};
}

// Every patient record read is audited on its own line, naming the study,
// besides the request's own audit entry.
Status may_see(LibraryCall& c, const StudyRecord& study) {
  if (study.library != library::kPatient) return {};
  if (!sees_patient_records(c.caller)) {
    return make_error(ErrorCode::forbidden, std::string("role '") + to_string(c.caller.user.role) +
                                                "' may not read patient records");
  }
  audit(c.ctx, c.caller.user.id, "read_patient_record", "/api/studies/" + study.id, "ok",
        std::string(c.req.target().substr(0, c.req.target().find('?'))), c.remote);
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
  if (s.library == library::kPatient) j["patient_id"] = s.patient_id;
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
    if (s.library == library::kPatient && !sees_patient_records(c.caller)) continue;
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
  if (c.caller.user.role != Role::instructor && !sees_patient_records(c.caller)) {
    return make_error(ErrorCode::forbidden, std::string("role '") + to_string(c.caller.user.role) +
                                                "' may not build models");
  }
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

Result<HttpResponse> no_route(const HttpRequest& req) {
  return make_error(ErrorCode::not_found, "no such route: " + std::string(req.method_string()) +
                                              " " + std::string(req.target()));
}

}  // namespace

Result<std::unique_ptr<library::ImageLibrary>> start_image_library(RecordStore& store,
                                                                   const ServerConfig& config) {
  auto cipher = library::record_cipher_for(config.data_dir);
  if (!cipher) return cipher.error();
  auto interrupted = store.fail_building_models(
      "the server stopped before the model was built; build it again", wall_time_us());
  if (!interrupted) return interrupted.error();
  if (*interrupted > 0) spdlog::warn("{} model build(s) were interrupted", *interrupted);
  auto lib = std::make_unique<library::ImageLibrary>(store, *cipher);
  if (config.library == "bundled") library::build_bundled_content(*lib);
  return lib;
}

bool is_library_route(const std::vector<std::string>& parts) {
  return parts.size() >= 2 &&
         (parts[1] == "studies" || parts[1] == "series" || parts[1] == "models");
}

Result<HttpResponse> route_library(ApiContext& ctx, const Caller& caller, const HttpRequest& req,
                                   const std::vector<std::string>& p, const std::string& remote) {
  MV_TRY(may_use_library(caller));
  if (ctx.library == nullptr) {
    return make_error(ErrorCode::unavailable, "the imaging library is not available");
  }
  LibraryCall c{ctx, *ctx.library, caller, req, p, remote};
  const bool get = req.method() == http::verb::get;
  if (p[1] == "studies") {
    if (p.size() == 2 && get) return list_studies(c);
    if (p.size() == 3 && get) return get_study(c, p[2]);
  } else if (p[1] == "series" && p.size() == 4) {
    if (get && p[3] == "volume.json") return series_volume(c, p[2], true);
    if (get && p[3] == "volume.raw") return series_volume(c, p[2], false);
    if (req.method() == http::verb::post && p[3] == "models") return create_model(c, p[2]);
  } else if (p[1] == "models" && p.size() == 3 && get) {
    return get_model(c, p[2]);
  }
  return no_route(req);
}

}  // namespace medvision
