// Tests of server/store/s3_client.cpp that need no server: the Signature V4 signer against
// the worked examples of AWS's documentation ("Signature Calculations for the Authorization
// Header" and "Authenticating Requests: Using Query Parameters"), URI encoding, s3:// URLs.
// The client itself runs against Ceph RGW in tests/scaleout.
#include "server/store/s3_client.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "process.hpp"

namespace ch::server::store {
namespace {

S3Config example_config() {
  S3Config c;
  c.access_key = "AKIAIOSFODNN7EXAMPLE";
  c.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  c.region = "us-east-1";
  return c;
}

const char* kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(SigV4, HeaderSignatureOfAwsGetObjectExample) {
  sigv4::Request r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = "/test.txt";
  r.payload_hash = kEmptySha256;
  r.headers = {{"host", r.host},
               {"range", "bytes=0-9"},
               {"x-amz-content-sha256", kEmptySha256},
               {"x-amz-date", "20130524T000000Z"}};
  EXPECT_EQ(sigv4::authorization(r, example_config(), "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  // Any change to what is signed changes the signature.
  r.headers[1].second = "bytes=0-10";
  EXPECT_EQ(sigv4::authorization(r, example_config(), "20130524T000000Z")
                .find("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
            std::string::npos);
}

TEST(SigV4, PresignedUrlOfAwsQueryExample) {
  sigv4::Request r;
  r.method = "GET";
  r.host = "examplebucket.s3.amazonaws.com";
  r.path = "/test.txt";
  r.payload_hash = "UNSIGNED-PAYLOAD";
  r.headers = {{"host", r.host}};
  std::string q = sigv4::presign(r, example_config(), "20130524T000000Z", std::chrono::hours(24));
  EXPECT_EQ(q,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4, UriEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(sigv4::uri_encode("a-b_c.d~e/f g+h=", true), "a-b_c.d~e/f%20g%2Bh%3D");
  EXPECT_EQ(sigv4::uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(sigv4::uri_encode("\xc3\xa9", false), "%C3%A9");
  EXPECT_EQ(sigv4::amz_date(1369353600), "20130524T000000Z");
}

TEST(S3Url, BucketAndPrefix) {
  S3Config c;
  parse_s3_url("s3://charts", &c);
  EXPECT_EQ(c.bucket, "charts");
  EXPECT_EQ(c.prefix, "");
  parse_s3_url("s3://my.bucket-1/registry/prod/", &c);
  EXPECT_EQ(c.bucket, "my.bucket-1");
  EXPECT_EQ(c.prefix, "registry/prod");
  for (const char* bad : {"charts", "s3://", "s3://ab", "s3://Upper", "s3://b_c/x", "http://x/y",
                          "s3://bucket//x", "s3://bucket/a\nb"}) {
    S3Config d;
    EXPECT_THROW(parse_s3_url(bad, &d), Error) << bad;
  }
}

TEST(S3Client, EndpointAndCredentialsAreChecked) {
  S3Config c = example_config();
  c.bucket = "b";
  c.endpoint = "ftp://host";
  EXPECT_THROW(S3Client{c}, Error);
  c.endpoint = "http://host/path";
  EXPECT_THROW(S3Client{c}, Error);
  c.endpoint = "http://127.0.0.1:1";
  c.secret_key.clear();
  try {
    S3Client client(c);
    ADD_FAILURE() << "no credentials accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  }
}

TEST(S3Client, UnreachableEndpointIsUnavailable) {
  S3Config c = example_config();
  c.bucket = "bucket";
  c.endpoint = "http://127.0.0.1:" + std::to_string(testing::free_port());
  c.attempts = 2;
  S3Client client(c);
  try {
    client.head("x");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(std::string(e.what()).find(c.secret_key), std::string::npos);
  }
}

}  // namespace
}  // namespace ch::server::store
