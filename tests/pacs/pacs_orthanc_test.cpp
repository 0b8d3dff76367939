// PACS client against a real Orthanc: a synthetic oblique CT series
// (tests/imaging/reference/make_series.py, voxel (i, j, k) = i + 2j + 3k - 1000
// HU) is stored in Orthanc, found by QIDO-RS and C-FIND, retrieved by
// WADO-RS and C-MOVE, and imported; the volume must equal the original.
// One Orthanc serves every test of this program.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include "../imaging/reference/python_reference.h"
#include "../imaging/reference/temp_folder.h"
#include "../testing/require_peer.h"
#include "orthanc_process.h"
#include "pacs/pacs_client.h"
#include "pacs/study_import.h"

namespace medvision::pacs {
namespace {

namespace fs = std::filesystem;
using imaging::testing_reference::TempFolder;
using testing::OrthancProcess;

constexpr const char* kClientAet = "MEDVISION";

struct Shared {
  std::unique_ptr<TempFolder> folder;
  std::unique_ptr<OrthancProcess> orthanc;
  std::uint16_t move_port = 0;
  nlohmann::json expected;         // geometry printed by make_series.py
  std::string implicit_study_uid;  // the series rewritten in Implicit VR LE as a second study
  int stored = 0;                  // instances Orthanc accepted
  std::string startup_error;       // why Orthanc did not start
};
Shared* shared = nullptr;

class PacsOrthanc : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!imaging::testing_reference::python_available()) return;
    shared = new Shared;
    shared->folder = std::make_unique<TempFolder>("mv-pacs");
    const fs::path root = shared->folder->path();
    shared->expected = imaging::testing_reference::run_reference(
        "make_series.py", {(root / "explicit").string(), "--slices", "12", "--gap", "2.5"});
    const std::string implicit_uid = imaging::testing_reference::run_python(
        "../../pacs/rewrite_implicit.py",
        {(root / "explicit").string(), (root / "implicit").string()});
    shared->implicit_study_uid = implicit_uid.substr(0, implicit_uid.find_first_of("\r\n"));
    shared->move_port = testing::free_port();
    fs::create_directories(root / "orthanc");
    try {
      shared->orthanc =
          std::make_unique<OrthancProcess>(root / "orthanc", kClientAet, shared->move_port);
    } catch (const std::exception& e) {
      shared->startup_error = e.what();
      return;
    }
    shared->stored = shared->orthanc->upload_folder(root / "explicit") +
                     shared->orthanc->upload_folder(root / "implicit");
  }
  static void TearDownTestSuite() {
    delete shared;  // Orthanc shuts down, then the folder goes
    shared = nullptr;
  }
  void SetUp() override {
    MV_REQUIRE_PEER(shared != nullptr,
                    "Debian's /usr/bin/python3 with pydicom (python3-pydicom) to write the series");
    MV_REQUIRE_PEER(fs::exists("/usr/sbin/Orthanc") &&
                        fs::exists("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"),
                    "Orthanc with its DICOMweb plugin (Debian packages orthanc, orthanc-dicomweb)");
    ASSERT_TRUE(shared->orthanc) << "Orthanc (Debian orthanc, orthanc-dicomweb) did not start: "
                                 << shared->startup_error;
    ASSERT_EQ(shared->stored, 24);
    ASSERT_FALSE(shared->expected.is_discarded());
    ASSERT_FALSE(shared->implicit_study_uid.empty());
  }

  static PacsClientOptions options() {
    PacsClientOptions o;
    o.calling_aet = kClientAet;
    o.move_port = shared->move_port;
    o.timeout = std::chrono::seconds(10);
    return o;
  }
  static std::unique_ptr<PacsClient> client(const std::string& url,
                                            PacsClientOptions o = options()) {
    auto c = connect_pacs(url, o);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? std::move(*c) : nullptr;
  }
};

// The study of the explicit series, found by a wildcard on the patient name
// (which both stored studies match) rather than by its UID.
std::string find_explicit_study(PacsClient& pacs) {
  StudyQuery q;
  q.patient_name = "Synthet?c*";
  auto found = pacs.find_studies(q);
  EXPECT_TRUE(found.ok()) << found.error().message;
  if (!found.ok()) return "";
  EXPECT_EQ(found->size(), 2u);
  for (const StudySummary& s : *found)
    if (s.study_uid != shared->implicit_study_uid) return s.study_uid;
  return "";
}

