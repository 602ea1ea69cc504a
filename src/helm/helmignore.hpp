// .helmignore rules exactly as Helm evaluates them (not gitignore): basename, path and
// root-anchored patterns, trailing '/' for directories, and Helm's '!' negation, which
// ignores every path that does NOT match.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ch::helm {

inline constexpr std::string_view kHelmIgnoreFile = ".helmignore";

class IgnoreRules {
 public:
  // Parses a .helmignore body. Throws Error(kInvalidChart) for "**" or a malformed pattern.
  static IgnoreRules parse(std::string_view text);

  // Appends Helm's default rule "templates/.?*" (hidden files under templates/).
  void add_defaults();

  // Whether the chart-relative, '/'-separated path is ignored. An ignored directory is
  // skipped with everything under it.
  bool ignored(std::string_view path, bool is_dir) const;

 private:
  struct Pattern {
    std::string glob;  // without '!', trailing '/' and leading '/'
    bool negate = false;
    bool must_dir = false;
    enum class Kind { kBasename, kPath } kind = Kind::kBasename;
  };
  void add(std::string_view rule);
  std::vector<Pattern> patterns_;
};

}  // namespace ch::helm
