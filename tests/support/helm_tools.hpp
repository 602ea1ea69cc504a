// The real Helm release binaries the integration tests run beside charthouse (installed
// into tools/ by scripts/setup). For integration tests only: CH_TOOLS_DIR is theirs.
#pragma once

#include <string>

namespace ch::testing {

inline const std::string kHelm3 = std::string(CH_TOOLS_DIR) + "/helm-3.17.3/helm";
inline const std::string kHelm4 = std::string(CH_TOOLS_DIR) + "/helm-4.1.4/helm";

}  // namespace ch::testing
