#include "pacs/dimse_client.h"

#include <gdcmBaseRootQuery.h>
#include <gdcmCompositeNetworkFunctions.h>
#include <gdcmPresentationContextGenerator.h>
#include <gdcmTrace.h>
#include <gdcmULConnectionCallback.h>
#include <gdcmULConnectionManager.h>
#include <gdcmWriter.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "pacs/isolated_call.h"

namespace medvision::pacs {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Study-level keys (PS3.4 table C.6-5) asked for in a C-FIND.
struct Key {
  std::uint16_t group;
  std::uint16_t element;
  const char* json_name;
};
constexpr Key kStudyUid{0x0020, 0x000D, "study_uid"};
constexpr Key kPatientName{0x0010, 0x0010, "patient_name"};
constexpr Key kPatientId{0x0010, 0x0020, "patient_id"};
constexpr Key kStudyDate{0x0008, 0x0020, "study_date"};
constexpr Key kDescription{0x0008, 0x1030, "description"};
constexpr Key kAccession{0x0008, 0x0050, "accession_number"};
constexpr Key kModalities{0x0008, 0x0061, "modalities"};
constexpr Key kSeriesCount{0x0020, 0x1206, "series_count"};
constexpr Key kInstanceCount{0x0020, 0x1208, "instance_count"};
constexpr Key kStudyKeys[] = {kStudyUid,  kPatientName, kPatientId,   kStudyDate,    kDescription,
                              kAccession, kModalities,  kSeriesCount, kInstanceCount};

// Values are padded to even length: UIDs with NUL, text with a space (PS3.5 section 6.2).
void put(gdcm::DataSet& ds, const Key& key, std::string value) {
  if (value.size() % 2 != 0) value += key.group == 0x0020 && key.element == 0x000D ? '\0' : ' ';
  gdcm::DataElement element(gdcm::Tag(key.group, key.element));
  element.SetByteValue(value.data(), static_cast<std::uint32_t>(value.size()));
  ds.Replace(element);
}

std::string text_of(const gdcm::DataSet& ds, const Key& key) {
  const gdcm::Tag tag(key.group, key.element);
  if (!ds.FindDataElement(tag)) return {};
  const gdcm::ByteValue* bytes = ds.GetDataElement(tag).GetByteValue();
  if (bytes == nullptr) return {};
  std::string s(bytes->GetPointer(), bytes->GetLength());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  const auto first = s.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first);
}

std::optional<std::size_t> count_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    const long long n = std::stoll(text);
    if (n >= 0) return static_cast<std::size_t>(n);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// C-STORE sub-operations of a C-MOVE arrive here: each instance is written
// under a name we choose (never one taken from the peer's data).
class InstanceWriter final : public gdcm::network::ULConnectionCallback {
 public:
  explicit InstanceWriter(fs::path folder) : folder_(std::move(folder)) {}

  void HandleDataSet(const gdcm::DataSet& dataset) override {
    char name[32];
    std::snprintf(name, sizeof name, "instance-%06zu.dcm", written_ + 1);
    const fs::path partial = folder_ / (std::string(name) + ".part");
    gdcm::Writer writer;
    writer.SetFileName(partial.string().c_str());
    writer.GetFile().SetDataSet(dataset);
    writer.GetFile().GetHeader().SetDataSetTransferSyntax(
        mImplicit ? gdcm::TransferSyntax::ImplicitVRLittleEndian
                  : gdcm::TransferSyntax::ExplicitVRLittleEndian);
    std::error_code ec;
    if (writer.Write()) {
      // Renamed when complete, so that whoever counts files sees whole ones.
      fs::rename(partial, folder_ / name, ec);
      if (!ec) ++written_;
    } else {
      ++failed_;
    }
    DataSetHandled();
  }
  void HandleResponse(const gdcm::DataSet&) override { DataSetHandled(); }

  std::size_t written() const { return written_; }
  std::size_t failed() const { return failed_; }

 private:
  fs::path folder_;
  std::size_t written_ = 0;
  std::size_t failed_ = 0;
};

std::size_t count_instances(const fs::path& folder) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.path().extension() == ".dcm") ++n;
  return n;
}

std::string child_error(const std::string& message) { return json{{"error", message}}.dump(); }

class DimseClient final : public PacsClient {
 public:
  DimseClient(PacsUrl url, const PacsClientOptions& options)
      : url_(std::move(url)), options_(options) {}

  std::string describe() const override { return "DIMSE " + url_.display(); }

