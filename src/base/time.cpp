#include "base/time.hpp"

#include <cstdio>
#include <ctime>

namespace ch {

namespace {

std::string format_utc(std::int64_t unix_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string rfc3339_utc(std::int64_t unix_seconds) {
  return format_utc(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string now_rfc3339_utc() {
  return rfc3339_utc(static_cast<std::int64_t>(std::time(nullptr)));
}

std::string rfc3339_local(std::int64_t unix_seconds, long nanos) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (nanos > 0 && nanos < 1000000000) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09ld", nanos);
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  long offset = tm.tm_gmtoff;
  if (offset == 0) return out + "Z";
  char sign = offset < 0 ? '-' : '+';
  offset = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, offset / 3600, (offset % 3600) / 60);
  return out + buf;
}

std::string clf_utc(std::int64_t unix_seconds) {
  return format_utc(unix_seconds, "%d/%b/%Y:%H:%M:%S +0000");
}

}  // namespace ch
