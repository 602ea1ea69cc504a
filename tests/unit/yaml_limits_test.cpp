// Tests for the limits on what hostile YAML may cost (ch::yamlconv::parse: yaml.v2's alias
// budget, self-containing anchors, nesting depth, document size, maps of many keys), for the
// equivalence of the new event-based parse with the former YAML::Load + recursive conversion
// on real charts, and for the linear matchers that replaced std::regex in chart metadata and
// lint. Boundaries marked "helm 3.17.3" were found by bisecting `helm show values` of the same
// documents with the real binary.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "helm/metadata.hpp"
#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/goyaml.hpp"
#include "gocompat/yamlconv.hpp"

// The matchers live in the .cpp files they serve; these are their definitions' declarations.
namespace ch::helm::metadata_detail {
bool is_valid_alias(std::string_view s);
}
namespace ch::helm::lint_detail {
bool is_request_url(std::string_view s);
bool is_email(std::string_view s);
bool is_url(std::string_view s);
}  // namespace ch::helm::lint_detail

namespace ch::yamlconv {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::ordered_json;

// ---- The former implementation, kept as the reference for equivalence ----------------------

bool legacy_parse_go_int(std::string_view s, long long* out) {
  std::string t;
  for (char c : s)
    if (c != '_') t.push_back(c);
  if (t.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    i = 1;
  }
  int base = 10;
  if (t.size() - i > 1 && t[i] == '0') {
    char p = static_cast<char>(t[i + 1] | 0x20);
    if (p == 'x') {
      base = 16;
      i += 2;
    } else if (p == 'o') {
      base = 8;
      i += 2;
    } else if (p == 'b') {
      base = 2;
      i += 2;
    } else {
      base = 8;
      i += 1;
    }
  }
  if (i >= t.size()) return false;
  unsigned long long v = 0;
  auto [ptr, ec] = std::from_chars(t.data() + i, t.data() + t.size(), v, base);
  if (ec != std::errc() || ptr != t.data() + t.size()) return false;
  if (!neg && v > static_cast<unsigned long long>(INT64_MAX)) return false;
  if (neg && v > static_cast<unsigned long long>(INT64_MAX) + 1) return false;
  *out = neg ? static_cast<long long>(0 - v) : static_cast<long long>(v);
  return true;
}

json legacy_scalar_value(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "?") return json(s);
  switch (goyaml::resolve_plain(s)) {
    case goyaml::Tag::kNull:
      return json(nullptr);
    case goyaml::Tag::kBool: {
      static const char* kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                    "True", "TRUE", "on",  "On",  "ON"};
      for (const char* t : kTrue)
        if (s == t) return json(true);
      return json(false);
    }
    case goyaml::Tag::kInt: {
      long long v = 0;
      if (legacy_parse_go_int(s, &v)) return json(v);
      return json(std::strtod(s.c_str(), nullptr));
    }
    case goyaml::Tag::kFloat: {
      std::string t;
      for (char c : s)
        if (c != '_') t.push_back(c);
      if (t == ".nan" || t == ".NaN" || t == ".NAN") return json(std::nan(""));
      if (t.find("inf") != std::string::npos || t.find("Inf") != std::string::npos ||
          t.find("INF") != std::string::npos)
        return json(t[0] == '-' ? -HUGE_VAL : HUGE_VAL);
      return json(std::strtod(t.c_str(), nullptr));
    }
    default:
      return json(s);
  }
}

std::string legacy_key_string(const YAML::Node& k) {
  if (!k.IsScalar()) throw Error(ErrorCode::kInvalidArgument, "unsupported map key type");
  json v = legacy_scalar_value(k);
  std::string out;
  if (v.is_null()) return "null";
  if (scalar_to_go_string(v, &out)) return out;
  return k.Scalar();
}

json legacy_convert(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      return legacy_scalar_value(n);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : n) arr.push_back(legacy_convert(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : n) obj[legacy_key_string(kv.first)] = legacy_convert(kv.second);
      return obj;
    }
  }
  return json(nullptr);
}

