#include "base/error.hpp"

#include <cerrno>
#include <cstring>

namespace ch {

void throw_errno(const std::string& what) {
  int err = errno;
  throw Error(ErrorCode::kIo, what + ": " + std::strerror(err));
}

}  // namespace ch
