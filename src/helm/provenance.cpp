#include "helm/provenance.hpp"

#include "base/error.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/yamlconv.hpp"

namespace ch::helm {

std::string provenance_message(std::string_view metadata_yaml, std::string_view filename,
                               std::string_view archive_sha256_hex) {
  std::string out(metadata_yaml);
  out += "\n...\n";
  nlohmann::ordered_json sums = nlohmann::ordered_json::object();
  sums["files"][std::string(filename)] = "sha256:" + std::string(archive_sha256_hex);
  out += goyaml::json_to_yaml(sums);
  return out;
}

std::map<std::string, std::string> provenance_files(std::string_view plaintext) {
  constexpr std::string_view kSeparator = "\n...\n";
  auto pos = plaintext.find(kSeparator);
  if (pos == std::string_view::npos)
    throw Error(ErrorCode::kInvalidArgument, "message block must have at least two parts");
  std::string_view rest = plaintext.substr(pos + kSeparator.size());
  // Go's bytes.Split: the second part ends at the next separator, if any.
  if (auto next = rest.find(kSeparator); next != std::string_view::npos)
    rest = rest.substr(0, next);
  nlohmann::ordered_json doc;
  try {
    yamlconv::ParseLimits limits;
    limits.max_bytes = kMaxProvenanceSize;
    doc = yamlconv::parse(rest, limits);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("yaml: ") + e.what());
  }
  std::map<std::string, std::string> files;
  if (doc.is_null()) return files;
  if (!doc.is_object())
    throw Error(ErrorCode::kInvalidArgument,
                "error unmarshaling JSON: json: cannot unmarshal the provenance sums: not a map");
  auto it = doc.find("files");
  if (it == doc.end() || it->is_null()) return files;
  if (!it->is_object())
    throw Error(ErrorCode::kInvalidArgument,
                "error unmarshaling JSON: json: cannot unmarshal files into Go struct field "
                "SumCollection.files of type map[string]string");
  for (auto f = it->begin(); f != it->end(); ++f) {
    std::string value;
    if (!f.value().is_null() && !yamlconv::scalar_to_go_string(f.value(), &value))
      throw Error(ErrorCode::kInvalidArgument,
                  "error unmarshaling JSON: json: cannot unmarshal files." + f.key() +
                      " into Go value of type string");
    files[f.key()] = value;
  }
  return files;
}

std::string check_provenance_sum(std::string_view plaintext, std::string_view filename,
                                 std::string_view archive_sha256_hex) {
  std::map<std::string, std::string> files = provenance_files(plaintext);
  std::string sum = "sha256:" + std::string(archive_sha256_hex);
  auto it = files.find(std::string(filename));
  if (it == files.end())
    throw Error(
        ErrorCode::kDigestMismatch,
        "provenance does not contain a SHA for a file named \"" + std::string(filename) + "\"");
  if (it->second != sum)
    throw Error(ErrorCode::kDigestMismatch, "sha256 sum does not match for " +
                                                std::string(filename) + ": \"" + it->second +
                                                "\" != \"" + sum + "\"");
  return sum;
}

bool has_signed_message(std::string_view prov) {
  return prov.find("-----BEGIN PGP SIGNED MESSAGE-----") != std::string_view::npos;
}

namespace {

// Splits at '\n'; a last piece without one counts as a line when not empty.
template <typename F>
void for_each_line(std::string_view text, F f) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    if (!f(text.substr(pos, nl - pos))) return;
    pos = nl + 1;
  }
}

std::string_view trim_right(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<std::string> clear_signed_text(std::string_view prov) {
  enum { kSeek, kHeaders, kText, kDone } state = kSeek;
  std::string out;
  for_each_line(prov, [&](std::string_view raw) {
    std::string_view line = trim_right(raw);
    switch (state) {
      case kSeek:
        if (line == "-----BEGIN PGP SIGNED MESSAGE-----") state = kHeaders;
        return true;
      case kHeaders:
        if (line.empty()) state = kText;
        return true;
      case kText:
        if (line == "-----BEGIN PGP SIGNATURE-----") {
          state = kDone;
          return false;
        }
        if (line.substr(0, 2) == "- ") line.remove_prefix(2);
        out.append(line).push_back('\n');
        return true;
      case kDone:
        return false;
    }
    return false;
  });
  if (state != kDone) return std::nullopt;
  return out;
}

std::string canonical_lines(std::string_view text) {
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    out.append(trim_right(line)).push_back('\n');
    return true;
  });
  return out;
}

bool is_keybox(std::string_view data) {
  return data.size() >= 12 && data.substr(8, 4) == "KBXf";
}

int choose_signing_key(const std::vector<KeyIdentities>& keys, std::string_view name) {
  int candidate = -1;
  bool vague = false;
  for (size_t i = 0; i < keys.size(); ++i) {
    for (const std::string& uid : keys[i].uids) {
      if (uid == name) return static_cast<int>(i);
      if (uid.find(name) != std::string::npos) {
        if (candidate != -1 && candidate != static_cast<int>(i)) vague = true;
        candidate = static_cast<int>(i);
      }
    }
  }
  if (vague)
    throw Error(ErrorCode::kInvalidArgument,
                "more than one key contain the id \"" + std::string(name) + "\"");
  return candidate;
}

}  // namespace ch::helm
