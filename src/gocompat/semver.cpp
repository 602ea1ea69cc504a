// Masterminds/semver v3.3.0 semantics, reimplemented without regular expressions. Where the Go
// code relies on a regular expression, the scanners below reproduce what Go's leftmost-first
// matcher selects for that expression; the comments name the expression being emulated.
#include "gocompat/semver.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "base/error.hpp"

namespace ch::semver {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// [0-9A-Za-z-]: the characters of a prerelease or build identifier.
bool is_ident_char(char c) {
  return is_digit(c) || is_alpha(c) || c == '-';
}
// Go's \s: [\t\n\f\r ] (no \v).
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}
// The class [0-9|x|X|\*] of a constraint's version part; note that it includes '|'.
bool is_cv_char(char c) {
  return is_digit(c) || c == '|' || c == 'x' || c == 'X' || c == '*';
}
bool is_op_char(char c) {
  return c == '=' || c == '!' || c == '>' || c == '<' || c == '~' || c == '^';
}

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  for (;;) {
    std::size_t at = s.find(sep);
    if (at == std::string_view::npos) break;
    out.push_back(s.substr(0, at));
    s.remove_prefix(at + sep.size());
  }
  out.push_back(s);
  return out;
}

// Go strconv.ParseUint(s, 10, 64). On failure returns false and sets Go's error text.
bool parse_uint(std::string_view s, std::uint64_t* out, std::string* err) {
  const char* reason = s.empty() ? "invalid syntax" : nullptr;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < s.size() && reason == nullptr; ++i) {
    if (!is_digit(s[i])) {
      reason = "invalid syntax";
    } else if (const auto d = static_cast<std::uint64_t>(s[i] - '0');
               v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
      reason = "value out of range";
    } else {
      v = v * 10 + d;
    }
  }
  if (reason != nullptr) {
    if (err != nullptr) {
      *err = "strconv.ParseUint: parsing \"" + std::string(s) + "\": " + reason;
    }
    return false;
  }
  *out = v;
  return true;
}

constexpr const char* kInvalidSemVer = "Invalid Semantic Version";
constexpr const char* kEmptyString = "Version string empty";
constexpr const char* kInvalidCharacters = "Invalid characters in version";
constexpr const char* kSegmentStartsZero = "Version segment starts with 0";
constexpr const char* kInvalidMetadata = "Invalid Metadata string";
constexpr const char* kInvalidPrerelease = "Invalid Prerelease string";

// Masterminds validatePrerelease: numeric identifiers must not have leading zeros, others must be
// [0-9A-Za-z-]. An empty identifier counts as numeric and passes (fixed only in v3.3.1).
const char* validate_prerelease(std::string_view pre) {
  for (std::string_view part : split(pre, ".")) {
    if (all_of(part, is_digit)) {
      if (part.size() > 1 && part[0] == '0') return kSegmentStartsZero;
    } else if (!all_of(part, is_ident_char)) {
      return kInvalidPrerelease;
    }
  }
  return nullptr;
}

const char* validate_metadata(std::string_view meta) {
  for (std::string_view part : split(meta, ".")) {
    if (!all_of(part, is_ident_char)) return kInvalidMetadata;
  }
  return nullptr;
}

// Consumes ID(\.ID)* with ID = [0-9A-Za-z-]+ greedily from s[pos], which must start an ID.
std::size_t scan_identifiers(std::string_view s, std::size_t pos) {
  for (;;) {
    while (pos < s.size() && is_ident_char(s[pos])) ++pos;
    if (pos + 1 < s.size() && s[pos] == '.' && is_ident_char(s[pos + 1])) {
      ++pos;
    } else {
      return pos;
    }
  }
}

// Go's comparison of two prerelease identifiers.
int compare_pre_part(std::string_view s, std::string_view o) {
  if (s == o) return 0;
  if (s.empty()) return -1;
  if (o.empty()) return 1;
  std::uint64_t si = 0;
  std::uint64_t oi = 0;
  const bool s_num = parse_uint(s, &si, nullptr);  // overflowing numbers count as text
  const bool o_num = parse_uint(o, &oi, nullptr);
  if (!s_num && !o_num) return s > o ? 1 : -1;
  if (!o_num) return -1;  // numbers sort before text
  if (!s_num) return 1;
  return si > oi ? 1 : -1;
}