void expect_original_volume(const imaging::VolumeSource& source) {
  ASSERT_EQ(source.volumes.size(), 1u);
  const imaging::Volume& v = source.volumes[0].volume;
  const nlohmann::json& ref = shared->expected;
  const imaging::Geometry& g = v.geometry();
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(g.dims[static_cast<std::size_t>(a)], ref["shape"][a].get<std::int64_t>());
    EXPECT_NEAR(g.spacing[a], ref["spacing"][a].get<double>(), 1e-4);
    EXPECT_NEAR(g.origin[a], ref["origin"][a].get<double>(), 1e-3);
    for (int b = 0; b < 3; ++b)
      EXPECT_NEAR(g.direction(a, b), ref["direction"][a][b].get<double>(), 1e-5);
  }
  for (std::int64_t k = 0; k < g.dims[2]; ++k)
    for (std::int64_t j = 0; j < g.dims[1]; ++j)
      for (std::int64_t i = 0; i < g.dims[0]; ++i)
        ASSERT_EQ(v.at(i, j, k), static_cast<double>(i + 2 * j + 3 * k - 1000))
            << i << "," << j << "," << k;
}

// Every progress report of the retrieve stage, as (done, total).
struct RetrieveLog {
  std::vector<std::pair<std::size_t, std::size_t>> steps;
  imaging::SourceProgress callback() {
    return [this](const imaging::SourceStage& s) {
      if (s.what == "retrieving") steps.emplace_back(s.done, s.total);
    };
  }
};

TEST_F(PacsOrthanc, QidoRsFindsTheStoredStudiesWithTheirCounts) {
  auto pacs = client(shared->orthanc->dicomweb_url());
  ASSERT_TRUE(pacs);
  ASSERT_TRUE(pacs->echo().ok());
  auto all = pacs->find_studies({});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->size(), 2u);
  StudyQuery q;
  q.study_uid = shared->implicit_study_uid;
  auto one = pacs->find_studies(q);
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->size(), 1u);
  const StudySummary& s = one->front();
  EXPECT_EQ(s.study_uid, shared->implicit_study_uid);
  EXPECT_EQ(s.patient_name, "Synthetic^Series");
  EXPECT_EQ(s.modalities, "CT");
  EXPECT_EQ(s.series_count, std::optional<std::size_t>(1));
  EXPECT_EQ(s.instance_count, std::optional<std::size_t>(12));
  StudyQuery nobody;
  nobody.patient_name = "Nobody*";
  auto none = pacs->find_studies(nobody);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(PacsOrthanc, WadoRsRetrievesTheStudyAndItImportsAsTheOriginalVolume) {
  auto pacs = client(shared->orthanc->dicomweb_url());
  ASSERT_TRUE(pacs);
  const std::string uid = find_explicit_study(*pacs);
  ASSERT_FALSE(uid.empty());
  RetrieveLog log;
  auto source = load_pacs_study(*pacs, uid, log.callback());
  ASSERT_TRUE(source.ok()) << source.error().message;
  expect_original_volume(*source);
  EXPECT_EQ(source->files_examined, 12u);
  ASSERT_FALSE(log.steps.empty());
  EXPECT_EQ(log.steps.back(), (std::pair<std::size_t, std::size_t>{12, 12}));
}

TEST_F(PacsOrthanc, DimseEchoAndCFindSeeTheStudy) {
  auto pacs = client(shared->orthanc->dimse_url());
  ASSERT_TRUE(pacs);
  const Status echo = pacs->echo();
  ASSERT_TRUE(echo.ok()) << echo.error().message;
  StudyQuery q;
  q.study_uid = shared->implicit_study_uid;
  auto found = pacs->find_studies(q);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().patient_name, "Synthetic^Series");
  EXPECT_EQ(found->front().instance_count, std::optional<std::size_t>(12));
  EXPECT_EQ(find_explicit_study(*pacs).empty(), false);
}