json legacy_parse(std::string_view yaml) {
  try {
    return legacy_convert(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::kInvalidArgument, e.what());
  }
}

// "ok:<json>" or "error:<message>", for comparing outcomes.
template <typename F>
std::string outcome(F&& parse_fn, std::string_view yaml) {
  try {
    return "ok:" + parse_fn(yaml).dump();
  } catch (const Error& e) {
    return std::string("error:") + e.what();
  }
}

std::string error_of(std::string_view yaml, const ParseLimits& limits = {}) {
  try {
    parse(yaml, limits);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

// ---- Hostile documents -----------------------------------------------------------------------

// `levels` anchors, each a sequence of `fan` aliases of the one before: fan^levels nodes.
std::string laughs(int levels, int fan) {
  std::string s = "a0: &a0 \"lol\"\n";
  for (int i = 1; i <= levels; ++i) {
    s += std::string("a") + std::to_string(i) + std::string(": &a") + std::to_string(i) + " [";
    for (int j = 0; j < fan; ++j) s += (j ? ",*a" : "*a") + std::to_string(i - 1);
    s += "]\n";
  }
  return s;
}

// The shapes bisected against helm 3.17.3 (the same generators as the ones used there).
std::string shape(std::string_view name, int k, int m) {
  std::string s;
  auto aliases = [&](std::string_view item) {
    std::string out;
    for (int i = 0; i < m; ++i) out += std::string(i ? "," : "") + std::string(item);
    return out;
  };
  if (name == "seq") {
    s = "a: &a [";
    for (int i = 0; i < k; ++i) s += (i ? "," : "") + std::to_string(i);
    return s + "]\nb: [" + aliases("*a") + "]\n";
  }
  std::string map = "a: &a {";
  for (int i = 0; i < k; ++i)
    map += (i ? "," : "") + (std::string("x") + std::to_string(i)) + std::string(": ") +
           std::to_string(i);
  map += "}\n";
  if (name == "map") return map + "b: [" + aliases("*a") + "]\n";
  if (name == "merge") return map + "b: {<<: [" + aliases("*a") + "]}\n";
  if (name == "mergemap") return map + "b: [" + aliases("{<<: *a}") + "]\n";
  // "nested": k levels of m aliases each.
  s = "l0: &l0 \"x\"\n";
  for (int i = 1; i <= k; ++i) {
    std::string prev = std::string("*l") + std::to_string(i - 1);
    s += std::string("l") + std::to_string(i) + std::string(": &l") + std::to_string(i) + " [" +
         aliases(prev) + "]\n";
  }
  return s;
}

TEST(YamlLimits, BillionLaughsIsRefusedLikeHelm) {
  // 9 levels of 9: 387 million scalars once expanded; the former conversion ran out of memory.
  std::string bomb = laughs(9, 9);
  EXPECT_LT(bomb.size(), 500u);
  EXPECT_EQ(error_of(bomb), "document contains excessive aliasing");
  // The same bomb nested inside an otherwise ordinary document.
  std::string nested = "image:\n  tag: x\nextra:\n  bomb:\n";
  std::string line;
  for (char c : bomb) {
    line += c;
    if (c == '\n') {
      nested += "    " + line;
      line.clear();
    }
  }
  EXPECT_EQ(error_of(nested), "document contains excessive aliasing");
  // Wide instead of deep: 2 levels of 2000.
  EXPECT_EQ(error_of(laughs(2, 2000)), "document contains excessive aliasing");
}

TEST(YamlLimits, AliasBudgetBoundariesMatchHelm) {
  struct Case {
    const char* shape;
    int k;
    int last_ok;  // the largest m helm 3.17.3 accepts
  };
  const Case cases[] = {
      {"seq", 99, 3965},      {"seq", 9, 66121}, {"map", 20, 10862}, {"merge", 49, 4009},
      {"mergemap", 30, 7752}, {"nested", 3, 12}, {"nested", 2, 101},
  };
  for (const auto& c : cases) {
    std::string ok = shape(c.shape, c.k, c.last_ok);
    std::string bad = shape(c.shape, c.k, c.last_ok + 1);
    EXPECT_EQ(error_of(ok), "") << c.shape << " k=" << c.k << " m=" << c.last_ok;
    EXPECT_EQ(error_of(bad), "document contains excessive aliasing")
        << c.shape << " k=" << c.k << " m=" << c.last_ok + 1;
  }
  // Accepted documents still expand their aliases as before.
  json v = parse(shape("seq", 3, 4));
  EXPECT_EQ(v["b"].dump(), "[[0,1,2],[0,1,2],[0,1,2],[0,1,2]]");
  EXPECT_EQ(parse(shape("merge", 5, 7)), legacy_parse(shape("merge", 5, 7)));
  EXPECT_EQ(parse(shape("nested", 3, 12)), legacy_parse(shape("nested", 3, 12)));
}

TEST(YamlLimits, SmallDocumentsMayAliasFreely) {
  // yaml.v2 only judges documents of more than 1000 decoded nodes and 100 alias expansions:
  // a small document that is all aliases passes.
  EXPECT_EQ(error_of(laughs(2, 20)), "");
  EXPECT_EQ(parse(laughs(2, 20)), legacy_parse(laughs(2, 20)));
}

TEST(YamlLimits, AnchorsContainingThemselvesAreRefusedLikeHelm) {
  // helm 3.17.3: "yaml: anchor 'a' value contains itself"; the former conversion recursed
  // until the stack overflowed.
  EXPECT_EQ(error_of("a: &a [*a]\n"), "anchor 'a' value contains itself");
  EXPECT_EQ(error_of("a: &a {b: *a}\n"), "anchor 'a' value contains itself");
  EXPECT_EQ(error_of("x: &outer\n  y: [1, {z: *outer}]\n"), "anchor 'outer' value contains itself");
  EXPECT_EQ(error_of("&root [1, 2, [3, *root]]\n"), "anchor 'root' value contains itself");
  // An alias of an enclosing anchor that is complete is fine.
  EXPECT_EQ(parse("a: &a [1]\nb: [*a, *a]\n").dump(), R"({"a":[1],"b":[[1],[1]]})");
  // A redefined anchor: aliases see the latest definition, as in yaml.v2.
  EXPECT_EQ(parse("a: &x 1\nb: &x 2\nc: *x\n").dump(), R"({"a":1,"b":2,"c":2})");
}

TEST(YamlLimits, UnknownAnchorsAreParseErrors) {
  EXPECT_NE(error_of("a: *nope\n").find("the referenced anchor is not defined"), std::string::npos);
}

// Chained anchors: each level nests `per` sequences around an alias of the level before, so the
// expanded depth grows by `per` per level while the text stays under yaml-cpp's own limit.
std::string deep_chain(int levels, int per) {
  std::string s = "l0: &l0 " + std::string(per, '[') + "x" + std::string(per, ']') + "\n";
  for (int i = 1; i < levels; ++i)
    s += std::string("l") + std::to_string(i) + std::string(": &l") + std::to_string(i) + " " +
         std::string(per, '[') + "*l" + std::to_string(i - 1) + std::string(per, ']') + "\n";
  return s;
}

int depth_of(const json& v) {
  int d = 0;
  const json* p = &v;
  while (p->is_array() && !p->empty()) {
    ++d;
    p = &(*p)[0];
  }
  return d;
}

TEST(YamlLimits, ExpandedDepthIsBounded) {
  // The root map and 25 levels of 40 sequences: 1,001 nested collections once expanded (the
  // former recursive conversion spent stack on each, and so does every later copy or dump).
  EXPECT_EQ(error_of(deep_chain(25, 40)), "exceeded max depth of 1000");
  // The root map and 27 levels of 37: exactly 1,000, accepted.
  json v = parse(deep_chain(27, 37));
  EXPECT_EQ(depth_of(v["l26"]), 999);
  // Deeper chains stop at the limit too, long before yaml.v2's alias budget would.
  EXPECT_EQ(error_of(deep_chain(25, 400)), "exceeded max depth of 1000");
  // The limit can be lowered per call.
  ParseLimits small;
  small.max_depth = 3;
  EXPECT_EQ(error_of("a: [[[1]]]\n", small), "exceeded max depth of 3");
  EXPECT_EQ(error_of("a: [[1]]\n", small), "");
}

TEST(YamlLimits, DeepTextIsAParseError) {
  // yaml-cpp 0.7 itself stops at 500 levels (its DepthGuard) with "bad file"; the message now
  // says what happened. 100,000 levels of flow sequences, flow maps and block sequences.
  for (const std::string& doc : {std::string(100000, '[') + std::string(100000, ']'),
                                 [] {
                                   std::string s;
                                   for (int i = 0; i < 100000; ++i) s += "{a: ";
                                   return s + std::string(100000, '}');
                                 }(),
                                 [] {
                                   std::string s;
                                   for (int i = 0; i < 100000; ++i) s += "- ";
                                   return s + "x";
                                 }()}) {
    std::string e = error_of(doc);
    EXPECT_NE(e.find("exceeded max depth of 499"), std::string::npos) << e;
  }
  // 400 levels parse.
  EXPECT_EQ(depth_of(parse(std::string(400, '[') + std::string(400, ']'))), 399);
}

TEST(YamlLimits, DocumentSizeIsBounded) {
  ParseLimits limits;
  limits.max_bytes = 64;
  std::string doc = "k: " + std::string(61, 'v');
  ASSERT_EQ(doc.size(), 64u);
  EXPECT_EQ(error_of(doc, limits), "");
  EXPECT_EQ(error_of(doc + "v", limits), "document of 65 bytes is larger than the maximum size 64");
  EXPECT_EQ(ParseLimits{}.max_bytes, 256u * 1024 * 1024);
}

TEST(YamlLimits, MapsOfManyKeysAreLinear) {
  // 300,000 keys (3.6 MB, under the 5 MiB chart file limit); ordered_json's operator[] searches
  // linearly, which made this quadratic. Repeated keys keep their first place and last value.
  std::string doc;
  const int n = 300000;
  for (int i = 0; i < n; ++i)
    doc += std::string("k") + std::to_string(i) + std::string(": ") + std::to_string(i) + "\n";
  doc += "k7: seven\nk299999: last\n";
  json v = parse(doc);
  ASSERT_EQ(v.size(), static_cast<size_t>(n));
  const auto& obj = v.get_ref<const json::object_t&>();
  EXPECT_EQ(obj.front().first, "k0");
  EXPECT_EQ(v["k7"], "seven");
  EXPECT_EQ((obj.begin() + 7)->first, "k7");
  EXPECT_EQ(v["k299999"], "last");
  EXPECT_EQ(obj.back().first, "k299999");
}

TEST(YamlLimits, RepeatedKeysBehaveAsBefore) {
  for (int n : {3, 15, 16, 17, 40}) {
    std::string doc;
    for (int i = 0; i < n; ++i)
      doc +=
          std::string("k") + std::to_string(i % 5 == 4 ? 0 : i) + ": " + std::to_string(i) + "\n";
    doc += "k1: {a: 1, a: 2}\nk2: [1]\nk2: [2]\n";
    EXPECT_EQ(parse(doc), legacy_parse(doc)) << doc;
  }
}

TEST(YamlLimits, OrdinaryDocumentsParseAsBefore) {
  const char* docs[] = {
      "",
      "# only a comment\n",
      "---\n",
      "--- 1\n--- 2\n",
      "a: 1\n",
      "null",
      "~",
      "[1, 2, three]",
      "a: &a 1\nb: *a\n",
      "a: &a {x: 1, y: [1, 2]}\nb: *a\nc: [*a, *a]\n",
      "base: &base {x: 1, y: 2}\nderived:\n  <<: *base\n  y: 3\n",
      "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n",
      "? &k key\n: v\n*k : w\n",
      "a: !!str 1\nb: '2'\nc: \"3\"\nd: !custom 4\ne: !!int 5\nf: 0x1F\ng: 1e3\nh: .inf\n",
      "a:\nb: ~\nc: null\nd: Null\ne: ''\nf: !!null x\n",
      "1: one\ntrue: yes\n1.5: x\n0o17: y\n~: z\n",
      "a: |\n  literal\n  text\nb: >\n  folded\n  text\n",
      "list:\n- a\n- b:\n    c: d\n- - nested\n  - seq\n",
      "a: [1, &x 2, *x, {k: *x}]\n",
      "{a: 1, b: [2, 3], c: {d: e}}",
      "a: 2024-05-01\nb: 2024-05-01T10:00:00Z\nc: 1.10\nd: 010\n",
      "[a, b]: c\n",
      "a: [1, 2\n",
      "a: b: c\n",
      "\t- bad\n",
  };
  for (const char* doc : docs)
    EXPECT_EQ(outcome([](std::string_view y) { return parse(y); }, doc), outcome(legacy_parse, doc))
        << doc;
}

void collect_yaml(const stdfs::path& dir, std::vector<stdfs::path>& out) {
  std::error_code ec;
  if (!stdfs::exists(dir, ec)) return;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec);
       it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file()) continue;
    auto ext = it->path().extension();
    if (ext == ".yaml" || ext == ".yml" || it->path().filename() == "Chart.lock")
      out.push_back(it->path());
  }
}