int compare_prerelease(std::string_view a, std::string_view b) {
  const std::vector<std::string_view> ap = split(a, ".");
  const std::vector<std::string_view> bp = split(b, ".");
  const std::size_t n = std::max(ap.size(), bp.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view x = i < ap.size() ? ap[i] : std::string_view();
    const std::string_view y = i < bp.size() ? bp[i] : std::string_view();
    if (int d = compare_pre_part(x, y); d != 0) return d;
  }
  return 0;
}

int compare_segment(std::uint64_t a, std::uint64_t b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

// Builds Versions; reports failures as a message so that try_parse needs no exceptions.
struct VersionParser {
  // NewVersion: the anchored expression
  //   v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-(ID(\.ID)*))?(\+(ID(\.ID)*))?
  // then ParseUint of each number and validatePrerelease.
  static std::optional<Version> lenient(std::string_view s, std::string* err) {
    std::size_t p = 0;
    const auto digits = [&](std::size_t from) {
      std::size_t q = from;
      while (q < s.size() && is_digit(s[q])) ++q;
      return q;
    };
    if (p < s.size() && s[p] == 'v') ++p;
    std::size_t end = digits(p);
    if (end == p) return fail(err, kInvalidSemVer);
    std::array<std::string_view, 3> nums = {s.substr(p, end - p), {}, {}};
    p = end;
    for (int i = 1; i < 3; ++i) {
      if (p + 1 < s.size() && s[p] == '.' && is_digit(s[p + 1])) {
        end = digits(p + 1);
        nums[i] = s.substr(p + 1, end - p - 1);
        p = end;
      }
    }
    std::string_view pre;
    std::string_view meta;
    if (p + 1 < s.size() && s[p] == '-' && is_ident_char(s[p + 1])) {
      end = scan_identifiers(s, p + 1);
      pre = s.substr(p + 1, end - p - 1);
      p = end;
    }
    if (p + 1 < s.size() && s[p] == '+' && is_ident_char(s[p + 1])) {
      end = scan_identifiers(s, p + 1);
      meta = s.substr(p + 1, end - p - 1);
      p = end;
    }
    if (p != s.size()) return fail(err, kInvalidSemVer);

    Version v;
    std::array<std::uint64_t*, 3> dest = {&v.major_, &v.minor_, &v.patch_};
    for (int i = 0; i < 3; ++i) {
      if (nums[i].empty()) continue;  // a missing minor or patch is 0
      std::string why;
      if (!parse_uint(nums[i], dest[i], &why)) {
        return fail(err, "Error parsing version segment: " + why);
      }
    }
    if (const char* bad = validate_prerelease(pre); !pre.empty() && bad != nullptr) {
      return fail(err, bad);
    }
    v.pre_ = pre;
    v.meta_ = meta;
    v.original_ = s;
    return v;
  }

  // StrictNewVersion: split into three parts on '.', then take build metadata and prerelease
  // off the third part, then insist on plain numbers without leading zeros.
  static std::optional<Version> strict(std::string_view s, std::string* err) {
    if (s.empty()) return fail(err, kEmptyString);
    const std::size_t d1 = s.find('.');
    if (d1 == std::string_view::npos) return fail(err, kInvalidSemVer);
    const std::size_t d2 = s.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return fail(err, kInvalidSemVer);
    std::array<std::string_view, 3> parts = {s.substr(0, d1), s.substr(d1 + 1, d2 - d1 - 1),
                                             s.substr(d2 + 1)};
    Version v;
    if (std::size_t plus = parts[2].find('+'); plus != std::string_view::npos) {
      const std::string_view meta = parts[2].substr(plus + 1);
      parts[2] = parts[2].substr(0, plus);
      if (const char* bad = validate_metadata(meta)) return fail(err, bad);
      v.meta_ = meta;
    }
    if (std::size_t dash = parts[2].find('-'); dash != std::string_view::npos) {
      const std::string_view pre = parts[2].substr(dash + 1);
      parts[2] = parts[2].substr(0, dash);
      if (const char* bad = validate_prerelease(pre)) return fail(err, bad);
      v.pre_ = pre;
    }
    for (std::string_view part : parts) {
      if (!all_of(part, is_digit)) return fail(err, kInvalidCharacters);
      if (part.size() > 1 && part[0] == '0') return fail(err, kSegmentStartsZero);
    }
    std::array<std::uint64_t*, 3> dest = {&v.major_, &v.minor_, &v.patch_};
    for (int i = 0; i < 3; ++i) {
      std::string why;
      if (!parse_uint(parts[i], dest[i], &why)) return fail(err, why);
    }
    v.original_ = s;
    return v;
  }

  static std::optional<Version> fail(std::string* err, std::string message) {
    if (err != nullptr) *err = std::move(message);
    return std::nullopt;
  }
};

Version Version::parse(std::string_view text) {
  std::string err;
  std::optional<Version> v = VersionParser::lenient(text, &err);
  if (!v) throw Error(ErrorCode::kInvalidArgument, err);
  return *std::move(v);
}

Version Version::parse_strict(std::string_view text) {
  std::string err;
  std::optional<Version> v = VersionParser::strict(text, &err);
  if (!v) throw Error(ErrorCode::kInvalidArgument, err);
  return *std::move(v);
}

std::optional<Version> Version::try_parse(std::string_view text) noexcept {
  try {
    return VersionParser::lenient(text, nullptr);
  } catch (...) {  // only std::bad_alloc can get here
    return std::nullopt;
  }
}

std::optional<Version> Version::try_parse_strict(std::string_view text) noexcept {
  try {
    return VersionParser::strict(text, nullptr);
  } catch (...) {  // only std::bad_alloc can get here
    return std::nullopt;
  }
}

std::string Version::str() const {
  std::string out =
      std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  if (!pre_.empty()) out += "-" + pre_;
  if (!meta_.empty()) out += "+" + meta_;
  return out;
}

int Version::compare(const Version& other) const {
  if (int d = compare_segment(major_, other.major_); d != 0) return d;
  if (int d = compare_segment(minor_, other.minor_); d != 0) return d;
  if (int d = compare_segment(patch_, other.patch_); d != 0) return d;
  if (pre_.empty() && other.pre_.empty()) return 0;
  if (pre_.empty()) return 1;
  if (other.pre_.empty()) return -1;
  return compare_prerelease(pre_, other.pre_);
}

namespace {

// What the constraint version expression (Masterminds cvRegex)
//   v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-(ID(\.ID)*))?(\+(ID(\.ID)*))?
// matches greedily at a position. Parts keep their leading '.', '-' or '+'.
struct CvMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string_view major, minor, patch, pre;
};

// Scans constraint text in O(1) per call after O(n) set-up: the end of every run (spaces,
// version characters, identifier lists) is computed once, so trying a match at each position of
// a long input stays linear like Go's regular expressions.
class Scanner {
 public:
  explicit Scanner(std::string_view s)
      : s_(s), space_end_(s.size() + 1), cv_end_(s.size() + 1), ids_end_(s.size() + 1) {
    const std::size_t n = s.size();
    space_end_[n] = cv_end_[n] = ids_end_[n] = n;
    std::vector<std::size_t> ident_end(n + 1, n);
    for (std::size_t i = n; i-- > 0;) {
      space_end_[i] = is_space(s[i]) ? space_end_[i + 1] : i;
      cv_end_[i] = is_cv_char(s[i]) ? cv_end_[i + 1] : i;
      ident_end[i] = is_ident_char(s[i]) ? ident_end[i + 1] : i;
      const std::size_t r = ident_end[i];
      // ID(\.ID)*: after a run of identifier characters, a '.' and another identifier continue.
      ids_end_[i] =
          (r > i && r + 1 < n && s[r] == '.' && is_ident_char(s[r + 1])) ? ids_end_[r + 1] : r;
    }
  }

  std::size_t skip_space(std::size_t p) const { return space_end_[p]; }

  std::optional<CvMatch> cv(std::size_t pos) const {
    const std::size_t n = s_.size();
    CvMatch m;
    m.begin = pos;
    std::size_t p = pos;
    if (p + 1 < n && s_[p] == 'v' && is_cv_char(s_[p + 1])) ++p;
    if (p >= n || !is_cv_char(s_[p])) return std::nullopt;
    m.major = s_.substr(p, cv_end_[p] - p);
    p = cv_end_[p];
    for (std::string_view* part : {&m.minor, &m.patch}) {
      if (p + 1 < n && s_[p] == '.' && is_cv_char(s_[p + 1])) {
        *part = s_.substr(p, cv_end_[p + 1] - p);
        p = cv_end_[p + 1];
      }
    }
    if (p + 1 < n && s_[p] == '-' && is_ident_char(s_[p + 1])) {
      m.pre = s_.substr(p, ids_end_[p + 1] - p);
      p = ids_end_[p + 1];
    }
    if (p + 1 < n && s_[p] == '+' && is_ident_char(s_[p + 1])) p = ids_end_[p + 1];
    m.end = p;
    return m;
  }

 private:
  std::string_view s_;
  std::vector<std::size_t> space_end_;
  std::vector<std::size_t> cv_end_;
  std::vector<std::size_t> ids_end_;
};

// Masterminds rewriteRange: every match of \s*(cv)\s+-\s+(cv)\s* in the text, found left to right
// without overlap, is then replaced by ">= A, <= B ". Like Go's strings.Replace(o, match, _, 1),
// the replacement goes to the first occurrence of the matched text, which is not always the match
// itself: "1 - 3 - 3 - 3" becomes ">= 1, <=>= 3, <= 3  - 3".
std::string rewrite_range(std::string_view text) {
  struct RangeMatch {
    std::string_view whole, low, high;
  };
  const Scanner scan(text);
  std::vector<RangeMatch> found;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = scan.skip_space(i);
    bool matched = false;
    if (std::optional<CvMatch> low = scan.cv(start)) {
      const std::size_t dash = scan.skip_space(low->end);
      if (dash > low->end && dash < text.size() && text[dash] == '-') {
        const std::size_t after_dash = scan.skip_space(dash + 1);
        if (after_dash > dash + 1) {
          if (std::optional<CvMatch> high = scan.cv(after_dash)) {
            const std::size_t end = scan.skip_space(high->end);
            found.push_back({text.substr(i, end - i), text.substr(start, low->end - start),
                             text.substr(after_dash, high->end - after_dash)});
            i = end;
            matched = true;
          }
        }
      }
    }
    // Starting anywhere in the run of spaces before `start` leads to the same attempt.
    if (!matched) i = start > i ? start + 1 : i + 1;
  }
  std::string out(text);
  for (const RangeMatch& m : found) {
    const std::size_t at = out.find(m.whole);
    if (at == std::string::npos) continue;  // cannot happen; Go would replace nothing
    const std::string repl = ">= " + std::string(m.low) + ", <= " + std::string(m.high) + " ";
    out.replace(at, m.whole.size(), repl);
  }
  return out;
}

