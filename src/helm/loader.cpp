#include "helm/loader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/yamlconv.hpp"
#include "helm/helmignore.hpp"

namespace ch::helm {

namespace stdfs = std::filesystem;

namespace {

[[noreturn]] void invalid(const std::string& msg) {
  throw Error(ErrorCode::kInvalidChart, msg);
}

std::string strip_bom(std::string data) {
  if (data.compare(0, 3, "\xEF\xBB\xBF") == 0) data.erase(0, 3);
  return data;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Go's path.Clean for '/'-separated paths.
std::string clean_path(std::string_view p) {
  if (p.empty()) return ".";
  bool rooted = p[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    auto seg = p.substr(i, j - i);
    if (seg.empty() || seg == ".") {
    } else if (seg == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(seg);
      }
    } else {
      parts.push_back(seg);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += "/";
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

// What Go's http.DetectContentType says about a file that is not gzip; Helm quotes it.
// Helm sniffs a zero-padded 512-byte buffer, so short files look binary.
std::string sniff_content_type(std::string head) {
  head.resize(512, '\0');
  std::string_view s(head);
  struct Sig {
    std::string_view magic;
    std::string_view type;
  };
  static const Sig kSigs[] = {
      {"%PDF-", "application/pdf"},
      {"%!PS-Adobe-", "application/postscript"},
      {"PK\x03\x04", "application/zip"},
      {std::string_view("Rar!\x1A\x07\x00", 7), "application/x-rar-compressed"},
      {"\x89PNG\r\n\x1A\n", "image/png"},
      {"\xFF\xD8\xFF", "image/jpeg"},
      {"GIF87a", "image/gif"},
      {"GIF89a", "image/gif"},
      {"BM", "image/bmp"},
      {"\x1F\x8B\x08", "application/x-gzip"},
  };
  for (const auto& sig : kSigs)
    if (starts_with(s, sig.magic)) return std::string(sig.type);
  size_t ws = 0;
  while (ws < s.size() &&
         (s[ws] == ' ' || s[ws] == '\t' || s[ws] == '\n' || s[ws] == '\r' || s[ws] == '\f'))
    ++ws;
  std::string_view rest = s.substr(ws);
  auto ci_prefix = [&](std::string_view p) {
    if (rest.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(rest[i])) != p[i]) return false;
    return true;
  };
  if (ci_prefix("<?xml")) return "text/xml; charset=utf-8";
  for (std::string_view tag :
       {"<!doctype html", "<html", "<head", "<body", "<script", "<h1", "<p"}) {
    if (ci_prefix(tag) && rest.size() > tag.size() &&
        (rest[tag.size()] == ' ' || rest[tag.size()] == '>'))
      return "text/html; charset=utf-8";
  }
  for (char c : rest) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x08 || b == 0x0B || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F))
      return "application/octet-stream";
  }
  return "text/plain; charset=utf-8";
}

void ensure_gzip(const stdfs::path& file, std::string_view head) {
  if (starts_with(head, "\x1F\x8B\x08")) return;
  std::string name = file.string();
  auto ext = file.extension();
  if (ext == ".yml" || ext == ".yaml")
    invalid("file '" + name + "' seems to be a YAML file, but expected a gzipped archive");
  invalid("file '" + name + "' does not appear to be a gzipped archive; got '" +
          sniff_content_type(std::string(head)) + "'");
}

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// libarchive's message for the last error; it may have none (NULL).
std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unreadable data";
}

ArchivePtr new_reader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  return a;
}

// What one load may still spend, shared by an archive and the subchart archives inside it.
struct Budget {
  std::int64_t decompressed = 0;  // tar stream bytes read from the archives done so far
  int depth = 0;                  // subchart nesting of the chart being loaded
};

[[noreturn]] void too_large_decompressed() {
  invalid("decompressed chart archive is larger than the maximum size " +
          std::to_string(kMaxDecompressedSize) + " (tar headers and subchart archives included)");
}