  Status echo() override {
    auto answer = isolated("C-ECHO", [this] {
      auto manager = associate(gdcm::UIDs::VerificationSOPClass);
      if (!manager) return child_error(unreachable());
      const bool answered = !manager->SendEcho().empty();
      release(*manager);
      return answered ? json{{"ok", true}}.dump()
                      : child_error(describe() + " did not answer the C-ECHO");
    });
    if (!answer) return answer.error();
    return {};
  }

  Result<std::vector<StudySummary>> find_studies(const StudyQuery& q) override {
    if (!q.study_uid.empty() && !valid_uid(q.study_uid))
      return make_error(ErrorCode::invalid_input, "\"" + q.study_uid + "\" is not a DICOM UID");
    auto answer = isolated("C-FIND", [this, q] {
      gdcm::DataSet keys;
      for (const Key& key : kStudyKeys) put(keys, key, "");
      put(keys, kStudyUid, q.study_uid);
      put(keys, kPatientName, q.patient_name);
      put(keys, kPatientId, q.patient_id);
      put(keys, kStudyDate, q.study_date);
      put(keys, kAccession, q.accession_number);
      std::unique_ptr<gdcm::BaseRootQuery> query(gdcm::CompositeNetworkFunctions::ConstructQuery(
          gdcm::eStudyRootType, gdcm::eStudy, keys, gdcm::eFind));
      if (!query || !query->ValidateQuery(false))
        return child_error("GDCM refused the C-FIND query");
      auto manager = associate(query->GetAbstractSyntaxUID());
      if (!manager) return child_error(unreachable());
      json studies = json::array();
      for (const gdcm::DataSet& match : manager->SendFind(query.get())) {
        json s;
        for (const Key& key : kStudyKeys) s[key.json_name] = text_of(match, key);
        if (!s["study_uid"].get<std::string>().empty()) studies.push_back(s);
      }
      release(*manager);
      return json{{"studies", studies}}.dump();
    });
    if (!answer) return answer.error();
    std::vector<StudySummary> out;
    for (const json& s : answer->at("studies")) {
      StudySummary summary;
      summary.study_uid = s.value("study_uid", "");
      summary.patient_name = s.value("patient_name", "");
      summary.patient_id = s.value("patient_id", "");
      summary.study_date = s.value("study_date", "");
      summary.description = s.value("description", "");
      summary.accession_number = s.value("accession_number", "");
      summary.modalities = s.value("modalities", "");
      summary.series_count = count_of(s.value("series_count", ""));
      summary.instance_count = count_of(s.value("instance_count", ""));
      out.push_back(std::move(summary));
    }
    return out;
  }

