// Request-target parsing for the HTTP server: percent-decoding of the path and the query
// (where '+' also means a space), as Go's net/url does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ch::server::http {

// Decodes %XX escapes, and '+' as a space when plus_is_space. nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

struct Target {
  std::string path;                               // decoded, without the query
  std::multimap<std::string, std::string> query;  // decoded, in order
};

// Splits an origin-form ("/p?q"), absolute-form ("http://h/p?q") or asterisk-form ("*")
// target. nullopt when the path has a bad escape or decodes to a NUL byte. Query pairs with
// a bad escape are dropped, like Go's url.ParseQuery; a key without '=' has an empty value.
std::optional<Target> parse_target(std::string_view target);

// The pairs of a query string or an application/x-www-form-urlencoded body ("a=1&b=x+y"), as
// Go's url.ParseQuery reads them: '+' is a space, pairs with a bad escape are dropped.
std::multimap<std::string, std::string> parse_query(std::string_view query);

}  // namespace ch::server::http