std::vector<File> read_entries(archive* a, Budget& budget) {
  std::vector<File> files;
  std::int64_t remaining = kMaxArchiveSize;
  std::int64_t entries = 0;
  // The decompressed bytes the tar reader consumed: headers (pax and GNU long names too),
  // contents and padding. Checked after every header, so a stream of empty or skipped entries
  // is bounded as file contents are.
  auto decompressed = [&] { return budget.decompressed + archive_filter_bytes(a, 0); };
  archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) invalid(std::string("invalid chart archive: ") + archive_message(a));
    if (decompressed() > kMaxDecompressedSize) too_large_decompressed();
    if (++entries > kMaxArchiveEntries)
      invalid("chart archive has more than the maximum of " + std::to_string(kMaxArchiveEntries) +
              " entries");
    const char* raw_name = archive_entry_pathname(entry);
    std::string hname = raw_name != nullptr ? raw_name : "";
    if (hname.size() > kMaxPathLength)
      invalid("chart archive entry name of " + std::to_string(hname.size()) +
              " bytes is longer than the maximum " + std::to_string(kMaxPathLength) + ": \"" +
              hname.substr(0, 64) + "...\"");
    auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG || archive_entry_hardlink(entry) != nullptr)
      invalid("chart archive entry \"" + hname + "\" is not a regular file");

    char delim = hname.find('\\') != std::string::npos ? '\\' : '/';
    auto first = hname.find(delim);
    std::string head = hname.substr(0, first);
    std::string n = first == std::string::npos ? "" : hname.substr(first + 1);
    std::replace(n.begin(), n.end(), delim, '/');
    if (!n.empty() && n[0] == '/') invalid("chart illegally contains absolute paths");
    n = clean_path(n);
    if (n == ".")
      invalid("chart illegally contains content outside the base directory: \"" + hname + "\"");
    if (starts_with(n, "..")) invalid("chart illegally references parent directory");
    if (n.size() >= 3 && std::isalpha(static_cast<unsigned char>(n[0])) && n[1] == ':' &&
        n[2] == '/')
      invalid("chart contains illegally named files");
    if (head == "Chart.yaml") invalid("chart yaml not in base directory");

    std::int64_t size = archive_entry_size(entry);
    if (size > remaining)
      invalid("decompressed chart is larger than the maximum file size " +
              std::to_string(kMaxArchiveSize));
    if (size < 0) invalid("chart archive entry \"" + hname + "\" has an invalid size");
    if (size > kMaxFileSize)
      invalid("decompressed chart file \"" + hname + "\" is larger than the maximum file size " +
              std::to_string(kMaxFileSize));
    std::string data;
    data.resize(static_cast<size_t>(size));
    size_t got = 0;
    while (got < data.size()) {
      la_ssize_t k = archive_read_data(a, data.data() + got, data.size() - got);
      if (k < 0) invalid(std::string("invalid chart archive: ") + archive_message(a));
      if (k == 0) break;
      got += static_cast<size_t>(k);
    }
    if (got < data.size()) invalid("invalid chart archive: unexpected EOF in \"" + hname + "\"");
    remaining -= size;
    files.push_back(File{n, strip_bom(std::move(data)), archive_entry_mtime(entry)});
  }
  if (decompressed() > kMaxDecompressedSize) too_large_decompressed();
  budget.decompressed = decompressed();
  if (files.empty()) invalid("no files in chart archive");
  return files;
}

std::vector<File> read_archive_files(std::string_view gz, Budget& budget) {
  if (!starts_with(gz, "\x1F\x8B\x08")) invalid("gzip: invalid header");
  ArchivePtr a = new_reader();
  if (archive_read_open_memory(a.get(), gz.data(), gz.size()) != ARCHIVE_OK)
    invalid(std::string("invalid chart archive: ") + archive_message(a.get()));
  return read_entries(a.get(), budget);
}

