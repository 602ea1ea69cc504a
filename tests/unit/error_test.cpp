// Tests of base/error.cpp: throw_errno's code and message.
#include "base/error.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace ch {
namespace {

TEST(Error, ThrowErrnoIsAnIoErrorWithStrerror) {
  for (const auto& [err, text] : {std::pair<int, const char*>{ENOENT, "No such file or directory"},
                                  {EACCES, "Permission denied"},
                                  {ENOSPC, "No space left on device"}}) {
    errno = err;
    try {
      throw_errno("open /x");
      FAIL() << "no exception";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIo);
      EXPECT_EQ(std::string(e.what()), std::string("open /x: ") + text);
    }
  }
}

TEST(Error, CarriesItsCodeAndIsARuntimeError) {
  try {
    throw Error(ErrorCode::kDigestMismatch, "digest mismatch");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "digest mismatch");
    const auto* error = dynamic_cast<const Error*>(&e);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->code(), ErrorCode::kDigestMismatch);
  }
}

}  // namespace
}  // namespace ch
