#include "oci/reference.hpp"

#include "base/digest.hpp"
#include "base/error.hpp"

namespace ch::oci {

namespace {

std::string replace_all(std::string s, char from, char to) {
  for (auto& c : s)
    if (c == from) c = to;
  return s;
}

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument,
              "invalid reference: " + why + ": \"" + std::string(text) + "\"");
}

}  // namespace

namespace {

bool alnum_lower(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// One path component: [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*, scanned once.
bool valid_component(std::string_view c) {
  if (c.empty() || !alnum_lower(c.front()) || !alnum_lower(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (alnum_lower(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;  // a separator run between two alphanumerics
    while (j < c.size() && !alnum_lower(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

}  // namespace

bool valid_repository(std::string_view repository) {
  if (repository.empty() || repository.size() > kMaxRepositoryLength) return false;
  size_t start = 0;
  while (true) {
    size_t slash = repository.find('/', start);
    std::string_view component = repository.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!valid_component(component)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(tag.front())) return false;
  for (char c : tag.substr(1))
    if (!word(c) && c != '.' && c != '-') return false;
  return true;
}

std::string version_to_tag(std::string_view version) {
  return replace_all(std::string(version), '+', '_');
}

std::string tag_to_version(std::string_view tag) {
  return replace_all(std::string(tag), '_', '+');
}

Reference Reference::parse(std::string_view text) {
  std::string_view s = text;
  if (s.substr(0, 6) == "oci://") s.remove_prefix(6);
  Reference ref;
  std::string rest(s);
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!Digest::is_valid(ref.digest)) bad(text, "invalid digest \"" + ref.digest + "\"");
  }
  auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size())
    bad(text, "missing registry or repository");
  ref.registry = rest.substr(0, slash);
  std::string path = rest.substr(slash + 1);
  if (auto colon = path.rfind(':'); colon != std::string::npos) {
    ref.tag = version_to_tag(path.substr(colon + 1));
    path.resize(colon);
  }
  ref.repository = path;
  if (!valid_repository(ref.repository)) bad(text, "invalid repository \"" + ref.repository + "\"");
  if (!ref.tag.empty() && !valid_tag(ref.tag)) bad(text, "invalid tag \"" + ref.tag + "\"");
  return ref;
}

std::string Reference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) return out + ":" + tag;
  if (!digest.empty()) return out + "@" + digest;
  return out;
}

}  // namespace ch::oci
