#include "pacs/pacs_url.h"

#include <gtest/gtest.h>

namespace medvision::pacs {
namespace {

TEST(PacsUrl, DicomwebUrlGivesHostPortAndRootWithoutTrailingSlash) {
  auto url = parse_pacs_url("http://pacs.example:8042/dicom-web/");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->protocol, PacsProtocol::dicomweb);
  EXPECT_EQ(url->host, "pacs.example");
  EXPECT_EQ(url->port, 8042);
  EXPECT_EQ(url->path, "/dicom-web");
  auto default_port = parse_pacs_url("http://pacs/wado");
  ASSERT_TRUE(default_port.ok());
  EXPECT_EQ(default_port->port, 80);
}

TEST(PacsUrl, CredentialsAreKeptButNeverDisplayed) {
  auto url = parse_pacs_url("http://alice:s3cret@127.0.0.1:8042/dicom-web");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->user_info, "alice:s3cret");
  EXPECT_EQ(url->display(), "http://127.0.0.1:8042/dicom-web");
}

TEST(PacsUrl, DimseUrlGivesCalledAeTitleHostAndPort) {
  auto url = parse_pacs_url("dicom://ORTHANC@10.0.0.5:4242");
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(url->protocol, PacsProtocol::dimse);
  EXPECT_EQ(url->called_aet, "ORTHANC");
  EXPECT_EQ(url->host, "10.0.0.5");
  EXPECT_EQ(url->port, 4242);
  EXPECT_EQ(url->display(), "dicom://ORTHANC@10.0.0.5:4242");
}

TEST(PacsUrl, MalformedUrlsAreRefusedWithTheExpectedForms) {
  for (const char* bad :
       {"ftp://host/x", "dicom://host:104", "dicom://WAY_TOO_LONG_AE_TITLE@host:104",
        "dicom://AET@host", "dicom://AET@host:0", "dicom://AET@host:70000",
        "http://:8042/dicom-web", "http://host:port/dicom-web", "dicom://AET@host:104/x",
        "http://host/dicom-web?x=1", ""}) {
    auto url = parse_pacs_url(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::invalid_input);
    EXPECT_NE(
        url.error().message.find("expected http://host:port/dicom-web or dicom://AET@host:port"),
        std::string::npos)
        << url.error().message;
  }
  auto https = parse_pacs_url("https://host/dicom-web");
  ASSERT_FALSE(https.ok());
  EXPECT_NE(https.error().message.find("https"), std::string::npos);
}

TEST(PacsUrl, AeTitlesAndUidsFollowPs35) {
  EXPECT_TRUE(valid_ae_title("MEDVISION"));
  EXPECT_TRUE(valid_ae_title("A B"));
  EXPECT_FALSE(valid_ae_title(""));
  EXPECT_FALSE(valid_ae_title("    "));
  EXPECT_FALSE(valid_ae_title("BACK\\SLASH"));
  EXPECT_FALSE(valid_ae_title("SEVENTEEN_CHARSXX"));
  EXPECT_TRUE(valid_uid("1.2.840.10008.1.2"));
  EXPECT_FALSE(valid_uid("1.2.3/../4"));
  EXPECT_FALSE(valid_uid(std::string(65, '1')));
  EXPECT_FALSE(valid_uid(""));
}

}  // namespace
}  // namespace medvision::pacs
