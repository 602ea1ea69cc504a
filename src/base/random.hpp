// Random strings, in one place: secrets and identifiers from OpenSSL's CSPRNG, and cheap
// unique suffixes for temporary file names.
#pragma once

#include <cstddef>
#include <string>

namespace ch {

// 2*bytes lowercase hex characters from RAND_bytes (tokens, secrets, JWT ids). Throws
// Error(kInternal) when OpenSSL has no randomness.
std::string random_hex(std::size_t bytes);

// A version 4 UUID in its hyphenated form (upload session ids), from RAND_bytes.
std::string random_uuid();

// `chars` lowercase hex characters from a per-thread PRNG: unique names for temporary
// files, never secrets.
std::string temp_suffix(std::size_t chars);

}  // namespace ch
