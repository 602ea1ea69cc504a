#include "helm/archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/file.hpp"
#include "base/pgzip.hpp"

namespace ch::helm {

namespace stdfs = std::filesystem;

namespace {

// RFC 1952 extra subfield 'r','r' carrying the bytes Helm has always put in its header
// (the form Helm 4.2.4+ writes; older Helm wrote the same payload without a subfield).
constexpr std::string_view kExtraPayload = "aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo=";

GzipHeader helm_gzip_header() {
  GzipHeader h;
  h.extra = std::string("rr") + static_cast<char>(kExtraPayload.size()) + '\0' +
            std::string(kExtraPayload);
  h.comment = "Helm";
  h.os = 255;
  return h;
}

struct WriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};

la_ssize_t on_write(archive*, void* ctx, const void* buf, size_t n) {
  auto* gz = static_cast<ParallelGzip*>(ctx);
  try {
    gz->write(std::string_view(static_cast<const char*>(buf), n));
  } catch (...) {
    return -1;
  }
  return static_cast<la_ssize_t>(n);
}

// Parses an RFC 3339 time ("2024-05-01T10:00:00.123+02:00") to Unix seconds, rounded to
// the nearest second as Go's tar writer does. Returns 0 when it does not parse.
std::int64_t rfc3339_seconds(const std::string& s) {
  int y, mo, d, h, mi, sec;
  char t;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &t, &h, &mi, &sec,
                  &consumed) != 7)
    return 0;
  size_t i = static_cast<size_t>(consumed);
  bool round_up = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    round_up = i < s.size() && s[i] >= '5' && s[i] <= '9';
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  long offset = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return 0;
    offset = (oh * 3600L + om * 60L) * (s[i] == '-' ? -1 : 1);
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm)) - offset + (round_up ? 1 : 0);
}

class TarWriter {
 public:
  TarWriter(ParallelGzip& gz, const ArchiveOptions& opts) : opts_(opts), a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_.get());
    archive_write_set_bytes_per_block(a_.get(), 10240);
    archive_write_set_bytes_in_last_block(a_.get(), 1);
    if (archive_write_open(a_.get(), &gz, nullptr, on_write, nullptr) != ARCHIVE_OK) fail();
  }

  void add(const std::string& name, std::string_view body, std::int64_t mtime) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                               archive_entry_free);
    std::int64_t t =
        opts_.source_date_epoch ? *opts_.source_date_epoch : (mtime != 0 ? mtime : opts_.now);
    archive_entry_set_pathname_utf8(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(body.size()));
    archive_entry_set_mtime(e.get(), static_cast<time_t>(t), 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) fail();
    if (!body.empty() && archive_write_data(a_.get(), body.data(), body.size()) !=
                             static_cast<la_ssize_t>(body.size()))
      fail();
  }

  void close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) fail();
  }

 private:
  [[noreturn]] void fail() {
    const char* msg = archive_error_string(a_.get());
    throw Error(ErrorCode::kIo,
                std::string("writing chart archive: ") + (msg ? msg : "unknown error"));
  }
  const ArchiveOptions& opts_;
  std::unique_ptr<archive, WriterDeleter> a_;
};

void check_name(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    throw Error(ErrorCode::kInvalidChart, "chart name \"" + name + "\" is invalid");
}

void write_contents(TarWriter& tar, const Chart& c, const std::string& prefix) {
  check_name(c.name());
  const std::string base = prefix + c.name() + "/";
  const bool v1 = c.metadata.api_version == kApiVersionV1;
  tar.add(base + "Chart.yaml", c.metadata.to_yaml(!v1), c.chart_yaml_mtime);
  if (c.metadata.api_version == kApiVersionV2 && c.lock)
    tar.add(base + "Chart.lock", c.lock->to_yaml(), rfc3339_seconds(c.lock->generated));
  if (c.values) tar.add(base + "values.yaml", c.values->data, c.values->mtime);
  if (c.schema) {
    if (!nlohmann::json::accept(c.schema->data))
      throw Error(ErrorCode::kInvalidChart, "Invalid JSON in values.schema.json");
    tar.add(base + "values.schema.json", c.schema->data, c.schema->mtime);
  }
  for (const auto& f : c.templates) tar.add(base + f.name, f.data, f.mtime);
  for (const auto& f : c.files) tar.add(base + f.name, f.data, f.mtime);
  for (const auto& sub : c.subcharts) write_contents(tar, sub, base + "charts/");
}

}  // namespace

std::optional<std::int64_t> source_date_epoch_from_env() {
  const char* v = std::getenv("SOURCE_DATE_EPOCH");
  if (v == nullptr || *v == '\0') return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0' || n < 0)
    throw Error(ErrorCode::kInvalidArgument, std::string("invalid SOURCE_DATE_EPOCH: \"") + v +
                                                 "\" is not a non-negative integer");
  return n;
}

void write_archive(const Chart& chart, const std::function<void(std::string_view)>& sink,
                   const ArchiveOptions& options) {
  ParallelGzip gz(sink, helm_gzip_header());
  TarWriter tar(gz, options);
  write_contents(tar, chart, "");
  tar.close();
  gz.finish();
}

stdfs::path save_archive(const Chart& chart, const stdfs::path& out_dir,
                         const ArchiveOptions& options) {
  check_name(chart.name());
  std::error_code ec;
  if (!stdfs::exists(out_dir, ec)) {
    stdfs::create_directories(out_dir, ec);
    if (ec) throw Error(ErrorCode::kIo, "mkdir " + out_dir.string() + ": " + ec.message());
  } else if (!stdfs::is_directory(out_dir, ec)) {
    throw Error(ErrorCode::kInvalidArgument, "is not a directory: " + out_dir.string());
  }
  stdfs::path dest = out_dir / (chart.name() + "-" + chart.metadata.version + ".tgz");
  fs::AtomicFile file(dest, 0644);
  write_archive(
      chart, [&](std::string_view d) { file.write(d); }, options);
  file.commit();
  return dest;
}

}  // namespace ch::helm
