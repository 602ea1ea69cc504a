// Semantic versions and version constraints with Helm's semantics (Masterminds/semver v3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::semver {

// A version as Masterminds/semver v3.3.0 models it. Errors are ch::Error(kInvalidArgument)
// carrying Masterminds' own message ("Invalid Semantic Version", ...).
class Version {
 public:
  // Helm's lenient parser (Masterminds NewVersion): accepts "v1.2.3", "1.2", "1", prerelease and
  // build; missing minor/patch become 0; leading zeros in MAJOR.MINOR.PATCH are accepted.
  static Version parse(std::string_view text);  // throws ch::Error
  // Strict parser (StrictNewVersion): exactly MAJOR.MINOR.PATCH[-pre][+build], no "v", no
  // leading zeros.
  static Version parse_strict(std::string_view text);  // throws ch::Error
  static std::optional<Version> try_parse(std::string_view text) noexcept;
  static std::optional<Version> try_parse_strict(std::string_view text) noexcept;

  std::uint64_t major() const { return major_; }
  std::uint64_t minor() const { return minor_; }
  std::uint64_t patch() const { return patch_; }
  const std::string& prerelease() const { return pre_; }     // without '-'
  const std::string& metadata() const { return meta_; }      // without '+'
  const std::string& original() const { return original_; }  // the text as given
  std::string str() const;  // canonical "1.2.3[-pre][+meta]" (Masterminds String())

  int compare(const Version& other) const;  // -1, 0, 1 by semver precedence; metadata ignored
  bool operator==(const Version& o) const { return compare(o) == 0; }
  bool operator<(const Version& o) const { return compare(o) < 0; }
  bool operator>(const Version& o) const { return compare(o) > 0; }
  bool operator<=(const Version& o) const { return compare(o) <= 0; }
  bool operator>=(const Version& o) const { return compare(o) >= 0; }

 private:
  Version() = default;
  friend struct VersionParser;

  std::uint64_t major_ = 0;
  std::uint64_t minor_ = 0;
  std::uint64_t patch_ = 0;
  std::string pre_;
  std::string meta_;
  std::string original_;
};

// A set of constraints: an OR of AND-groups of single comparisons, checked like Masterminds
// Constraints.Check (a prerelease version only satisfies a comparison whose own version has a
// prerelease part).
class Constraints {
 public:
  // Masterminds NewConstraint: = != > < >= <= => =< ~ ~> ^, wildcards x X *, hyphen ranges
  // "1.2 - 1.4.5", comma or space separated AND, "||" OR. Throws ch::Error on bad input.
  static Constraints parse(std::string_view text);
  bool check(const Version& v) const;               // Masterminds Check (prerelease rules included)
  const std::string& str() const { return text_; }  // the original text

 private:
  enum class Op { kEqual, kNotEqual, kGreater, kLess, kGreaterEqual, kLessEqual, kTilde, kCaret };
  struct Term {
    Op op;
    Version con;  // the version compared against, wildcards replaced by 0
    bool dirty;   // some part was a wildcard or missing
    bool minor_dirty;
    bool patch_dirty;
  };
  static bool check_term(const Term& t, const Version& v);

  Constraints() = default;
  std::vector<std::vector<Term>> any_of_;  // OR of AND-groups
  std::string text_;
};

}  // namespace ch::semver
