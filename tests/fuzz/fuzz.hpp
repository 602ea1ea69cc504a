// Shared by the libFuzzer harnesses of tests/fuzz: the input as text, the one exception a
// parser of untrusted input may throw (ch::Error: a correct refusal), and cheap oracles.
//
// Anything else surfaces as a crash that libFuzzer records: sanitizer reports, signals,
// timeouts, out-of-memory, an oracle that fails (CH_FUZZ_CHECK traps), and any exception other
// than ch::Error escaping the parser (the callers -- CLI, server handlers -- only map ch::Error
// to a clean message or an OCI error, so e.g. a nlohmann::json::type_error escaping is a bug).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <tuple>
#include <typeinfo>
#include <utility>

#include "base/error.hpp"

namespace ch::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// CH_FUZZ_ALLOW_EXCEPTIONS=1 in the environment counts every std::exception as a refusal, to
// fuzz past a known exception-escape bug until it is fixed.
inline bool allow_exceptions() {
  static const bool allow = [] {
    const char* v = std::getenv("CH_FUZZ_ALLOW_EXCEPTIONS");
    return v != nullptr && v[0] == '1';
  }();
  return allow;
}

// Runs f(). Returns true when it refused the input with ch::Error, false when it returned.
// Aborts (a crash for libFuzzer) on any other exception, naming its type.
template <class F>
bool refuses(F&& f) {
  try {
    f();
    return false;
  } catch (const ch::Error&) {
    return true;
  } catch (const std::exception& e) {
    if (allow_exceptions()) return true;
    std::fprintf(stderr, "==ch-fuzz== unexpected exception %s: %s\n", typeid(e).name(), e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "==ch-fuzz== unexpected non-std exception\n");
    std::abort();
  }
}

// Splits `s` at the first occurrence of `sep`: the part before, and the rest (empty when absent).
// Take the parts with std::tie, not a structured binding: clang 14 cannot capture bindings in
// the lambdas passed to refuses().
inline std::pair<std::string_view, std::string_view> split_once(std::string_view s, char sep) {
  auto i = s.find(sep);
  if (i == std::string_view::npos) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

}  // namespace ch::fuzz

// An oracle: traps (a crash libFuzzer records with the input) when `cond` is false.
#define CH_FUZZ_CHECK(cond)                                                                       \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "==ch-fuzz== oracle failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      __builtin_trap();                                                                           \
    }                                                                                             \
  } while (0)