TEST(YamlLimits, RealChartFilesParseAsBefore) {
  // Every YAML file of the fixture charts (values with anchors and aliases, Chart.yaml,
  // templates, CI values): same value or same error as the former YAML::Load conversion.
  std::vector<stdfs::path> files;
  collect_yaml(stdfs::path(CH_FIXTURES_DIR) / "charts", files);
  ASSERT_GT(files.size(), 100u);
  int parsed = 0;
  int with_aliases = 0;
  for (const auto& f : files) {
    std::string text = fs::read_file(f, 16 * 1024 * 1024);
    std::string now = outcome([](std::string_view y) { return parse(y); }, text);
    EXPECT_EQ(now, outcome(legacy_parse, text)) << f;
    if (now.rfind("ok:", 0) == 0) ++parsed;
    if (text.find(": &") != std::string::npos && now.rfind("ok:", 0) == 0) ++with_aliases;
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(with_aliases, 0);  // alertmanager's values.yaml anchors containerPortName
}

TEST(YamlLimits, ChartYamlBombIsAChartError) {
  std::string chart_yaml = "apiVersion: v2\nname: x\nversion: 1.0.0\n" + laughs(9, 9);
  try {
    helm::Metadata md;
    md.merge_yaml(chart_yaml, "Chart.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot load Chart.yaml: error converting YAML to JSON: yaml: document contains "
              "excessive aliasing");
  }
}

}  // namespace
}  // namespace ch::yamlconv