TEST_F(PacsOrthanc, DimseCMoveRetrievesTheStudyAndItImportsAsTheOriginalVolume) {
  auto pacs = client(shared->orthanc->dimse_url());
  ASSERT_TRUE(pacs);
  RetrieveLog log;
  auto source = load_pacs_study(*pacs, shared->implicit_study_uid, log.callback());
  ASSERT_TRUE(source.ok()) << source.error().message;
  expect_original_volume(*source);
  ASSERT_FALSE(log.steps.empty());
  EXPECT_EQ(log.steps.back(), (std::pair<std::size_t, std::size_t>{12, 12}));
}

// A known limit (docs/pacs.md): GDCM 3.0's C-MOVE receiver takes only
// Implicit VR Little Endian. Stored Explicit VR, the study must fail with a
// message that says so and points to DICOMweb, and the next move still works.
TEST_F(PacsOrthanc, ACMoveOfAnExplicitVrStudyFailsNamingTheLimitAndTheWayAround) {
  auto web = client(shared->orthanc->dicomweb_url());
  auto pacs = client(shared->orthanc->dimse_url());
  ASSERT_TRUE(web && pacs);
  const std::string uid = find_explicit_study(*web);
  ASSERT_FALSE(uid.empty());
  TempFolder into("mv-pacs-explicit");
  auto got = pacs->retrieve_study(uid, into.path());
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("other than Implicit VR Little Endian"), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find("use DICOMweb"), std::string::npos);
  TempFolder again("mv-pacs-implicit");
  auto next = pacs->retrieve_study(shared->implicit_study_uid, again.path());
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(*next, 12u);
}

TEST_F(PacsOrthanc, AnUnknownStudyIsNotFoundByEitherProtocol) {
  for (const std::string& url : {shared->orthanc->dicomweb_url(), shared->orthanc->dimse_url()}) {
    auto pacs = client(url);
    ASSERT_TRUE(pacs);
    TempFolder into("mv-pacs-none");
    auto got = pacs->retrieve_study("1.2.3.4.5.6.7.8.9", into.path());
    ASSERT_FALSE(got.ok()) << url;
    EXPECT_EQ(got.error().code, ErrorCode::not_found) << got.error().message;
    EXPECT_NE(got.error().message.find("has no study 1.2.3.4.5.6.7.8.9"), std::string::npos)
        << got.error().message;
  }
}

TEST_F(PacsOrthanc, AnUnreachablePacsGivesAClearErrorByEitherProtocol) {
  const std::uint16_t closed = testing::free_port();
  for (const std::string& url : {"http://127.0.0.1:" + std::to_string(closed) + "/dicom-web",
                                 "dicom://NOBODY@127.0.0.1:" + std::to_string(closed)}) {
    auto pacs = client(url);
    ASSERT_TRUE(pacs);
    auto found = pacs->find_studies({});
    ASSERT_FALSE(found.ok()) << url;
    EXPECT_EQ(found.error().code, ErrorCode::unavailable);
    EXPECT_NE(found.error().message.find("cannot be reached"), std::string::npos)
        << found.error().message;
    EXPECT_NE(found.error().message.find(std::to_string(closed)), std::string::npos)
        << found.error().message;
  }
}

TEST_F(PacsOrthanc, AResponseOverTheSizeLimitIsRefused) {
  PacsClientOptions small = options();
  small.max_response_bytes = 4096;  // one series here is about 13 kB
  auto pacs = client(shared->orthanc->dicomweb_url(), small);
  ASSERT_TRUE(pacs);
  TempFolder into("mv-pacs-limit");
  auto got = pacs->retrieve_study(shared->implicit_study_uid, into.path());
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("larger than the limit of 4096 bytes"), std::string::npos)
      << got.error().message;
}