struct Token {
  std::string_view op;
  CvMatch cv;
};

// The AND-group expression (Masterminds validConstraintRegex)
//   ^(\s*(OP)\s*(cv)\s*)((?:\s+|,\s*)(OP)\s*(cv)\s*)*$
// with OP one of = "" != > < >= => <= =< ~ ~> ^. Returns false if the segment does not match. The
// tokens equal what findConstraintRegex then extracts from a matching segment.
bool tokenize(std::string_view s, std::vector<Token>* out) {
  static constexpr std::array<std::string_view, 12> kOps = {
      "", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"};
  const Scanner scan(s);
  std::size_t p = scan.skip_space(0);
  for (;;) {
    std::size_t q = p;
    while (q < s.size() && is_op_char(s[q])) ++q;
    const std::string_view op = s.substr(p, q - p);
    bool known = false;
    for (std::string_view k : kOps) known = known || k == op;
    if (!known) return false;
    std::optional<CvMatch> cv = scan.cv(scan.skip_space(q));
    if (!cv) return false;
    out->push_back({op, *cv});
    p = scan.skip_space(cv->end);
    if (p == s.size()) return true;
    if (s[p] == ',') {
      p = scan.skip_space(p + 1);
    } else if (p == cv->end) {
      return false;  // neither a space nor a comma between two constraints
    }
  }
}

bool is_x(std::string_view part) {
  return part == "x" || part == "X" || part == "*";
}

}  // namespace