std::int64_t rounded_mtime(const struct stat& st) {
  return st.st_mtim.tv_sec + (st.st_mtim.tv_nsec >= 500000000 ? 1 : 0);
}

// Helm's directory walk: sorted names, symlinks followed, .helmignore applied to
// directories (skipping them whole) and files.
void walk(const stdfs::path& abs, const std::string& rel, const IgnoreRules& rules,
          std::set<std::pair<dev_t, ino_t>>& active, std::vector<File>& out) {
  std::vector<std::string> names;
  for (const auto& e : stdfs::directory_iterator(abs))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    stdfs::path p = abs / name;
    std::string n = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) {
      struct stat lst {};
      if (::lstat(p.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
        invalid("error evaluating symlink " + p.string() + ": no such file or directory");
      throw_errno("stat " + p.string());
    }
    if (S_ISDIR(st.st_mode)) {
      if (rules.ignored(n, true)) continue;
      if (!active.insert({st.st_dev, st.st_ino}).second)
        invalid("symbolic link loop at " + p.string());
      walk(p, n, rules, active, out);
      active.erase({st.st_dev, st.st_ino});
      continue;
    }
    if (rules.ignored(n, false)) continue;
    if (!S_ISREG(st.st_mode))
      invalid("cannot load irregular file " + p.string() + " as it has file mode type bits set");
    if (st.st_size > kMaxFileSize)
      invalid("chart file \"" + name + "\" is larger than the maximum file size " +
              std::to_string(kMaxFileSize));
    out.push_back(File{n, strip_bom(fs::read_file(p, kMaxFileSize)), rounded_mtime(st)});
  }
}

void check_values(const File& f) {
  nlohmann::ordered_json v;
  try {
    v = yamlconv::parse(f.data);
  } catch (const Error& e) {
    invalid("cannot load values.yaml: error converting YAML to JSON: yaml: " +
            std::string(e.what()));
  }
  if (!v.is_null() && !v.is_object())
    invalid(
        "cannot load values.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
        "unmarshal " +
        std::string(v.is_array()     ? "array"
                    : v.is_string()  ? "string"
                    : v.is_boolean() ? "bool"
                                     : "number") +
        " into Go value of type map[string]interface {}");
}

Chart load_files(std::vector<File> files, Budget& budget) {
  Chart c;
  bool have_chart_yaml = false;
  for (const auto& f : files) {
    if (f.name != "Chart.yaml") continue;
    have_chart_yaml = true;
    c.metadata.merge_yaml(f.data, "Chart.yaml");
    if (c.metadata.api_version.empty()) c.metadata.api_version = kApiVersionV1;
    c.chart_yaml_mtime = f.mtime;
  }
  std::map<std::string, std::vector<File>> sub;
  for (auto& f : files) {
    c.raw.push_back(f);
    const std::string& n = f.name;
    if (n == "Chart.yaml") continue;
    if (n == "Chart.lock") {
      c.lock = Lock::parse(f.data, "Chart.lock");
    } else if (n == "values.yaml") {
      check_values(f);
      c.values = f;
    } else if (n == "values.schema.json") {
      c.schema = f;
    } else if (n == "requirements.yaml") {
      have_chart_yaml = true;  // Helm creates the metadata here too
      c.metadata.merge_yaml(f.data, "requirements.yaml");
      if (c.metadata.api_version == kApiVersionV1) c.files.push_back(f);
    } else if (n == "requirements.lock") {
      c.lock = Lock::parse(f.data, "requirements.lock");
      have_chart_yaml = true;
      if (c.metadata.api_version == kApiVersionV1) c.files.push_back(f);
    } else if (starts_with(n, "templates/")) {
      c.templates.push_back(f);
    } else if (starts_with(n, "charts/")) {
      if (stdfs::path(n).extension() == ".prov") {
        c.files.push_back(f);
        continue;
      }
      std::string rest = n.substr(7);
      std::string cname = rest.substr(0, rest.find('/'));
      sub[cname].push_back(File{rest, std::move(f.data), f.mtime});
    } else {
      c.files.push_back(f);
    }
  }
  if (!have_chart_yaml) invalid("Chart.yaml file is missing");
  c.metadata.validate();

  for (auto& [cname, sfiles] : sub) {
    if (cname.empty() || cname[0] == '_' || cname[0] == '.') continue;
    try {
      if (budget.depth >= kMaxSubchartDepth)
        invalid("subcharts are nested more than the maximum of " +
                std::to_string(kMaxSubchartDepth) + " levels");
      ++budget.depth;
      if (stdfs::path(cname).extension() == ".tgz") {
        if (sfiles[0].name != cname)
          invalid("error unpacking subchart tar in " + c.name() + ": expected " + cname + ", got " +
                  sfiles[0].name);
        c.subcharts.push_back(load_files(read_archive_files(sfiles[0].data, budget), budget));
      } else {
        std::vector<File> inner;
        for (auto& f : sfiles) {
          auto slash = f.name.find('/');
          if (slash == std::string::npos) continue;
          inner.push_back(File{f.name.substr(slash + 1), std::move(f.data), f.mtime});
        }
        c.subcharts.push_back(load_files(std::move(inner), budget));
      }
      --budget.depth;
    } catch (const Error& e) {
      throw Error(e.code(),
                  "error unpacking subchart " + cname + " in " + c.name() + ": " + e.what());
    }
  }
  return c;
}

}  // namespace