  Result<std::size_t> retrieve_study(const std::string& study_uid, const fs::path& folder,
                                     const RetrieveProgress& progress) override {
    if (!valid_uid(study_uid))
      return make_error(ErrorCode::invalid_input, "\"" + study_uid + "\" is not a DICOM UID");
    // The study's size, for progress, and a clear not_found before any move.
    StudyQuery q;
    q.study_uid = study_uid;
    auto found = find_studies(q);
    if (!found) return found.error();
    if (found->empty())
      return make_error(ErrorCode::not_found,
                        "PACS " + url_.display() + " has no study " + study_uid);
    const std::size_t total = found->front().instance_count.value_or(0);

    std::size_t seen = 0;
    IsolatedCallOptions call;
    call.idle_timeout = options_.timeout;
    call.on_poll = [&] {
      const std::size_t now = count_instances(folder);
      if (now == seen) return false;
      seen = now;
      if (progress) progress(seen, std::max(total, seen));
      return true;
    };
    auto answer = isolated(
        "C-MOVE",
        [this, study_uid, folder] {
          gdcm::DataSet keys;
          put(keys, kStudyUid, study_uid);
          std::unique_ptr<gdcm::BaseRootQuery> query(
              gdcm::CompositeNetworkFunctions::ConstructQuery(gdcm::eStudyRootType, gdcm::eStudy,
                                                              keys, gdcm::eMove));
          if (!query || !query->ValidateQuery(false))
            return child_error("GDCM refused the C-MOVE query");
          gdcm::PresentationContextGenerator contexts;
          contexts.GenerateFromUID(query->GetAbstractSyntaxUID());
          // Left to _exit: releasing an association that carried a C-MOVE
          // throws from GDCM 3.0's destructors (see isolated_call.h).
          auto* manager = new gdcm::network::ULConnectionManager();
          bool associated = false;
          try {
            associated = manager->EstablishConnectionMove(
                options_.calling_aet, url_.called_aet, url_.host, 0, url_.port, timeout_s(),
                options_.move_port, contexts.GetPresentationContexts());
          } catch (const std::exception&) {
          }
          if (!associated) return child_error(unreachable());
          InstanceWriter writer(folder);
          std::string failure;
          try {
            manager->SendMove(query.get(), &writer);
          } catch (const std::exception& e) {
            failure = e.what();
          }
          if (writer.written() == 0 && !failure.empty()) {
            // GDCM's storage SCP accepts only Implicit VR Little Endian and
            // throws "Should not happen (imp)" on anything else.
            const bool syntax = failure.find("(imp)") != std::string::npos;
            return child_error(
                "C-MOVE from " + url_.display() + " failed in GDCM's storage SCP" +
                (syntax
                     ? ": the PACS sent the instances in a transfer syntax other than Implicit VR "
                       "Little Endian, which GDCM 3.0's C-MOVE receiver cannot take (use DICOMweb)"
                     : ": " + failure));
          }
          return json{{"written", writer.written()}, {"failed", writer.failed()}}.dump();
        },
        call);
    if (!answer) return answer.error();
    const std::size_t written = answer->value("written", std::size_t{0});
    if (progress) progress(written, std::max(total, written));
    if (written == 0)
      return make_error(ErrorCode::unavailable,
                        "C-MOVE from " + url_.display() +
                            " delivered no instances: the PACS must list AE title " +
                            options_.calling_aet + " with this host and port " +
                            std::to_string(options_.move_port) + " as a move destination");
    if (total > 0 && written < total)
      return make_error(ErrorCode::unavailable,
                        "C-MOVE from " + url_.display() + " delivered " + std::to_string(written) +
                            " of " + std::to_string(total) + " instances of study " + study_uid);
    return written;
  }

 private:
  double timeout_s() const { return static_cast<double>(options_.timeout.count()) / 1000.0; }

  std::string unreachable() const {
    return "PACS " + url_.display() +
           " cannot be reached or refused the association (calling AE title " +
           options_.calling_aet + ")";
  }

  std::unique_ptr<gdcm::network::ULConnectionManager> associate(
      const gdcm::UIDs::TSName abstract_syntax) const {
    gdcm::PresentationContextGenerator contexts;
    contexts.GenerateFromUID(abstract_syntax);
    auto manager = std::make_unique<gdcm::network::ULConnectionManager>();
    try {
      if (!manager->EstablishConnection(options_.calling_aet, url_.called_aet, url_.host, 0,
                                        url_.port, timeout_s(), contexts.GetPresentationContexts()))
        return nullptr;
    } catch (const std::exception&) {  // GDCM 3.0 throws when nothing listens on the port
      return nullptr;
    }
    return manager;
  }

  // GDCM 3.0 throws from a release whose reply it does not expect; the
  // association is over either way.
  static void release(gdcm::network::ULConnectionManager& manager) {
    try {
      manager.BreakConnection(-1);
    } catch (const std::exception&) {
    }
  }

  // Runs a DIMSE exchange in a child process and parses its JSON answer.
  Result<json> isolated(const std::string& what, const std::function<std::string()>& work,
                        IsolatedCallOptions call = {}) const {
    if (!call.on_poll) call.idle_timeout = options_.timeout + std::chrono::seconds(5);
    auto text = run_isolated(
        what + " with " + url_.display(),
        [&] {
          gdcm::Trace::WarningOff();
          gdcm::Trace::ErrorOff();
          gdcm::Trace::DebugOff();
          return work();
        },
        call);
    if (!text) return text.error();
    if (!text->empty() && text->front() == '!')  // an exception in the child
      return make_error(ErrorCode::unavailable,
                        what + " with " + url_.display() + " failed: " + text->substr(1));
    json answer = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object())
      return make_error(ErrorCode::internal,
                        what + " with " + url_.display() + " ended without an answer");
    if (answer.contains("error"))
      return make_error(ErrorCode::unavailable, answer["error"].get<std::string>());
    return answer;
  }

  PacsUrl url_;
  PacsClientOptions options_;
};

}  // namespace

std::unique_ptr<PacsClient> make_dimse_client(const PacsUrl& url,
                                              const PacsClientOptions& options) {
  return std::make_unique<DimseClient>(url, options);
}

}  // namespace medvision::pacs
