// Go's path/filepath.Match on '/'-separated paths: '*' and '?' never cross '/', character
// classes with '^' negation and ranges, '\\' escapes. Used for .helmignore and chart globs.
#pragma once

#include <string_view>

namespace ch {

// Returns whether `name` matches `pattern`. Throws Error(kInvalidArgument,
// "syntax error in pattern") for a malformed pattern, like Go's ErrBadPattern.
bool go_match(std::string_view pattern, std::string_view name);

// Whether the whole pattern is well-formed.
bool go_pattern_valid(std::string_view pattern);

}  // namespace ch
