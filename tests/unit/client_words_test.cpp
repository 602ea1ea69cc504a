// The client's words for registry answers: oras-go v2's (Helm 4's) text for an unexpected
// status, the error detail printed as Go's %v prints the decoded JSON; and what a manifest
// holds when it is not a Helm chart (the text of "skipping tag …" and of the error for an
// exact version naming an image).
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "client/chart_resolver.hpp"
#include "client/registry_client.hpp"

namespace ch {
namespace {

std::string status_text(long status, const std::string& body) {
  client::Request request;
  request.url = "http://r.example/v2/x/tags/list";
  client::Response response;
  response.status = status;
  response.body = body;
  try {
    client::throw_status(request, response);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StatusWords, RegistryErrorsAsOrasGoPrintsThem) {
  const std::string prefix = "GET \"http://r.example/v2/x/tags/list\": response status code ";
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name )"
                             R"(not known to registry","detail":{"name":"charts/nothing"}}]})"),
            prefix +
                "404: name unknown: repository name not known to registry: "
                "map[name:charts/nothing]");
  // No detail, a null detail, or no message: no ": detail" part.
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone"}]})"),
            prefix + "404: manifest unknown: gone");
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"X","message":"m","detail":null}]})"),
            prefix + "404: x: m");
  EXPECT_EQ(status_text(404, R"({"errors":[{"code":"X","detail":{"a":1}}]})"), prefix + "404: x");
  // Go's %v of decoded JSON: sorted map keys, arrays spaced, float64 numbers, <nil>.
  EXPECT_EQ(
      status_text(401,
                  R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required",)"
                  R"("detail":[{"Type":"repository","Name":"a/b","Action":"pull","Class":""}]}]})"),
      prefix +
          "401: unauthorized: authentication required: "
          "[map[Action:pull Class: Name:a/b Type:repository]]");
  EXPECT_EQ(
      status_text(400, R"({"errors":[{"code":"C","message":"m","detail":)"
                       R"({"n":[1,1.5,123456,1000000,1234567,0.0001,0.00001,-2,true,null]}}]})"),
      prefix +
          "400: c: m: map[n:[1 1.5 123456 1e+06 1.234567e+06 0.0001 1e-05 -2 true "
          "<nil>]]");
  EXPECT_EQ(status_text(400, R"({"errors":[{"code":"C","message":"m","detail":"text"},)"
                             R"({"code":"D","message":"n"}]})"),
            prefix + "400: c: m: text; d: n");
  // Not JSON: the status text.
  EXPECT_EQ(status_text(404, "<html>"), prefix + "404: Not Found");
}

client::FetchedManifest manifest(const std::string& bytes, const std::string& type) {
  return {bytes, type, ""};
}

std::string image_manifest(const std::string& config_type, const std::string& extra = "") {
  return R"({"schemaVersion":2,)" + extra + R"("config":{"mediaType":")" + config_type +
         R"(","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";
}

TEST(NonChartDescription, SaysWhatATagHolds) {
  const std::string oci = "application/vnd.oci.image.manifest.v1+json";
  EXPECT_EQ(client::non_chart_description(
                manifest(image_manifest("application/vnd.cncf.helm.config.v1+json"), oci)),
            "");
  EXPECT_EQ(client::non_chart_description(
                manifest(image_manifest("application/vnd.oci.image.config.v1+json"), oci)),
            "a container image (application/vnd.oci.image.config.v1+json)");
  // The media type from the document when the registry's Content-Type says nothing useful.
  EXPECT_EQ(
      client::non_chart_description(manifest(
          image_manifest("application/vnd.docker.container.image.v1+json",
                         R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"),
          "application/json")),
      "a container image (application/vnd.docker.container.image.v1+json)");
  EXPECT_EQ(client::non_chart_description(
                manifest(image_manifest("application/vnd.oci.empty.v1+json",
                                        R"("artifactType":"application/vnd.example.sbom",)"),
                         oci)),
            "an OCI artifact (application/vnd.example.sbom)");
  const std::string index_type = "application/vnd.oci.image.index.v1+json";
  std::string child =
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      std::string(64, 'b') + R"(","size":10)";
  EXPECT_EQ(client::non_chart_description(
                manifest(R"({"schemaVersion":2,"manifests":[)" + child +
                             R"(,"platform":{"architecture":"arm64","os":"linux"}}]})",
                         index_type)),
            "a multi-platform container image (application/vnd.oci.image.index.v1+json)");
  // An index without platforms (or only buildx's unknown/unknown attestations) may hold a
  // chart: only its children can tell.
  EXPECT_EQ(client::non_chart_description(
                manifest(R"({"schemaVersion":2,"manifests":[)" + child + "}]}", index_type)),
            "");
  EXPECT_EQ(client::non_chart_description(
                manifest(R"({"schemaVersion":2,"manifests":[)" + child +
                             R"(,"platform":{"architecture":"unknown","os":"unknown"}}]})",
                         index_type)),
            "");
  EXPECT_EQ(client::non_chart_description(manifest("hello", "text/plain")),
            "content of type text/plain");
  EXPECT_EQ(client::non_chart_description(manifest("{\"schemaVersion\":2,\"config\":7}", oci)),
            "an invalid manifest (application/vnd.oci.image.manifest.v1+json)");
}

}  // namespace
}  // namespace ch
