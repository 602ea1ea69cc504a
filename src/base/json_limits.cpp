#include "base/json_limits.hpp"

#include <string>

#include "base/error.hpp"

namespace ch {

bool json_depth_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return false;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

namespace {

template <typename Json>
Json parse_limited(std::string_view text, std::size_t max_depth) {
  if (!json_depth_within(text, max_depth))
    throw Error(ErrorCode::kInvalidArgument,
                "invalid JSON: nested deeper than " + std::to_string(max_depth) + " levels");
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace

nlohmann::json parse_untrusted_json(std::string_view text, std::size_t max_depth) {
  return parse_limited<nlohmann::json>(text, max_depth);
}

nlohmann::ordered_json parse_untrusted_ordered_json(std::string_view text, std::size_t max_depth) {
  return parse_limited<nlohmann::ordered_json>(text, max_depth);
}

}  // namespace ch