// ---- Linear matchers against the regular expressions they replace --------------------------

namespace ch::helm {
namespace {

// Random strings drawn from characters that matter to the patterns (and some that don't),
// with pieces that make the accepting paths likely.
class Strings {
 public:
  explicit Strings(unsigned seed) : rng_(seed) {}

  std::string next(size_t max_len) {
    static const std::vector<std::string> kPieces = {
        "http://",   "https://", "ftp://",
        "ws://",     "wss://",   "mailto:",
        "localhost", "user",     "user:pw@",
        ":",         "@",        ".",
        "..",        "-",        "_",
        "/",         "?",        "#",
        "[",         "]",        "::1",
        "[::1]",     "example",  ".com",
        "a-b",       "80",       "8080",
        "123456",    "x",        "Z",
        "9",         "+",        " ",
        "\t",        "\n",       "\v",
        "\f",        "\r",       std::string(1, '\0'),
        "\x80",      "\xC3\xA9", "\xFF",
        "!",         "~",        "'",
        "`",         "{",        "|",
        "}",         "=",        "^",
        "%",         "$",        "&",
        "*",         "a@b.c",
    };
    std::uniform_int_distribution<size_t> len(0, max_len);
    std::uniform_int_distribution<size_t> piece(0, kPieces.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> coin(0, 3);
    std::string s;
    size_t n = len(rng_);
    while (s.size() < n) {
      if (coin(rng_) == 0)
        s += static_cast<char>(byte(rng_));
      else
        s += kPieces[piece(rng_)];
    }
    return s;
  }

 private:
  std::mt19937 rng_;
};

// Every string of length <= max_len over `alphabet`.
std::vector<std::string> all_strings(std::string_view alphabet, size_t max_len) {
  std::vector<std::string> out = {""};
  size_t from = 0;
  for (size_t len = 1; len <= max_len; ++len) {
    size_t to = out.size();
    for (size_t i = from; i < to; ++i)
      for (char c : alphabet) out.push_back(out[i] + c);
    from = to;
  }
  return out;
}

template <typename Matcher>
void expect_same(const std::regex& re, Matcher&& matcher, std::string_view alphabet,
                 size_t exhaustive_len, unsigned seed, int random_count, size_t max_len,
                 size_t regex_len_limit, int min_accepted) {
  int accepted = 0;
  int checked = 0;
  auto check = [&](const std::string& s) {
    bool want = s.size() < regex_len_limit && std::regex_match(s, re);
    bool got = matcher(s);
    EXPECT_EQ(got, want) << "input: \"" << s << "\" (" << s.size() << " bytes)";
    accepted += want ? 1 : 0;
    ++checked;
  };
  for (const auto& s : all_strings(alphabet, exhaustive_len)) check(s);
  Strings gen(seed);
  for (int i = 0; i < random_count; ++i) check(gen.next(max_len));
  EXPECT_GE(accepted, min_accepted) << "of " << checked;
}

TEST(LinearMatchers, AliasEqualsRegex) {
  const std::regex kAlias("^[a-zA-Z0-9_-]+$");
  expect_same(kAlias, metadata_detail::is_valid_alias, "aZ09_-.@ /\x80", 4, 1, 50000, 40, SIZE_MAX,
              1000);
  // The input that overflowed std::regex's stack.
  EXPECT_TRUE(metadata_detail::is_valid_alias(std::string(60000, 'a')));
  EXPECT_FALSE(metadata_detail::is_valid_alias(std::string(60000, 'a') + "."));
}

TEST(LinearMatchers, RequestUrlEqualsRegex) {
  const std::regex kUri(R"(^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$)");
  expect_same(kUri, lint_detail::is_request_url, "aZ9+.-: /\t\x80", 4, 2, 100000, 48, SIZE_MAX,
              2000);
  EXPECT_TRUE(lint_detail::is_request_url("https://" + std::string(100000, 'x')));
}

TEST(LinearMatchers, EmailEqualsRegex) {
  const std::regex kEmail(
      R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*$)");
  expect_same(kEmail, lint_detail::is_email, "a9.-@!_ ", 5, 3, 100000, 48, SIZE_MAX, 1000);
  EXPECT_TRUE(lint_detail::is_email(std::string(100000, 'a') + "@example.com"));
}

TEST(LinearMatchers, UrlEqualsRegex) {
  const std::regex kUrl(
      R"(^((https?|ftp|wss?)://)?([^\s:@/]+(:[^\s@/]*)?@)?(localhost|\[[0-9A-Fa-f:.]+\]|([A-Za-z0-9\-_]+\.)+[A-Za-z0-9\-_]+)(:[0-9]{1,5})?([/?#][^\s]*)?$)");
  expect_same(kUrl, lint_detail::is_url, "a.:@/[]1 ", 5, 4, 150000, 48, 2083, 2000);
  // The 2083-byte bound of govalidator.IsURL.
  std::string host = "example.com/" + std::string(2070, 'p');
  EXPECT_EQ(host.size(), 2082u);
  EXPECT_TRUE(lint_detail::is_url(host));
  EXPECT_FALSE(lint_detail::is_url(host + "p"));
}

}  // namespace
}  // namespace ch::helm
