#include "pacs/dicomweb_client.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pacs/http_client.h"
#include "pacs/multipart.h"

namespace medvision::pacs {
namespace {

using nlohmann::json;

// PS3.18 section 8.7.3.5.2: ask for instances as stored (no transcoding).
constexpr const char* kAcceptDicom =
    "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
constexpr const char* kAcceptJson = "application/dicom+json, application/json";

// The first value of an attribute in the DICOM JSON model (PS3.18 annex F):
// strings as they are, numbers (IS, US ...) printed, person names as their
// Alphabetic group.
std::string first_value(const json& object, const char* tag) {
  const auto attribute = object.find(tag);
  if (attribute == object.end() || !attribute->is_object()) return {};
  const auto values = attribute->find("Value");
  if (values == attribute->end() || !values->is_array() || values->empty()) return {};
  const json& v = values->front();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return std::to_string(v.get<double>());
  if (v.is_object()) {
    const auto alphabetic = v.find("Alphabetic");
    if (alphabetic != v.end() && alphabetic->is_string()) return alphabetic->get<std::string>();
  }
  return {};
}

std::string all_values(const json& object, const char* tag) {
  const auto attribute = object.find(tag);
  if (attribute == object.end() || !attribute->is_object()) return {};
  const auto values = attribute->find("Value");
  if (values == attribute->end() || !values->is_array()) return {};
  std::string out;
  for (const json& v : *values) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += '\\';
    out += v.get<std::string>();
  }
  return out;
}

std::optional<std::size_t> count_value(const json& object, const char* tag) {
  const std::string text = first_value(object, tag);
  if (text.empty()) return std::nullopt;
  try {
    const long long n = std::stoll(text);
    if (n >= 0) return static_cast<std::size_t>(n);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

class DicomwebClient final : public PacsClient {
 public:
  DicomwebClient(PacsUrl url, const PacsClientOptions& options)
      : url_(std::move(url)), options_(options) {
    endpoint_.host = url_.host;
    endpoint_.port = url_.port;
    if (!url_.user_info.empty()) endpoint_.authorization = "Basic " + base64(url_.user_info);
  }

  std::string describe() const override { return "DICOMweb " + url_.display(); }

  Status echo() override {
    auto found = search(url_.path + "/studies?limit=1");
    if (!found) return found.error();
    return {};
  }

  Result<std::vector<StudySummary>> find_studies(const StudyQuery& q) override {
    if (!q.study_uid.empty() && !valid_uid(q.study_uid))
      return make_error(ErrorCode::invalid_input, "\"" + q.study_uid + "\" is not a DICOM UID");
    std::string target = url_.path + "/studies?limit=" + std::to_string(q.limit);
    const auto add = [&](const char* key, const std::string& value) {
      if (!value.empty()) target += std::string("&") + key + "=" + url_encode(value);
    };
    add("StudyInstanceUID", q.study_uid);
    add("PatientID", q.patient_id);
    add("PatientName", q.patient_name);
    add("StudyDate", q.study_date);
    add("AccessionNumber", q.accession_number);
    // Optional attributes a server returns only when asked (PS3.18 table 10.6.3-3).
    target +=
        "&includefield=00081030&includefield=00080061&includefield=00201206&includefield=00201208";
    auto found = search(target);
    if (!found) return found.error();
    std::vector<StudySummary> studies;
    for (const json& s : *found) {
      StudySummary summary;
      summary.study_uid = first_value(s, "0020000D");
      summary.patient_name = first_value(s, "00100010");
      summary.patient_id = first_value(s, "00100020");
      summary.study_date = first_value(s, "00080020");
      summary.description = first_value(s, "00081030");
      summary.accession_number = first_value(s, "00080050");
      summary.modalities = all_values(s, "00080061");
      summary.series_count = count_value(s, "00201206");
      summary.instance_count = count_value(s, "00201208");
      if (!summary.study_uid.empty()) studies.push_back(std::move(summary));
    }
    return studies;
  }

  Result<std::size_t> retrieve_study(const std::string& study_uid,
                                     const std::filesystem::path& folder,
                                     const RetrieveProgress& progress) override {
    if (!valid_uid(study_uid))
      return make_error(ErrorCode::invalid_input, "\"" + study_uid + "\" is not a DICOM UID");
    const std::string study_path = url_.path + "/studies/" + study_uid;
    auto series = search(study_path + "/series");
    if (!series) return series.error();
    if (series->empty())
      return make_error(ErrorCode::not_found,
                        "PACS " + url_.display() + " has no study " + study_uid);
    std::size_t total = 0;
    std::vector<std::string> series_uids;
    for (const json& s : *series) {
      const std::string uid = first_value(s, "0020000E");
      if (!valid_uid(uid))
        return make_error(ErrorCode::invalid_input, "PACS " + url_.display() +
                                                        " listed a series without a valid Series "
                                                        "Instance UID in study " +
                                                        study_uid);
      series_uids.push_back(uid);
      total += count_value(s, "00201209").value_or(0);
    }
    // Series by series, so that one response holds one series, not the study.
    std::size_t written = 0;
    for (const std::string& uid : series_uids) {
      auto n = retrieve_series(study_path + "/series/" + uid, folder, written, total, progress);
      if (!n) return n.error();
      written += *n;
    }
    if (progress) progress(written, std::max(total, written));
    return written;
  }

 private:
  // A QIDO-RS response: a JSON array; no content (204) is an empty one.
  Result<json> search(const std::string& target) {
    HttpGetOptions get;
    get.accept = kAcceptJson;
    get.timeout = options_.timeout;
    get.max_body_bytes = std::min<std::uint64_t>(options_.max_response_bytes, 64u << 20);
    auto response = http_get(endpoint_, target, get);
    if (!response) return response.error();
    if (response->status == 204 || response->status == 404) return json::array();
    if (response->status == 401 || response->status == 403)
      return make_error(ErrorCode::unauthorized, "PACS " + url_.display() +
                                                     " refused the search (HTTP " +
                                                     std::to_string(response->status) +
                                                     "): check the user and password in the URL");
    if (response->status != 200)
      return make_error(ErrorCode::unavailable, "PACS " + url_.display() +
                                                    " answered the search with HTTP " +
                                                    std::to_string(response->status));
    json parsed = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_array())
      return make_error(ErrorCode::invalid_input, "PACS " + url_.display() +
                                                      " answered the search with something other "
                                                      "than a DICOM JSON array");
    return parsed;
  }

  Result<std::size_t> retrieve_series(const std::string& target,
                                      const std::filesystem::path& folder, std::size_t done_before,
                                      std::size_t total, const RetrieveProgress& progress) {
    HttpGetOptions get;
    get.accept = kAcceptDicom;
    get.timeout = options_.timeout;
    get.max_body_bytes = options_.max_response_bytes;
    // Counting delimiters as the body arrives tells how many instances are in.
    std::size_t from = 0;
    std::size_t delimiters = 0;
    get.on_body = [&](std::string_view content_type, std::string_view body) {
      if (!progress) return;
      const auto boundary = multipart_boundary(content_type);
      if (!boundary) return;
      delimiters += count_new_delimiters(body, *boundary, from);
      // A CRLF-led delimiter closes a part, except the first after a preamble
      // (a body that starts with its boundary has none).
      const bool preamble = body.substr(0, 2) != "--";
      const std::size_t closed = preamble && delimiters > 0 ? delimiters - 1 : delimiters;
      const std::size_t received = done_before + closed;
      progress(received, std::max(total, received));
    };
    auto response = http_get(endpoint_, target, get);
    if (!response) return response.error();
    if (response->status == 404)
      return make_error(ErrorCode::not_found, "PACS " + url_.display() + " has no " + target);
    if (response->status != 200)
      return make_error(ErrorCode::unavailable, "PACS " + url_.display() +
                                                    " answered the retrieve with HTTP " +
                                                    std::to_string(response->status));
    return write_instances(*response, folder, done_before);
  }

  Result<std::size_t> write_instances(const HttpResponse& response,
                                      const std::filesystem::path& folder,
                                      std::size_t numbered_from) {
    auto boundary = multipart_boundary(response.content_type);
    if (!boundary)
      return make_error(ErrorCode::invalid_input,
                        "PACS " + url_.display() + ": " + boundary.error().message);
    auto parts = parse_multipart(response.body, *boundary);
    if (!parts)
      return make_error(ErrorCode::invalid_input,
                        "PACS " + url_.display() + ": " + parts.error().message);
    std::size_t n = numbered_from;
    for (const MultipartPart& part : *parts) {
      const std::string type = media_type(part.header("content-type"));
      if (!type.empty() && type != "application/dicom")
        return make_error(ErrorCode::invalid_input,
                          "PACS " + url_.display() + " sent a part of type \"" +
                              type.substr(0, 100) + "\" where application/dicom was asked for");
      char name[32];
      std::snprintf(name, sizeof name, "instance-%06zu.dcm", ++n);
      std::ofstream out(folder / name, std::ios::binary | std::ios::trunc);
      out.write(part.content.data(), static_cast<std::streamsize>(part.content.size()));
      if (!out)
        return make_error(ErrorCode::unavailable, "cannot write " + (folder / name).string());
    }
    return parts->size();
  }

  PacsUrl url_;
  PacsClientOptions options_;
  HttpEndpoint endpoint_;
};

}  // namespace

std::unique_ptr<PacsClient> make_dicomweb_client(const PacsUrl& url,
                                                 const PacsClientOptions& options) {
  return std::make_unique<DicomwebClient>(url, options);
}

}  // namespace medvision::pacs
