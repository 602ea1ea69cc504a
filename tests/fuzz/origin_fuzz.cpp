// URLs a registry hands the client (Location, Link, token realm): ch::client::parse_origin,
// resolve_reference, next_link_target and check_handed_url. Credentials are scoped by these
// origins, so an accepted origin must print and parse back to itself, and an https registry
// must never be allowed to hand out a plain-http URL.
#include <string>
#include <vector>

#include "client/origin.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = ch::fuzz::text(data, size);
  std::string_view first, rest;
  std::tie(first, rest) = ch::fuzz::split_once(in, '\n');

  std::optional<ch::client::Origin> o;
  if (ch::fuzz::refuses([&] { o = ch::client::parse_origin(in); })) return 0;
  if (o) {
    CH_FUZZ_CHECK(o->scheme == "http" || o->scheme == "https");
    CH_FUZZ_CHECK(!o->host.empty());
    CH_FUZZ_CHECK(o->port > 0 && o->port <= 65535);
    auto again = ch::client::parse_origin(o->str());
    CH_FUZZ_CHECK(again && *again == *o);
    CH_FUZZ_CHECK(in.find_first_of(" \t\r\n\\") == std::string_view::npos);
  }

  // base \n reference: resolving never fails outright, and resolving an absolute http(s)
  // URL keeps its origin.
  std::string resolved;
  if (!ch::fuzz::refuses([&] { resolved = ch::client::resolve_reference(first, rest); })) {
    auto ref_origin = ch::client::parse_origin(rest);
    if (ref_origin) {
      auto r = ch::client::parse_origin(resolved);
      CH_FUZZ_CHECK(r && *r == *ref_origin);
    }
  }

  // Every line a Link header value.
  std::vector<std::string> values;
  std::string_view lines = in;
  while (!lines.empty() && values.size() < 64) {
    std::string_view line, more;
    std::tie(line, more) = ch::fuzz::split_once(lines, '\n');
    values.emplace_back(line);
    if (more.empty()) break;
    lines = more;
  }
  ch::fuzz::refuses([&] { ch::client::next_link_target(values); });

  static const ch::client::Origin https{"https", "registry.example", 443};
  static const ch::client::Origin http{"http", "localhost", 5000};
  ch::client::Origin handed;
  if (!ch::fuzz::refuses([&] {
        handed =
            ch::client::check_handed_url(https, in, "upload location", ch::ErrorCode::kNetwork);
      }))
    CH_FUZZ_CHECK(handed.scheme == "https");
  ch::fuzz::refuses(
      [&] { ch::client::check_handed_url(http, in, "upload location", ch::ErrorCode::kNetwork); });
  return 0;
}
