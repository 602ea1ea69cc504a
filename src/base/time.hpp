// Time stamps as the formats charthouse writes need them: RFC 3339 in UTC (tokens, index
// entries, bundle annotations), RFC 3339 in local time with the zone offset and optional
// nanoseconds (what Go's time.Time marshals to, as Helm writes index.yaml and OCI
// annotations), and the access log's Common Log Format.
#pragma once

#include <cstdint>
#include <string>

namespace ch {

// "2006-01-02T15:04:05Z".
std::string rfc3339_utc(std::int64_t unix_seconds);
std::string now_rfc3339_utc();

// "2006-01-02T15:04:05-07:00" ("Z" for UTC), local time; `nanos` (0..999999999) adds a
// fraction without trailing zeros, as Go's RFC3339Nano does.
std::string rfc3339_local(std::int64_t unix_seconds, long nanos = 0);

// "02/Jan/2006:15:04:05 +0000", UTC.
std::string clf_utc(std::int64_t unix_seconds);

}  // namespace ch