// Output (stdout and stderr) and exit status of a shell command.
std::pair<int, std::string> run_command(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) return {-1, ""};
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  const int status = pclose(pipe.release());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_F(PacsOrthanc, TheCommandLineFindsAndImportsAStudyWithProgressAndSummary) {
  using imaging::testing_reference::shell_quote;
  const std::string medvision = shell_quote(MEDVISION_BINARY);
  const auto [found_status, listing] =
      run_command(medvision + " pacs find " + shell_quote(shared->orthanc->dicomweb_url()) +
                  " --patient 'Synthet?c*'");
  ASSERT_EQ(found_status, 0) << listing;
  EXPECT_NE(listing.find("2 studies on DICOMweb"), std::string::npos) << listing;
  EXPECT_NE(listing.find(shared->implicit_study_uid), std::string::npos) << listing;

  TempFolder out("mv-pacs-cli");
  for (const std::string& url : {shared->orthanc->dicomweb_url(), shared->orthanc->dimse_url()}) {
    const fs::path folder = out.path() / (url.rfind("http", 0) == 0 ? "web" : "dimse");
    const auto [status, text] =
        run_command(medvision + " import --pacs " + shell_quote(url) + " --study " +
                    shared->implicit_study_uid + " --port " + std::to_string(shared->move_port) +
                    " -o " + shell_quote(folder.string()));
    ASSERT_EQ(status, 0) << text;
    EXPECT_NE(text.find("retrieving 100% (12/12 instances)"), std::string::npos) << text;
    EXPECT_NE(text.find("1 series found, 1 imported (DICOM, de-identified)"), std::string::npos)
        << text;
    std::ifstream in(folder / "summary.json");
    const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
    ASSERT_TRUE(summary.is_object()) << text;
    const nlohmann::json& series = summary["series"][0];
    EXPECT_EQ(series["dims"], shared->expected["shape"]);
    EXPECT_EQ(series["slices"], 12);
    EXPECT_NE(series["study_uid"], shared->implicit_study_uid);  // de-identified: remapped
  }
  const auto [usage_status, usage] = run_command(medvision + " import --study 1.2.3");
  EXPECT_EQ(usage_status, 2);
  EXPECT_NE(usage.find("give a PATH, or --pacs URL with --study UID"), std::string::npos) << usage;
}

// A DICOMweb server that answers the series search properly and the
// retrieve with `retrieve_response` (a raw HTTP response).
class FakeDicomweb {
 public:
  explicit FakeDicomweb(std::string retrieve_response)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        retrieve_(std::move(retrieve_response)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeDicomweb() {
    stop_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/dicom-web";
  }

 private:
  void serve() {
    while (!stop_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      boost::asio::streambuf request;
      boost::asio::read_until(socket, request, "\r\n\r\n", ec);
      const std::string head(boost::asio::buffers_begin(request.data()),
                             boost::asio::buffers_end(request.data()));
      const std::string target = head.substr(4, head.find(' ', 4) - 4);
      std::string response;
      if (target.ends_with("/series")) {
        const std::string json =
            R"([{"0020000E":{"vr":"UI","Value":["1.2.3.4"]},"00201209":{"vr":"IS","Value":[2]}}])";
        response = "HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: " +
                   std::to_string(json.size()) + "\r\nConnection: close\r\n\r\n" + json;
      } else {
        response = retrieve_;
      }
      boost::asio::write(socket, boost::asio::buffer(response), ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::string retrieve_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string multipart_response(const std::string& content_type, const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

TEST_F(PacsOrthanc, MalformedMultipartFromAServerGivesClearErrors) {
  const std::string truncated = "--B\r\nContent-Type: application/dicom\r\n\r\nDICM...";
  const struct {
    std::string response;
    std::string message;
  } cases[] = {
      {multipart_response("multipart/related; type=\"application/dicom\"", truncated),
       "no boundary"},
      {multipart_response("multipart/related; type=\"application/dicom\"; boundary=B", truncated),
       "truncated: part 1"},
      {multipart_response("multipart/related; boundary=B",
                          "--B\r\nContent-Type: text/html\r\n\r\n<p>\r\n--B--"),
       "a part of type \"text/html\""},
      {multipart_response("application/json", "{}"), "expected a multipart response"},
      {"HTTP/1.1 200 OK\r\nContent-Type: multipart/related; boundary=B\r\nContent-Length: "
       "999\r\n\r\n--B\r\n",
       "incomplete response (reading the response body)"},
  };
  for (const auto& c : cases) {
    FakeDicomweb server(c.response);
    auto pacs = client(server.url());
    ASSERT_TRUE(pacs);
    TempFolder into("mv-pacs-bad");
    auto got = pacs->retrieve_study("1.2.3", into.path());
    ASSERT_FALSE(got.ok()) << c.message;
    EXPECT_NE(got.error().message.find(c.message), std::string::npos) << got.error().message;
  }
}

}  // namespace
}  // namespace medvision::pacs