Constraints Constraints::parse(std::string_view text) {
  Constraints out;
  out.text_ = text;
  const std::string rewritten = rewrite_range(text);
  for (std::string_view segment : split(rewritten, "||")) {
    std::vector<Token> tokens;
    if (!tokenize(segment, &tokens)) {
      throw Error(ErrorCode::kInvalidArgument, "improper constraint: " + std::string(segment));
    }
    std::vector<Term> group;
    for (const Token& t : tokens) {
      Op op = Op::kEqual;
      if (t.op == "!=") op = Op::kNotEqual;
      if (t.op == ">") op = Op::kGreater;
      if (t.op == "<") op = Op::kLess;
      if (t.op == ">=" || t.op == "=>") op = Op::kGreaterEqual;
      if (t.op == "<=" || t.op == "=<") op = Op::kLessEqual;
      if (t.op == "~" || t.op == "~>") op = Op::kTilde;
      if (t.op == "^") op = Op::kCaret;
      // A wildcard or missing part zeroes it and everything after it except the prerelease; the
      // "v" prefix and build metadata are then dropped too.
      const CvMatch& cv = t.cv;
      bool minor_dirty = false;
      bool patch_dirty = false;
      bool dirty = true;
      std::string ver;
      if (is_x(cv.major)) {
        ver = "0.0.0" + std::string(cv.pre);
      } else if (cv.minor.empty() || is_x(cv.minor.substr(1))) {
        minor_dirty = true;
        ver = std::string(cv.major) + ".0.0" + std::string(cv.pre);
      } else if (cv.patch.empty() || is_x(cv.patch.substr(1))) {
        patch_dirty = true;
        ver = std::string(cv.major) + std::string(cv.minor) + ".0" + std::string(cv.pre);
      } else {
        dirty = false;
        ver = segment.substr(cv.begin, cv.end - cv.begin);
      }
      std::optional<Version> con = VersionParser::lenient(ver, nullptr);
      if (!con) throw Error(ErrorCode::kInvalidArgument, "constraint Parser Error");
      group.push_back({op, *std::move(con), dirty, minor_dirty, patch_dirty});
    }
    out.any_of_.push_back(std::move(group));
  }
  return out;
}

