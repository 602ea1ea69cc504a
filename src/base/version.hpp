// The version of charthouse, from the project version in CMakeLists.txt (one place), and
// the User-Agent the client sends.
#pragma once

#include <string_view>

#ifndef CH_VERSION
#error "CH_VERSION is defined by CMakeLists.txt for every target that links ch_core"
#endif

namespace ch {

inline constexpr std::string_view kVersion = CH_VERSION;                  // "0.1.0"
inline constexpr std::string_view kUserAgent = "charthouse/" CH_VERSION;  // HTTP User-Agent

}  // namespace ch
