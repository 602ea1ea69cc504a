#include "oci/reference.hpp"

#include <regex>

#include "core/digest.hpp"
#include "core/error.hpp"

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

bool valid_repository(std::string_view repository) {
  static const std::regex kRepo(
      "^[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*)*$");
  return std::regex_match(repository.begin(), repository.end(), kRepo);
}

bool valid_tag(std::string_view tag) {
  static const std::regex kTag("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
  return std::regex_match(tag.begin(), tag.end(), kTag);
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
