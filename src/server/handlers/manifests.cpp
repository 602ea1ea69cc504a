// GET/HEAD/PUT/DELETE /v2/<name>/manifests/<reference>: manifests are stored byte-exact
// (at most 4 MiB), validated per media type (OCI image manifest and index, Docker schema 2
// manifest and manifest list), with MANIFEST_BLOB_UNKNOWN for missing references, a dangling
// subject accepted and answered with OCI-Subject, and several ?tag= answered with OCI-Tag.
#include "base/error.hpp"
#include "base/json_limits.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"
#include "server/handlers/context.hpp"
#include "server/handlers/offload.hpp"
#include "server/handlers/signatures.hpp"

// GCC 12 reports a false -Wmismatched-new-delete for Asio's recycled coroutine frames
// (new and delete are both Asio's frame operators).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace ch::server::handlers {

namespace {

using json = nlohmann::json;

[[noreturn]] void invalid(const std::string& why) {
  throw ApiError(OciError::kManifestInvalid, "manifest invalid: " + why);
}

std::string strip_params(std::string ct) {
  auto semi = ct.find(';');
  if (semi != std::string::npos) ct.resize(semi);
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.pop_back();
  return ct;
}

Awaitable get(Context& ctx, http::Exchange& ex, const std::string& name, const std::string& ref) {
  const auto& req = ex.request();
  std::optional<Digest> digest;
  if (looks_like_digest(ref)) {
    digest = parse_digest(ref);
  } else if (!oci::valid_tag(ref)) {
    // A tag that cannot exist names no manifest: 404, as the spec's pull tests expect
    // (PUT still refuses it with 400).
    throw ApiError(OciError::kManifestUnknown, "manifest unknown to registry");
  }
  auto m = co_await on_stores(ctx, [&ctx, &name, &ref, &digest] {
    if (!digest) digest = ctx.meta.resolve_tag(name, ref);
    if (!digest) throw ApiError(OciError::kManifestUnknown, "manifest unknown to registry", ref);
    return ctx.meta.get_manifest(name, *digest);
  });
  if (!m) throw ApiError(OciError::kManifestUnknown, "manifest unknown to registry", ref);
  // The signature policy guards the content (GET); HEAD tells a signer what to sign.
  if (req.method == "GET" && !m->chart.empty() && ctx.auth.signature_keys(name)) {
    const store::Manifest& chart = *m;
    std::string refusal =
        co_await offload([&ctx, &chart]() { return signature_policy_refusal(ctx, chart); });
    if (!refusal.empty()) throw ApiError(OciError::kDenied, refusal);
  }
  const std::string etag = "\"" + m->digest.str() + "\"";
  http::Response r;
  r.headers.emplace("Content-Type", m->media_type);
  r.headers.emplace("Docker-Content-Digest", m->digest.str());
  r.headers.emplace("ETag", etag);
  std::string inm = req.header("If-None-Match");
  if (!inm.empty() && (inm == etag || inm == m->digest.str())) {
    r.status = 304;
    co_await ex.send(std::move(r));
    co_return;
  }
  if (req.method == "HEAD") {
    r.headers.emplace("Content-Length", std::to_string(m->bytes.size()));
  } else {
    r.body = std::move(m->bytes);
  }
  co_await ex.send(std::move(r));
}

Awaitable put(Context& ctx, http::Exchange& ex, const std::string& name, const std::string& ref) {
  const auto& req = ex.request();
  std::vector<std::string> tags;
  std::optional<Digest> by_digest;
  if (looks_like_digest(ref)) {
    by_digest = parse_digest(ref);
  } else {
    if (!oci::valid_tag(ref))
      throw ApiError(OciError::kManifestInvalid, "invalid tag \"" + ref + "\"");
    tags.push_back(ref);
  }
  for (const auto& t : req.params("tag")) {
    if (!oci::valid_tag(t)) throw ApiError(OciError::kManifestInvalid, "invalid tag \"" + t + "\"");
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
  if (req.content_length && *req.content_length > ctx.options.max_manifest_bytes)
    throw ApiError(
        OciError::kTooLarge,
        "manifest larger than " + std::to_string(ctx.options.max_manifest_bytes) + " bytes");
  std::string bytes;
  try {
    bytes = co_await ex.read_all(ctx.options.max_manifest_bytes);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kTooLarge)
      throw ApiError(
          OciError::kTooLarge,
          "manifest larger than " + std::to_string(ctx.options.max_manifest_bytes) + " bytes");
    throw;
  }
  store::Manifest m = parse_manifest(name, bytes, strip_params(req.header("Content-Type")));
  DigestAlgorithm alg = by_digest ? by_digest->algorithm : DigestAlgorithm::kSha256;
  m.digest = digest_of(bytes, alg);
  if (by_digest && *by_digest != m.digest)
    throw ApiError(OciError::kDigestInvalid,
                   "manifest digest " + m.digest.str() + " does not match " + by_digest->str());

  auto result = co_await on_stores(ctx, [&ctx, &m, &tags] {
    // A descriptor must state its blob's true size, or the manifest could never be pulled
    // (clients verify sizes).
    for (const store::Descriptor& d : m.blobs)
      if (auto stored = ctx.blobs.size_of(Digest::parse(d.digest));
          stored && *stored != static_cast<std::uint64_t>(d.size))
        invalid("size of " + d.digest + " is " + std::to_string(*stored) + ", not " +
                std::to_string(d.size));
    m.chart = chart_info(ctx, m);
    return ctx.meta.put_manifest(m, tags);
  });
  if (!result.missing.empty()) {
    std::vector<std::string> missing;
    for (const auto& d : result.missing) missing.push_back(d.str());
    http::Response r =
        error_response(OciError::kManifestBlobUnknown,
                       "manifest references a manifest or blob unknown to registry", missing);
    co_await ex.send(std::move(r));
    co_return;
  }
  http::Response r;
  r.status = 201;
  r.headers.emplace("Location", "/v2/" + name + "/manifests/" + m.digest.str());
  r.headers.emplace("Docker-Content-Digest", m.digest.str());
  r.headers.emplace("Content-Length", "0");
  if (m.subject) r.headers.emplace("OCI-Subject", m.subject->digest);
  if (!req.params("tag").empty()) {
    std::string joined;
    for (const auto& t : tags) joined += (joined.empty() ? "" : ",") + t;
    r.headers.emplace("OCI-Tag", joined);
  }
  co_await ex.send(std::move(r));
}

Awaitable remove(Context& ctx, http::Exchange& ex, const std::string& name,
                 const std::string& ref) {
  if (!ctx.options.delete_enabled)
    throw ApiError(OciError::kMethodNotAllowed, "deletes are disabled");
  const bool by_digest = looks_like_digest(ref);
  if (!by_digest && !oci::valid_tag(ref))
    throw ApiError(OciError::kManifestInvalid, "invalid tag \"" + ref + "\"");
  const bool ok = co_await on_stores(ctx, [&ctx, &name, &ref, by_digest] {
    return by_digest ? ctx.meta.delete_manifest(name, parse_digest(ref))
                     : ctx.meta.delete_tag(name, ref);
  });
  if (!ok) throw ApiError(OciError::kManifestUnknown, "manifest unknown to registry", ref);
  http::Response r;
  r.status = 202;
  r.headers.emplace("Content-Length", "0");
  co_await ex.send(std::move(r));
}

}  // namespace

