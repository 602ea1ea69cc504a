// Tests of gocompat/yamlconv.cpp: YAML read as Helm reads it (yaml.v2 typing, Go strings of
// scalars, FormatFloat) and the limits on what hostile YAML may cost: yaml.v2's alias budget,
// self-containing anchors, nesting depth, document size, maps of many keys; and the
// equivalence of the event-based parse with the former YAML::Load + recursive conversion on
// real charts. Boundaries marked "helm 3.17.3" were found by bisecting `helm show values` of
// the same documents with the real binary.
#include "gocompat/yamlconv.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "base/file.hpp"
#include "gocompat/goyaml.hpp"
#include "helm/metadata.hpp"

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

// ---- Typing and Go's spelling of scalars ------------------------------------------------------

TEST(YamlConv, PlainScalarsAreTypedAsYamlV2TypesThem) {
  json v = parse(
      "t1: true\nt2: yes\nt3: On\nt4: Y\nf1: no\nf2: OFF\nf3: n\n"
      "i1: 42\ni2: -0x1F\ni3: 0o17\ni4: 010\ni5: 0b101\ni6: 1_000\ni7: +7\n"
      "x1: 1.5\nx2: 1e3\nx3: .5\nx4: -2.\n"
      "n1: ~\nn2: null\nn3:\nn4: Null\n"
      "s1: '42'\ns2: \"true\"\ns3: !!str 1.5\ns4: 2024-05-01\ns5: 1.2.3\ns6: 0x\ns7: yes please\n");
  EXPECT_EQ(v.dump(),
            R"({"t1":true,"t2":true,"t3":true,"t4":true,"f1":false,"f2":false,"f3":false,)"
            R"("i1":42,"i2":-31,"i3":15,"i4":8,"i5":5,"i6":1000,"i7":7,)"
            R"("x1":1.5,"x2":1000.0,"x3":0.5,"x4":-2.0,)"
            R"("n1":null,"n2":null,"n3":null,"n4":null,)"
            R"("s1":"42","s2":"true","s3":"1.5","s4":"2024-05-01","s5":"1.2.3","s6":"0x",)"
            R"("s7":"yes please"})");
  EXPECT_TRUE(v["i1"].is_number_integer());
  EXPECT_TRUE(v["x2"].is_number_float());
  // Special floats, map keys of other types (strings now), and an empty document.
  json special = parse("a: .inf\nb: -.Inf\nc: .NaN\n1: one\ntrue: t\n0x10: h\n1.5: f\n");
  EXPECT_TRUE(std::isinf(special["a"].get<double>()) && special["a"].get<double>() > 0);
  EXPECT_TRUE(std::isinf(special["b"].get<double>()) && special["b"].get<double>() < 0);
  EXPECT_TRUE(std::isnan(special["c"].get<double>()));
  EXPECT_EQ(special["1"], "one");
  EXPECT_EQ(special["true"], "t");
  EXPECT_EQ(special["16"], "h");
  EXPECT_EQ(special["1.5"], "f");
  // A null key is refused, as sigs.k8s.io/yaml refuses it ("unsupported map key of type").
  EXPECT_THROW(parse("~: n\n"), Error);
  EXPECT_TRUE(parse("").is_null());
  EXPECT_TRUE(parse("# comment only\n").is_null());
  // Only the first document of a stream counts.
  EXPECT_EQ(parse("--- 1\n--- 2\n"), json(1));
}

TEST(YamlConv, ScalarsBecomeTheStringsGoStringFieldsGet) {
  auto go_string = [](const json& v) {
    std::string out = "(unchanged)";
    return scalar_to_go_string(v, &out) ? out : std::string("(none)");
  };
  // `version: 1.10` is the float 1.1 before it is a string: Helm reads "1.1".
  EXPECT_EQ(go_string(parse("v: 1.10")["v"]), "1.1");
  EXPECT_EQ(go_string(parse("v: 1.0")["v"]), "1");
  EXPECT_EQ(go_string(parse("v: 010")["v"]), "8");
  EXPECT_EQ(go_string(parse("v: 1e3")["v"]), "1000");
  EXPECT_EQ(go_string(parse("v: 0.1")["v"]), "0.1");  // float32 shortest form
  EXPECT_EQ(go_string(parse("v: 3.14159265358979")["v"]), "3.1415927");
  EXPECT_EQ(go_string(parse("v: 16777217.0")["v"]), "1.6777216e+07");
  EXPECT_EQ(go_string(json(true)), "true");
  EXPECT_EQ(go_string(json(false)), "false");
  EXPECT_EQ(go_string(json(-5)), "-5");
  EXPECT_EQ(go_string(json(18446744073709551615ull)), "18446744073709551615");
  EXPECT_EQ(go_string(json("text")), "text");
  EXPECT_EQ(go_string(json(nullptr)), "(none)");
  EXPECT_EQ(go_string(json::array()), "(none)");
  EXPECT_EQ(go_string(json::object()), "(none)");
}

TEST(YamlConv, FormatFloatAsGoShortestG) {
  // strconv.FormatFloat(f, 'g', -1, 64): the shortest digits that read back, in %e form when
  // the exponent is < -4 or >= 6 (eprec 6 for the shortest form), with at least two exponent
  // digits.
  const std::pair<double, const char*> cases64[] = {
      {0, "0"},
      {1, "1"},
      {-1.5, "-1.5"},
      {100000, "100000"},
      {123456, "123456"},
      {1e6, "1e+06"},
      {1234567, "1.234567e+06"},
      {1.5e6, "1.5e+06"},
      {0.0001, "0.0001"},
      {0.00012, "0.00012"},
      {0.00001, "1e-05"},
      {1.234e-7, "1.234e-07"},
      {1e21, "1e+21"},
      {1e100, "1e+100"},
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
  };
  for (const auto& [f, want] : cases64) EXPECT_EQ(go_format_float(f, 64), want) << f;
  EXPECT_EQ(go_format_float(-0.0, 64), "-0");
  EXPECT_EQ(go_format_float(std::nan(""), 64), "NaN");
  EXPECT_EQ(go_format_float(HUGE_VAL, 64), "+Inf");
  EXPECT_EQ(go_format_float(-HUGE_VAL, 32), "-Inf");
  // bits 32: the float32 nearest, in its own shortest form; past float32's range, ±Inf.
  EXPECT_EQ(go_format_float(1.0 / 3, 32), "0.33333334");
  EXPECT_EQ(go_format_float(0.1, 32), "0.1");
  EXPECT_EQ(go_format_float(1e6, 32), "1e+06");
  EXPECT_EQ(go_format_float(3.4e39, 32), "+Inf");
  EXPECT_EQ(go_format_float(-3.4e39, 32), "-Inf");
  EXPECT_EQ(go_format_float(1e-46, 32), "0");  // below float32's smallest denormal
}

TEST(YamlConv, TypeNamesAsHelmLintPrintsThem) {
  json v = parse("s: x\nb: true\ni: 1\nf: 1.5\nn: ~\na: [1]\nm: {k: v}\n");
  EXPECT_EQ(go_type_name(v["s"]), "string");
  EXPECT_EQ(go_type_name(v["b"]), "bool");
  EXPECT_EQ(go_type_name(v["i"]), "int");
  EXPECT_EQ(go_type_name(v["f"]), "float64");
  EXPECT_EQ(go_type_name(v["n"]), "<nil>");
  EXPECT_EQ(go_type_name(v["a"]), "[]interface {}");
  EXPECT_EQ(go_type_name(v["m"]), "map[string]interface {}");
}

}  // namespace
}  // namespace ch::yamlconv
