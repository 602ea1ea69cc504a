// The one exception type of charthouse: a code for programs and a message for people.
// The CLI prints "Error: <message>" and exits 1; the server maps the code to an OCI error.
#pragma once

#include <stdexcept>
#include <string>

namespace ch {

enum class ErrorCode {
  kInvalidArgument,  // bad input from the user: flags, references, versions, patterns
  kInvalidChart,     // a chart that does not load or validate
  kNotFound,         // a file, chart, tag or blob that does not exist
  kAlreadyExists,    // a destination that must not be overwritten
  kDigestMismatch,   // content whose digest is not the expected one
  kTooLarge,         // content over a size limit
  kIo,               // the operating system refused: open, read, write, rename
  kUnauthorized,     // a registry refused the credentials (401) or the access (403)
  kNetwork,          // a registry could not be reached or answered in a way we cannot use
  kUnavailable,      // a store the server depends on (S3, PostgreSQL) cannot be reached now
  kInternal,         // a bug: an invariant of charthouse itself broke
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message)
      : std::runtime_error(std::move(message)), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Throws Error(kIo) with "<what>: <strerror(errno)>".
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace ch
