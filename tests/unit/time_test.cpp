// Tests of base/time.cpp: RFC 3339 in UTC and in the local zone (Go's formatting, as Helm
// writes index.yaml and OCI annotations), and the access log's time.
#include "base/time.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdlib>
#include <string>

#include "unit_helpers.hpp"

namespace ch {
namespace {

TEST(Push, CreatedTimeInTheLocalZone) {
  const char* old = std::getenv("TZ");
  std::string saved = old != nullptr ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(rfc3339_local(1714557600), "2024-05-01T10:00:00Z");
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  EXPECT_EQ(rfc3339_local(1714557600), "2024-05-01T12:00:00+02:00");
  setenv("TZ", "America/St_Johns", 1);
  tzset();
  EXPECT_EQ(rfc3339_local(1714557600), "2024-05-01T07:30:00-02:30");
  if (old != nullptr)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

TEST(Push, CreatedTimeHasNoFractionAndZuluOnlyForUtc) {
  {
    testing::ScopedEnv tz("TZ", "UTC");
    tzset();
    EXPECT_EQ(rfc3339_local(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339_local(-1), "1969-12-31T23:59:59Z");
    testing::ScopedEnv india("TZ", "Asia/Kolkata");
    tzset();
    EXPECT_EQ(rfc3339_local(0), "1970-01-01T05:30:00+05:30");
  }
  tzset();  // the process's own zone again
}

TEST(Time, UtcFormats) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_utc(1714557600), "2024-05-01T10:00:00Z");
  EXPECT_EQ(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(clf_utc(1714557600), "01/May/2024:10:00:00 +0000");
  std::string now = now_rfc3339_utc();
  ASSERT_EQ(now.size(), 20u) << now;
  EXPECT_EQ(now.back(), 'Z');
}

TEST(Time, LocalWithNanosecondsAsGoWritesThem) {
  {
    testing::ScopedEnv tz("TZ", "UTC");
    tzset();
    EXPECT_EQ(rfc3339_local(1714557600, 500000000), "2024-05-01T10:00:00.5Z");
    EXPECT_EQ(rfc3339_local(1714557600, 123456789), "2024-05-01T10:00:00.123456789Z");
    EXPECT_EQ(rfc3339_local(1714557600, 1000), "2024-05-01T10:00:00.000001Z");
    EXPECT_EQ(rfc3339_local(1714557600, 0), "2024-05-01T10:00:00Z");
    EXPECT_EQ(rfc3339_local(1714557600, 1000000000), "2024-05-01T10:00:00Z") << "out of range";
    testing::ScopedEnv berlin("TZ", "Europe/Berlin");
    tzset();
    EXPECT_EQ(rfc3339_local(1714557600, 10), "2024-05-01T12:00:00.00000001+02:00");
  }
  tzset();
}

}  // namespace
}  // namespace ch