store::Manifest parse_manifest(const std::string& name, const std::string& bytes,
                               std::string content_type) {
  oci::Pushed p;
  try {
    p = oci::parse_pushed(bytes, content_type);
  } catch (const Error& e) {
    std::string why = e.what();
    constexpr std::string_view kPrefix = "invalid manifest: ";
    if (why.rfind(kPrefix, 0) == 0) why.erase(0, kPrefix.size());
    invalid(why);
  }
  store::Manifest m;
  m.repository = name;
  m.media_type = p.media_type;
  m.bytes = bytes;
  if (p.config) m.blobs.push_back(std::move(*p.config));
  for (auto& l : p.layers) m.blobs.push_back(std::move(l));
  m.manifests = std::move(p.manifests);
  m.subject = std::move(p.subject);
  m.artifact_type = std::move(p.artifact_type);
  for (const auto& [k, v] : p.annotations) m.annotations[k] = v;
  return m;
}

Awaitable handle_manifest(Context& ctx, http::Exchange& ex, const std::string& name,
                          const std::string& ref) {
  const std::string& method = ex.request().method;
  if (method == "GET" || method == "HEAD") {
    const auto& req = ex.request();
    // A pusher checking whether a manifest exists in a repository not created yet learns
    // that it does not (404), rather than being asked to log in again (helm#31567).
    auth::Scope push{"repository", name, {"push"}};
    const bool exists =
        co_await on_stores(ctx, [&ctx, &name] { return ctx.meta.repository_exists(name); });
    if (!exists &&
        ctx.auth.authorize(req.header("Authorization"), {push}, req.header("Host"), req.tls)
            .allowed)
      throw ApiError(OciError::kManifestUnknown, "manifest unknown to registry");
    require(ctx, req, name, {"pull"});
    co_await get(ctx, ex, name, ref);
  } else if (method == "PUT") {
    require(ctx, ex.request(), name, {"pull", "push"});
    co_await put(ctx, ex, name, ref);
  } else if (method == "DELETE") {
    require(ctx, ex.request(), name, {"delete"});
    co_await remove(ctx, ex, name, ref);
  } else {
    throw ApiError(OciError::kMethodNotAllowed, "method not allowed");
  }
}

}  // namespace ch::server::handlers