Chart load_files(std::vector<File> files) {
  Budget budget;
  return load_files(std::move(files), budget);
}

std::vector<File> read_archive_files(std::string_view gz) {
  Budget budget;
  return read_archive_files(gz, budget);
}

Chart load_archive(std::string_view gz) {
  Budget budget;
  return load_files(read_archive_files(gz, budget), budget);
}

Chart load_archive_file(const stdfs::path& file) {
  std::error_code ec;
  auto status = stdfs::status(file, ec);
  if (ec || !stdfs::exists(status))
    throw Error(ErrorCode::kNotFound, file.string() + ": no such file");
  if (stdfs::is_directory(status)) invalid("cannot load a directory");
  std::string head(512, '\0');
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw_errno("open " + file.string());
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  ensure_gzip(file, head);
  ArchivePtr a = new_reader();
  if (archive_read_open_filename(a.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    invalid("file '" + file.string() + "' does not appear to be a valid chart file (details: " +
            archive_message(a.get()) + ")");
  Budget budget;
  return load_files(read_entries(a.get(), budget), budget);
}

Chart load_dir(const stdfs::path& dir) {
  stdfs::path top = stdfs::absolute(dir);
  std::error_code ec;
  if (!stdfs::exists(top, ec))
    throw Error(ErrorCode::kNotFound, "stat " + dir.string() + ": no such file or directory");
  IgnoreRules rules;
  stdfs::path ignore_file = top / std::string(kHelmIgnoreFile);
  if (stdfs::exists(ignore_file, ec))
    rules = IgnoreRules::parse(fs::read_file(ignore_file, kMaxFileSize));
  rules.add_defaults();
  std::vector<File> files;
  std::set<std::pair<dev_t, ino_t>> active;
  struct stat st {};
  if (::stat(top.c_str(), &st) == 0) active.insert({st.st_dev, st.st_ino});
  walk(top, "", rules, active, files);
  return load_files(std::move(files));
}

Chart load(const stdfs::path& path) {
  std::error_code ec;
  auto status = stdfs::status(path, ec);
  if (ec || !stdfs::exists(status))
    throw Error(ErrorCode::kNotFound, "path \"" + path.string() + "\" not found");
  if (stdfs::is_directory(status)) return load_dir(path);
  return load_archive_file(path);
}

}  // namespace ch::helm
