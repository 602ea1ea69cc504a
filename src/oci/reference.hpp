// oci:// references as Helm parses and prints them (spec helm-oci.md §2.1–2.2):
// registry/repository[:tag][@digest], '+' in tags written as '_'.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ch::oci {

struct Reference {
  std::string registry;    // host[:port]
  std::string repository;  // lowercase path components
  std::string tag;         // may be empty; '_' form
  std::string digest;      // "sha256:<hex>" or empty

  // Parses "oci://host/repo[:tag][@digest]" (the oci:// prefix is optional). Throws
  // Error(kInvalidArgument) naming the invalid part.
  static Reference parse(std::string_view text);

  // What Helm prints after Pushed:/Pulled:: registry/repository:tag when a tag exists,
  // else registry/repository@digest. No scheme.
  std::string str() const;
};

// The longest repository name accepted (distribution's limit).
inline constexpr std::size_t kMaxRepositoryLength = 255;

// The OCI name and tag grammars, checked by one linear scan (they run on input from
// clients before authentication, so no regular expression and no backtracking).
bool valid_repository(std::string_view repository);
bool valid_tag(std::string_view tag);

// Chart version <-> OCI tag: '+' is not allowed in tags, so Helm writes '_'.
std::string version_to_tag(std::string_view version);
std::string tag_to_version(std::string_view tag);

}  // namespace ch::oci
