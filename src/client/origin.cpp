#include "client/origin.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cctype>
#include <cstdint>

namespace ch::client {

namespace {

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
char lower_char(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

// A registered name or IPv4 address: letters, digits and - . _ ~ only (no percent-escapes,
// no bytes beyond ASCII).
bool valid_reg_name(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_' && c != '~') return false;
  return true;
}

// "[v6]" with hex digits, ':' and '.' inside (no zone identifiers).
bool valid_ip_literal(std::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return false;
  for (char c : host.substr(1, host.size() - 2))
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  return true;
}

// The length of a URI scheme followed by ':' at the start of `s`, or 0.
size_t scheme_length(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') return i;
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

bool is_token_char(char c) {
  return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '=' && c != '<' &&
         c != '>';
}

}  // namespace

std::string Origin::str() const {
  bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return scheme + "://" + host + (default_port ? "" : ":" + std::to_string(port));
}

std::optional<Origin> parse_origin(std::string_view url) {
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\') return std::nullopt;
  }
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  Origin o;
  o.scheme = lower(url.substr(0, sep));
  if (o.scheme != "http" && o.scheme != "https") return std::nullopt;
  std::string_view authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host, port;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    if (!valid_ip_literal(host)) return std::nullopt;
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (!valid_reg_name(host)) return std::nullopt;
  }
  o.host = lower(host);
  if (port.empty()) {
    o.port = o.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5) return std::nullopt;
    int value = 0;
    for (char c : port) {
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    o.port = value;
  }
  return o;
}

std::string resolve_reference(std::string_view base, std::string_view reference) {
  std::string_view fragmentless = base.substr(0, base.find('#'));
  if (reference.empty()) return std::string(fragmentless);
  if (scheme_length(reference) > 0) return std::string(reference);
  size_t sep = base.find("://");
  size_t authority_end =
      sep == std::string_view::npos ? base.size() : base.find_first_of("/?#", sep + 3);
  if (authority_end == std::string_view::npos) authority_end = base.size();
  std::string_view prefix = base.substr(0, authority_end);  // scheme://authority
  std::string_view path = fragmentless.substr(std::min(authority_end, fragmentless.size()));
  std::string_view path_only = path.substr(0, path.find('?'));
  if (reference.starts_with("//"))
    return std::string(base.substr(0, sep == std::string_view::npos ? 0 : sep + 1)) +
           std::string(reference);
  if (reference.front() == '/') return std::string(prefix) + std::string(reference);
  if (reference.front() == '?')
    return std::string(prefix) + std::string(path_only) + std::string(reference);
  if (reference.front() == '#') return std::string(fragmentless) + std::string(reference);
  size_t slash = path_only.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? "/" : path_only.substr(0, slash + 1);
  return std::string(prefix) + std::string(dir) + std::string(reference);
}

std::string next_link_target(const std::vector<std::string>& header_values) {
  for (const std::string& value : header_values) {
    std::string_view s = value;
    size_t i = 0;
    while (i < s.size()) {
      // One link-value: "<" URI-reference ">" *( OWS ";" OWS link-param )
      while (i < s.size() && (is_ows(s[i]) || s[i] == ',')) ++i;
      if (i >= s.size() || s[i] != '<') break;  // malformed: give up on this header
      size_t close = s.find('>', i + 1);
      if (close == std::string_view::npos) break;
      std::string_view target = s.substr(i + 1, close - i - 1);
      i = close + 1;
      bool next = false;
      while (i < s.size()) {
        while (i < s.size() && is_ows(s[i])) ++i;
        if (i >= s.size() || s[i] == ',') break;
        if (s[i] != ';') {  // stray characters: skip to the next link-value
          while (i < s.size() && s[i] != ',') ++i;
          break;
        }
        ++i;
        while (i < s.size() && is_ows(s[i])) ++i;
        size_t name_start = i;
        while (i < s.size() && is_token_char(s[i])) ++i;
        std::string name = lower(s.substr(name_start, i - name_start));
        while (i < s.size() && is_ows(s[i])) ++i;
        std::string param;
        if (i < s.size() && s[i] == '=') {
          ++i;
          while (i < s.size() && is_ows(s[i])) ++i;
          if (i < s.size() && s[i] == '"') {
            ++i;
            while (i < s.size() && s[i] != '"') {
              if (s[i] == '\\' && i + 1 < s.size()) ++i;
              param += s[i++];
            }
            if (i < s.size()) ++i;  // closing quote
          } else {
            while (i < s.size() && is_token_char(s[i])) param += s[i++];
          }
        }
        if (name == "rel") {
          // rel="next" or a space-separated list such as rel="prev next"
          size_t p = 0;
          while (p < param.size()) {
            size_t space = param.find(' ', p);
            if (space == std::string::npos) space = param.size();
            if (lower(std::string_view(param).substr(p, space - p)) == "next") next = true;
            p = space + 1;
          }
        }
      }
      if (next) return std::string(target);
    }
  }
  return {};
}

namespace {

bool internal_ipv4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) {
    std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  return in(0x00000000, 8) ||   // 0.0.0.0/8 ("this network"; 0.0.0.0 reaches loopback)
         in(0x0a000000, 8) ||   // 10/8
         in(0x64400000, 10) ||  // 100.64/10
         in(0x7f000000, 8) ||   // 127/8
         in(0xa9fe0000, 16) ||  // 169.254/16
         in(0xac100000, 12) ||  // 172.16/12
         in(0xc0a80000, 16);    // 192.168/16
}

}  // namespace

