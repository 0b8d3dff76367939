// The multipart/related parser against bodies written by hand from RFC 2046
// section 5.1.1, well-formed and hostile.

#include "pacs/multipart.h"

#include <gtest/gtest.h>

#include <string>

namespace medvision::pacs {
namespace {

using namespace std::string_literals;

TEST(MultipartBoundary, IsReadFromQuotedAndUnquotedParameters) {
  auto plain =
      multipart_boundary("multipart/related; type=\"application/dicom\"; boundary=abc-123");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(*plain, "abc-123");
  auto quoted = multipart_boundary("Multipart/Related;boundary=\"a b=c\";type=application/dicom");
  ASSERT_TRUE(quoted.ok()) << quoted.error().message;
  EXPECT_EQ(*quoted, "a b=c");
}

TEST(MultipartBoundary, MissingOrInvalidBoundaryIsAClearError) {
  auto missing = multipart_boundary("multipart/related; type=\"application/dicom\"");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no boundary"), std::string::npos)
      << missing.error().message;
  auto too_long = multipart_boundary("multipart/related; boundary=" + std::string(71, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("invalid boundary"), std::string::npos);
  auto not_multipart = multipart_boundary("application/json");
  ASSERT_FALSE(not_multipart.ok());
  EXPECT_NE(not_multipart.error().message.find("expected a multipart response"), std::string::npos);
}

TEST(MultipartParser, SplitsPartsKeepingBinaryContentAndIgnoringPreambleAndEpilogue) {
  const std::string first = "DICM\0\r\n--not-the-boundary\r\n\x01"s;
  const std::string second = "second";
  const std::string body =
      "preamble to ignore\r\n--XyZ\r\nContent-Type: application/dicom\r\n"
      "Content-Length: 28\r\n\r\n" +
      first + "\r\n--XyZ  \r\ncontent-type:application/dicom\r\n\r\n" + second +
      "\r\n--XyZ--\r\nepilogue";
  auto parts = parse_multipart(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].content, first);
  EXPECT_EQ((*parts)[0].header("content-type"), "application/dicom");
  EXPECT_EQ((*parts)[0].header("content-length"), "28");
  EXPECT_EQ((*parts)[1].content, second);
  EXPECT_EQ((*parts)[1].header("content-type"), "application/dicom");
}

TEST(MultipartParser, APartWithoutHeadersAndAnEmptyBodyAreAccepted) {
  auto parts = parse_multipart("--b\r\n\r\nplain\r\n--b--", "b");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content, "plain");
  EXPECT_TRUE((*parts)[0].headers.empty());
  auto none = parse_multipart("--b--\r\n", "b");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(MultipartParser, ATruncatedBodyIsAnErrorNamingThePart) {
  const std::string body =
      "--b\r\nContent-Type: application/dicom\r\n\r\none\r\n--b\r\n"
      "Content-Type: application/dicom\r\n\r\ntwo, cut off";
  auto parts = parse_multipart(body, "b");
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(parts.error().code, ErrorCode::invalid_input);
  EXPECT_NE(parts.error().message.find("truncated: part 2"), std::string::npos)
      << parts.error().message;
}

TEST(MultipartParser, ABodyWithoutItsBoundaryIsAnError) {
  auto parts = parse_multipart("just some bytes\r\n--other\r\n\r\nx\r\n--other--", "b");
  ASSERT_FALSE(parts.ok());
  EXPECT_NE(parts.error().message.find("does not contain its boundary"), std::string::npos);
  EXPECT_FALSE(parse_multipart("", "b").ok());
}

TEST(MultipartParser, HostileBodiesHitTheLimits) {
  std::string many;
  for (int n = 0; n < 20; ++n) many += "--b\r\n\r\nx\r\n";
  many += "--b--";
  MultipartLimits limits;
  limits.max_parts = 10;
  auto too_many = parse_multipart(many, "b", limits);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message.find("more than 10 parts"), std::string::npos);

  limits = {};
  limits.max_part_header_bytes = 64;
  const std::string endless_headers =
      "--b\r\nX-Filler: " + std::string(1000, 'a') + "\r\n\r\nx\r\n--b--";
  auto headers = parse_multipart(endless_headers, "b", limits);
  ASSERT_FALSE(headers.ok());
  EXPECT_NE(headers.error().message.find("headers of part 1 do not end"), std::string::npos);

  auto no_name = parse_multipart("--b\r\n: value\r\n\r\nx\r\n--b--", "b");
  ASSERT_FALSE(no_name.ok());
  EXPECT_NE(no_name.error().message.find("without a name"), std::string::npos);

  auto garbage_after_delimiter = parse_multipart("--bgarbage\r\n\r\nx\r\n--b--", "b");
  ASSERT_FALSE(garbage_after_delimiter.ok());
}

TEST(MultipartProgress, CountsDelimitersSplitAcrossChunksOnce) {
  const std::string body = "--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b\r\n\r\nthree\r\n--b--";
  std::size_t total = 0;
  std::size_t from = 0;
  // Fed one byte longer at a time, as a body arrives.
  for (std::size_t n = 1; n <= body.size(); ++n)
    total += count_new_delimiters(std::string_view(body).substr(0, n), "b", from);
  EXPECT_EQ(total, 3u);  // the CRLF-led delimiters: one closing each part
}

}  // namespace
}  // namespace medvision::pacs
