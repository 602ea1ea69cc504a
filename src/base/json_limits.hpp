// Parsing JSON that someone else wrote (a registry, a pusher, a token server) with limits:
// nesting depth is checked by a linear pre-scan before nlohmann's parser runs, so no later
// recursive walk (dump, comparison, conversion) can be driven deep by the sender.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ch {

// Deep enough for every manifest, index, config and Chart.yaml-as-JSON seen in practice
// (they nest 3–6 levels; Helm values converted to JSON rarely pass 20).
inline constexpr std::size_t kMaxJsonDepth = 64;

// True when no array/object in `text` nests deeper than `max_depth` (strings are skipped,
// escapes honoured). Linear; says nothing about whether the text is valid JSON.
bool json_depth_within(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// Parses untrusted JSON. Throws Error(kInvalidArgument) when it is malformed ("invalid JSON:
// ...") or nests deeper than max_depth ("JSON nested deeper than N levels").
nlohmann::json parse_untrusted_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);
nlohmann::ordered_json parse_untrusted_ordered_json(std::string_view text,
                                                    std::size_t max_depth = kMaxJsonDepth);

}  // namespace ch