bool is_internal_host(std::string_view host) {
  std::string name(host);
  if (name.starts_with("[") && name.ends_with("]")) {
    std::string literal = name.substr(1, name.size() - 2);
    std::array<unsigned char, 16> b{};
    if (::inet_pton(AF_INET6, literal.c_str(), b.data()) != 1) return true;  // unparsable: refuse
    bool first10_zero = true;
    for (int i = 0; i < 10; ++i) first10_zero = first10_zero && b[i] == 0;
    bool mapped = first10_zero && b[10] == 0xff && b[11] == 0xff;  // ::ffff:a.b.c.d
    bool compat = first10_zero && b[10] == 0 && b[11] == 0;        // ::a.b.c.d, ::, ::1
    if (mapped || compat)
      return internal_ipv4((std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) |
                           (std::uint32_t{b[14]} << 8) | b[15]);
    return (b[0] & 0xfe) == 0xfc ||                  // fc00::/7 (ULA)
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);  // fe80::/10 (link-local)
  }
  if (name.ends_with(".")) name.pop_back();
  if (name == "localhost" || name.ends_with(".localhost")) return true;
  in_addr v4{};
  // inet_aton takes the same legacy spellings (1 to 4 parts, octal, hex) as libcurl's URL
  // parser, so "127.1" or "2130706433" is caught here as the address curl would dial.
  if (::inet_aton(name.c_str(), &v4) != 0) return internal_ipv4(ntohl(v4.s_addr));
  return false;
}

Origin check_handed_url(const Origin& registry, std::string_view url, std::string_view what,
                        ErrorCode code) {
  std::optional<Origin> o = parse_origin(url);
  if (!o)
    throw Error(code, std::string(what) + " \"" + std::string(url) +
                          "\" is not an absolute http(s) URL with a plain host");
  if (registry.scheme == "https" && o->scheme != "https")
    throw Error(code, "refusing " + std::string(what) + " " + std::string(url) +
                          " that is not https for an https registry");
  return *o;
}

Origin check_token_realm(const Origin& registry, std::string_view realm) {
  Origin o = check_handed_url(registry, realm, "token realm", ErrorCode::kUnauthorized);
  if (is_internal_host(o.host) && !(o.host == registry.host && o.port == registry.port))
    throw Error(ErrorCode::kUnauthorized, "refusing token realm " + std::string(realm) +
                                              ": an internal address that is "
                                              "not the registry's own host and port " +
                                              registry.host + ":" + std::to_string(registry.port));
  return o;
}

}  // namespace ch::client
