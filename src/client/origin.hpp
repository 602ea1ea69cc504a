// Origins (scheme, host, port) of the URLs the client talks to, and the URLs a registry hands
// back (Link pages, upload Locations, token realms) resolved against the response that
// carried them. Credentials are scoped to the origin they were given for: the registry
// client compares origins with these, never URL prefixes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"

namespace ch::client {

struct Origin {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case; IPv6 literals keep their brackets
  int port = 0;        // explicit, or the scheme's default (80, 443)
  bool operator==(const Origin&) const = default;
  std::string str() const;  // scheme://host[:port], the port only when not the default
};

// The origin of an absolute http(s) URL; nullopt for any other scheme, a URL with user
// information ("user@host"), an empty or malformed host or port, or a URL containing
// whitespace, control characters or backslashes (which parsers disagree about). Only
// what such a parse accepts may carry credentials.
std::optional<Origin> parse_origin(std::string_view url);

// `reference` (absolute, scheme-relative "//host/...", absolute-path "/...", query "?..."
// or relative path) resolved against the absolute URL `base`, as Go's URL.Parse does for
// Link and Location headers (dot segments are left as they are).
std::string resolve_reference(std::string_view base, std::string_view reference);

// The target of the first link-value with rel="next" (rel may list several relation types)
// among `header_values` (each a Link header's value); "" when there is none. Linear.
std::string next_link_target(const std::vector<std::string>& header_values);

// Whether `host` (lower-case, as parse_origin leaves it) names this machine or a private
// network: loopback, RFC 1918, carrier-grade NAT (100.64/10, where some clouds keep their
// metadata service), link-local (169.254/16, cloud metadata), unspecified (0.0.0.0, "::"),
// IPv6 ULA and link-local, IPv4-mapped forms of these; IPv4 in every spelling libcurl
// accepts ("127.1", "2130706433", "0x7f000001"); and "localhost" / "*.localhost". Other
// names are not resolved.
bool is_internal_host(std::string_view host);

// Checks a URL a registry at `registry` handed back: it must parse (parse_origin), and a
// registry reached over https must not send the client to plain http. Returns its origin;
// throws Error(code) with "<what> <url> ..." otherwise.
Origin check_handed_url(const Origin& registry, std::string_view url, std::string_view what,
                        ErrorCode code);

// check_handed_url for a Bearer challenge's realm, which receives the registry's
// credentials: it may be on another origin, but a realm on an internal host (above) must be
// the registry's own host and port — a registry must not aim the credentials (or the
// client) at a service on the user's machine or network (the SSRF rule of spec §5.4, as
// go-containerregistry and oras-go apply it). Throws Error(kUnauthorized).
Origin check_token_realm(const Origin& registry, std::string_view realm);

}  // namespace ch::client