bool Constraints::check(const Version& v) const {
  for (const std::vector<Term>& group : any_of_) {
    bool all = true;
    for (const Term& t : group) {
      if (!check_term(t, v)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

// One comparison, following the per-operator functions of Masterminds constraints.go.
bool Constraints::check_term(const Term& t, const Version& v) {
  const Version& c = t.con;
  // A prerelease version never satisfies a comparison against a release version, except "!="
  // without wildcards, which only tests equality.
  const bool pre_excluded = !v.prerelease().empty() && c.prerelease().empty();
  const auto tilde = [&] {
    if (v < c) return false;
    // ~0.0.0, ~x and plain "*" accept everything.
    if (c.major() == 0 && c.minor() == 0 && c.patch() == 0 && !t.minor_dirty && !t.patch_dirty) {
      return true;
    }
    if (v.major() != c.major()) return false;
    return v.minor() == c.minor() || t.minor_dirty;
  };
  switch (t.op) {
    case Op::kNotEqual:
      if (t.dirty) {
        if (pre_excluded) return false;
        if (c.major() != v.major()) return true;
        if (c.minor() != v.minor() && !t.minor_dirty) return true;
        if (t.minor_dirty) return false;
        if (c.patch() != v.patch() && !t.patch_dirty) return true;
        if (t.patch_dirty) {
          if (!v.prerelease().empty() || !c.prerelease().empty()) {
            return compare_prerelease(v.prerelease(), c.prerelease()) != 0;
          }
          return false;
        }
      }
      return !(v == c);
    case Op::kGreater:
      if (pre_excluded) return false;
      if (!t.dirty) return v > c;
      if (v.major() != c.major()) return v.major() > c.major();
      if (t.minor_dirty) return false;                  // >1 needs 2.0.0 or higher
      if (t.patch_dirty) return v.minor() > c.minor();  // >1.1 needs 1.2.0 or higher
      return v > c;                                     // ">x": greater than 0.0.0
    case Op::kLess:
      return !pre_excluded && v < c;
    case Op::kGreaterEqual:
      return !pre_excluded && v >= c;
    case Op::kLessEqual:
      if (pre_excluded) return false;
      if (!t.dirty) return v <= c;
      if (v.major() > c.major()) return false;
      return !(v.major() == c.major() && v.minor() > c.minor() && !t.minor_dirty);
    case Op::kTilde:
      return !pre_excluded && tilde();
    case Op::kEqual:
      if (pre_excluded) return false;
      return t.dirty ? tilde() : v == c;
    case Op::kCaret:
      if (pre_excluded || v < c) return false;
      if (c.major() > 0 || t.minor_dirty) return v.major() == c.major();
      if (v.major() > 0) return false;
      if (c.minor() > 0 || t.patch_dirty) return v.minor() == c.minor();
      if (v.minor() > 0) return false;
      return v.patch() == c.patch();
  }
  return false;
}

}  // namespace ch::semver
