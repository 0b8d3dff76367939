#include "app/pacs_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "pacs/pacs_client.h"

namespace medvision {
namespace {

struct PacsOptions {
  std::string url;
  std::string aet = "MEDVISION";
  pacs::StudyQuery query;
};

[[noreturn]] void fail(const char* command, const Error& error) {
  std::fprintf(stderr, "medvision pacs %s: %s\n", command, error.message.c_str());
  throw CLI::RuntimeError(2);
}

std::unique_ptr<pacs::PacsClient> connect(const char* command, const PacsOptions& o) {
  pacs::PacsClientOptions client;
  client.calling_aet = o.aet;
  auto pacs = pacs::connect_pacs(o.url, client);
  if (!pacs) fail(command, pacs.error());
  return std::move(*pacs);
}

std::string count_text(const std::optional<std::size_t>& n) { return n ? std::to_string(*n) : "-"; }

void find(const PacsOptions& o) {
  auto pacs = connect("find", o);
  auto studies = pacs->find_studies(o.query);
  if (!studies) fail("find", studies.error());
  std::printf("%zu studies on %s\n", studies->size(), pacs->describe().c_str());
  for (const auto& s : *studies) {
    std::printf("%s\n  %-8s %-10s %s series, %s instances  %s, %s (%s)  %s\n", s.study_uid.c_str(),
                s.modalities.empty() ? "-" : s.modalities.c_str(),
                s.study_date.empty() ? "-" : s.study_date.c_str(),
                count_text(s.series_count).c_str(), count_text(s.instance_count).c_str(),
                s.patient_name.c_str(), s.patient_id.c_str(), s.accession_number.c_str(),
                s.description.c_str());
  }
}

}  // namespace

void add_pacs_command(CLI::App& app) {
  auto* pacs = app.add_subcommand("pacs", "Talk to a PACS (DICOMweb or DIMSE)");
  pacs->require_subcommand(1);
  const char* url_help = "http://host:port/dicom-web or dicom://AET@host:port";

  auto echo_options = std::make_shared<PacsOptions>();
  auto* echo =
      pacs->add_subcommand("echo", "Check that the PACS answers (C-ECHO or a QIDO-RS search)");
  echo->add_option("url", echo_options->url, url_help)->required();
  echo->add_option("--aet", echo_options->aet, "Our AE title for DIMSE (default MEDVISION)");
  echo->callback([echo_options] {
    auto client = connect("echo", *echo_options);
    const Status answered = client->echo();
    if (!answered.ok()) fail("echo", answered.error());
    std::printf("%s answers\n", client->describe().c_str());
  });

  auto o = std::make_shared<PacsOptions>();
  auto* find_cmd = pacs->add_subcommand("find", "List studies (QIDO-RS or C-FIND at study level)");
  find_cmd->add_option("url", o->url, url_help)->required();
  find_cmd->add_option("--patient", o->query.patient_name,
                       "Patient name, wildcards * and ? allowed");
  find_cmd->add_option("--patient-id", o->query.patient_id, "Patient ID");
  find_cmd->add_option("--date", o->query.study_date,
                       "Study date YYYYMMDD or range YYYYMMDD-YYYYMMDD");
  find_cmd->add_option("--study", o->query.study_uid, "Study Instance UID");
  find_cmd->add_option("--accession", o->query.accession_number, "Accession number");
  find_cmd->add_option("--limit", o->query.limit, "Most studies to list (DICOMweb; default 100)");
  find_cmd->add_option("--aet", o->aet, "Our AE title for DIMSE (default MEDVISION)");
  find_cmd->callback([o] { find(*o); });
}

}  // namespace medvision
