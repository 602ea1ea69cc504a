// A client for the OCI Distribution API as Helm 3.18+/4 (oras-go v2) talks to registries:
// manifests, blobs (verified while streaming), monolithic uploads, tag and catalog listing
// with Link pagination, and auth per spec helm-oci.md §5.4 — anonymous, Basic, and the
// Docker token flow (GET with scopes, POST for refresh tokens / OAuth2), tokens cached per
// host and scope set. Credentials and tokens are sent only to the registry's origin (and
// credentials to its token realm); every response it buffers is size-bounded and its JSON
// depth-limited. One client may be used from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/version.hpp"
#include "client/credentials.hpp"
#include "client/origin.hpp"
#include "client/transport.hpp"
#include "oci/manifest.hpp"

namespace ch::client {

struct ClientOptions {
  TlsOptions tls;
  bool plain_http = false;  // http:// for every host (ignored when TLS flags are given)
  // When both are set they are used for every registry host named in a reference, and
  // stored credentials are not read. Either way, credentials (and the tokens they buy) go
  // only to the registry's own origin (scheme, host, port) and to its token realm, never to
  // another origin a registry points at (Link pages, upload Locations, redirects).
  std::string username;
  std::string password;
  std::string registry_config;  // --registry-config; empty = Helm's default
  std::string user_agent = std::string(kUserAgent);
  // Link pages followed by list_tags and catalog before giving up (kTooLarge).
  std::size_t max_list_pages = 10000;
};

using Descriptor = oci::Descriptor;

struct FetchedManifest {
  std::string bytes;
  std::string media_type;  // the response Content-Type (parameters dropped)
  std::string digest;      // Docker-Content-Digest, else sha256 of the bytes
};

// A repository's tags, and which of them hold Helm charts when the registry says so:
// charthouse serve adds a "charts" array to each tags/list page (the page's tags that point
// at Helm chart manifests); other registries do not, and then `charts` is nullopt. It is
// set only when every page that listed tags carried the array.
struct TagList {
  std::vector<std::string> tags;
  std::optional<std::set<std::string>> charts;
};

// Called with (bytes done, bytes total) during a blob transfer.
using ProgressFn = std::function<void(std::uint64_t, std::uint64_t)>;

class RegistryClient {
 public:
  RegistryClient(ClientOptions options, CredentialStore credentials);
  explicit RegistryClient(ClientOptions options);  // credentials from the environment
  ~RegistryClient();

  // GET /v2/ with `credential` (not the stored one), as `registry login` checks it: the
  // OAuth2 password grant first, then the GET token flow (asking for an offline token, as
  // Docker's login does). Returns the identity (refresh) token the token server issued, if
  // any — what Helm 3 stores instead of the password. Throws Error(kUnauthorized) when
  // refused.
  std::string ping(const std::string& host, const Credential& credential);

  // Manifest by tag or digest. A digest reference is checked against the bytes. Throws
  // Error(kNotFound, "<host>/<repository>:<tag>: not found" or "…@<digest>: not found", then
  // the HTTP exchange on a second line) for an unknown manifest, as Helm words it.
  FetchedManifest get_manifest(const std::string& host, const std::string& repository,
                               const std::string& reference);
  // HEAD; nullopt when the registry answers 404. for_push asks for a pull+push token up
  // front (as Helm 4.2.4+ does), so the uploads that follow reuse it.
  std::optional<Descriptor> head_manifest(const std::string& host, const std::string& repository,
                                          const std::string& reference, bool for_push = false);
  // PUT by tag or digest; returns the digest of the bytes.
  std::string put_manifest(const std::string& host, const std::string& repository,
                           const std::string& reference, const std::string& bytes,
                           const std::string& media_type);

  // GET /v2/<repository>/referrers/<digest>[?artifactType=]: the manifests whose subject
  // is `digest` (a registry may ignore the filter: callers check artifact_type). nullopt
  // when the registry has no referrers API (404): then clients use the referrers tag schema
  // (an index at tag sha256-<hex>).
  std::optional<std::vector<Descriptor>> referrers(const std::string& host,
                                                   const std::string& repository,
                                                   const std::string& digest,
                                                   const std::string& artifact_type = "");

  bool blob_exists(const std::string& host, const std::string& repository,
                   const std::string& digest);
  // POST an upload, then PUT the whole blob with ?digest= (monolithic). The source is a
  // file or, when path is empty, `data`.
  void upload_blob(const std::string& host, const std::string& repository, const Descriptor& blob,
                   const std::filesystem::path& path, const std::string& data = {},
                   ProgressFn progress = {});
  // Streams the blob to `sink`, checking its size and digest; throws kDigestMismatch after
  // the last chunk when they differ (the sink has then seen unverified data: write into a
  // temporary file and commit only after this returns).
  void fetch_blob(const std::string& host, const std::string& repository, const Descriptor& blob,
                  const std::function<void(std::string_view)>& sink, ProgressFn progress = {});
  std::string fetch_small_blob(const std::string& host, const std::string& repository,
                               const Descriptor& blob);  // up to 4 MiB, verified

  // Every tag, following Link pages. Throws Error(kNotFound) for an unknown repository.
  std::vector<std::string> list_tags(const std::string& host, const std::string& repository);
  // The same, with the registry's hint of which tags hold charts (see TagList).
  TagList list_tags_with_charts(const std::string& host, const std::string& repository);
  // Every repository of /v2/_catalog, following Link pages.
  std::vector<std::string> catalog(const std::string& host);

 private:
  struct HostState;
  Response send(const std::string& host, Request request, const std::vector<std::string>& scopes,
                const Credential* credential_override = nullptr, bool force_oauth2 = false,
                std::string* refresh_token = nullptr);
  std::string base_url(const std::string& host);
  Credential credential_for(const std::string& host);
  HostState& state(const std::string& host);
  Origin registry_origin(const std::string& host);
  // `hints`, when given, receives the pages' "charts" arrays (nullopt unless every page
  // listing tags had one).
  std::vector<std::string> list_pages(const std::string& host, const std::string& first_url,
                                      const std::vector<std::string>& scopes,
                                      const std::string& field, const std::string& what,
                                      std::optional<std::set<std::string>>* hints = nullptr);
  // With `refresh_token` set (a login), a GET token request asks for an offline token and
  // the refresh token of the answer, if any, is written there.
  std::string fetch_token(const std::string& host, const std::string& challenge,
                          std::vector<std::string> scopes, const Credential& credential,
                          bool force_oauth2, std::string* refresh_token = nullptr);

  ClientOptions options_;
  CredentialStore credentials_;
  Transport transport_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<HostState>> hosts_;
};

// `<METHOD> "<url>": response status code <n>: <registry's error code and message[: detail]>`,
// the text oras-go v2 (Helm 4) gives for an unexpected status, the detail printed as Go's %v
// prints it. Maps 401/403 to kUnauthorized, 404 to kNotFound, others to kNetwork.
[[noreturn]] void throw_status(const Request& request, const Response& response);

}  // namespace ch::client
