// Tests for ch::goyaml. Unless a test says otherwise, every expected output below was captured
// from helm 3.17.3 (`helm show chart DIR`, which prints sigs.k8s.io/yaml of the chart metadata
// plus one extra "\n", or `helm template` with `toYaml | b64enc`) on throwaway charts, and the
// input is the JSON Helm marshals for that metadata.
#include "gocompat/goyaml.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "base/error.hpp"

namespace ch::goyaml {
namespace {

using Json = nlohmann::ordered_json;
using namespace std::literals;

constexpr std::string_view kTail = "apiVersion: v2\nname: t\nversion: 1.0.0\n";

Json chart_with_annotation(std::string_view key, std::string_view value) {
  Json annotations = Json::object();
  annotations[std::string(key)] = std::string(value);
  return Json{
      {"name", "t"}, {"version", "1.0.0"}, {"apiVersion", "v2"}, {"annotations", annotations}};
}

std::string expected_annotations(std::string_view lines) {
  return "annotations:\n" + std::string(lines) + std::string(kTail);
}

std::string error_of(const Json& doc) {
  try {
    json_to_yaml(doc);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "no error";
}

// ---------------------------------------------------------------------------------------------
// resolve_plain: yaml.v2's resolve.go. Which of these are not kStr was confirmed against Helm
// (the encoder double-quotes exactly those strings); the specific tag comes from reading
// resolve.go.

struct ResolveCase {
  std::string_view plain;
  Tag tag;
};

const ResolveCase kResolveCases[] = {
    {"", Tag::kNull},
    {"~", Tag::kNull},
    {"null", Tag::kNull},
    {"Null", Tag::kNull},
    {"NULL", Tag::kNull},
    {"nULL", Tag::kStr},
    {"yes", Tag::kBool},
    {"Yes", Tag::kBool},
    {"YES", Tag::kBool},
    {"y", Tag::kBool},
    {"N", Tag::kBool},
    {"on", Tag::kBool},
    {"OFF", Tag::kBool},
    {"true", Tag::kBool},
    {"False", Tag::kBool},
    {"tRUE", Tag::kStr},
    {"yes!", Tag::kStr},
    {"NaN", Tag::kStr},
    {"Inf", Tag::kStr},
    {".nan", Tag::kFloat},
    {".NaN", Tag::kFloat},
    {".inf", Tag::kFloat},
    {"-.inf", Tag::kFloat},
    {"+.Inf", Tag::kFloat},
    {"+inf", Tag::kStr},
    {"1", Tag::kInt},
    {"-1", Tag::kInt},
    {"+1", Tag::kInt},
    {"0x1F", Tag::kInt},
    {"0X1F", Tag::kInt},
    {"+0x1F", Tag::kInt},
    {"0o17", Tag::kInt},
    {"0O7", Tag::kInt},
    {"0o8", Tag::kStr},
    {"017", Tag::kInt},
    {"08", Tag::kFloat},
    {"00", Tag::kInt},
    {"0b101", Tag::kInt},
    {"-0b101", Tag::kInt},
    {"0B1", Tag::kInt},
    {"0b-101", Tag::kInt},
    {"-0b-101", Tag::kStr},
    {"1_000", Tag::kInt},
    {"1__0", Tag::kInt},
    {"1_", Tag::kInt},
    {"_1", Tag::kStr},
    {"0x", Tag::kStr},
    {"9223372036854775807", Tag::kInt},
    {"18446744073709551615", Tag::kInt},
    {"18446744073709551616", Tag::kFloat},
    {"0xFFFFFFFFFFFFFFFF", Tag::kInt},
    {"0x1FFFFFFFFFFFFFFFF", Tag::kStr},
    {"1.0", Tag::kFloat},
    {"1.", Tag::kFloat},
    {".5", Tag::kFloat},
    {"-.5", Tag::kFloat},
    {"+.5e3", Tag::kFloat},
    {"1e3", Tag::kFloat},
    {"1E5", Tag::kFloat},
    {"1.5E+3", Tag::kFloat},
    {"1_0.5", Tag::kFloat},
    {".5_0", Tag::kFloat},
    {"._5", Tag::kStr},
    {".5_", Tag::kStr},
    {".e5", Tag::kStr},
    {".5.5", Tag::kStr},
    {"1e999", Tag::kStr},
    {".5e999", Tag::kStr},
    {"1e-999", Tag::kFloat},
    {"1e", Tag::kStr},
    {"1e5x", Tag::kStr},
    {"0x1p-2", Tag::kStr},
    {"1.2.3", Tag::kStr},
    {"1.5.", Tag::kStr},
    {"2024-05-01", Tag::kTimestamp},
    {"2024-5-1", Tag::kTimestamp},
    {"2024-02-29", Tag::kTimestamp},
    {"2023-02-29", Tag::kStr},
    {"2024-02-30", Tag::kStr},
    {"2024-13-45", Tag::kStr},
    {"2024-05-01T10:00:00Z", Tag::kTimestamp},
    {"2024-05-01t10:00:00Z", Tag::kTimestamp},
    {"2024-05-01T10:00:00z", Tag::kStr},
    {"2024-05-01T1:2:3Z", Tag::kTimestamp},
    {"2024-05-01T10:00:00.123456+02:00", Tag::kTimestamp},
    {"2024-05-01T10:00:00,5Z", Tag::kTimestamp},
    {"2024-05-01T10:00:00.5", Tag::kStr},
    {"2024-05-01T24:00:00Z", Tag::kStr},
    {"2024-05-01T10:00:60Z", Tag::kStr},
    {"2024-05-01T10:00:00+24:00", Tag::kTimestamp},
    {"2024-05-01T10:00:00+25:00", Tag::kStr},
    {"2024-05-01T10:00:00+0200", Tag::kStr},
    {"2024-05-01 10:00:00", Tag::kTimestamp},
    {"2024-05-01   10:00:00", Tag::kTimestamp},
    {"2024-05-01 10:00:00.5", Tag::kTimestamp},
    {"2024-05-01 10:00:00Z", Tag::kStr},
    {"2024-05", Tag::kStr},
    {"20240-05-01", Tag::kStr},
    {"1:20", Tag::kStr},
    {"<<", Tag::kMerge},
    {"a", Tag::kStr},
    {"-", Tag::kStr},
    {"+", Tag::kStr},
    {".", Tag::kStr},
    {"-x", Tag::kStr},
};

TEST(ResolvePlain, MatchesYamlV2Resolver) {
  for (const auto& c : kResolveCases) {
    EXPECT_EQ(resolve_plain(c.plain), c.tag) << "plain scalar: " << c.plain;
  }
}

// ---------------------------------------------------------------------------------------------
// One annotation `k` with a tricky value: `helm show chart` output, annotations block only.

struct AnnotationCase {
  const char* name;
  std::string_view value;
  std::string_view lines;  // the lines under "annotations:"
};

struct ErrorCase {
  const char* name;
  std::string_view value;
  std::string_view message;
};

const AnnotationCase kAnnotationCases[] =
    {
        {"yes", "yes"sv, "  k: \"yes\"\n"sv},
        {"no", "no"sv, "  k: \"no\"\n"sv},
        {"on", "on"sv, "  k: \"on\"\n"sv},
        {"off", "off"sv, "  k: \"off\"\n"sv},
        {"y", "y"sv, "  k: \"y\"\n"sv},
        {"n", "n"sv, "  k: \"n\"\n"sv},
        {"True", "True"sv, "  k: \"True\"\n"sv},
        {"false", "false"sv, "  k: \"false\"\n"sv},
        {"null", "null"sv, "  k: \"null\"\n"sv},
        {"Null", "Null"sv, "  k: \"Null\"\n"sv},
        {"tilde", "~"sv, "  k: \"~\"\n"sv},
        {"empty", ""sv, "  k: \"\"\n"sv},
        {"f10", "1.0"sv, "  k: \"1.0\"\n"sv},
        {"i1", "1"sv, "  k: \"1\"\n"sv},
        {"neg1", "-1"sv, "  k: \"-1\"\n"sv},
        {"pos1", "+1"sv, "  k: \"+1\"\n"sv},
        {"hex", "0x1F"sv, "  k: \"0x1F\"\n"sv},
        {"hexlow", "0x1f"sv, "  k: \"0x1f\"\n"sv},
        {"oct", "0o17"sv, "  k: \"0o17\"\n"sv},
        {"oct0", "017"sv, "  k: \"017\"\n"sv},
        {"bin", "0b101"sv, "  k: \"0b101\"\n"sv},
        {"negbin", "-0b101"sv, "  k: \"-0b101\"\n"sv},
        {"under", "1_000"sv, "  k: \"1_000\"\n"sv},
        {"exp", "1e3"sv, "  k: \"1e3\"\n"sv},
        {"expp", "1e+3"sv, "  k: \"1e+3\"\n"sv},
        {"dot5", ".5"sv, "  k: \".5\"\n"sv},
        {"inf", ".inf"sv, "  k: \".inf\"\n"sv},
        {"ninf", "-.inf"sv, "  k: \"-.inf\"\n"sv},
        {"nan", ".nan"sv, "  k: \".nan\"\n"sv},
        {"NaN", ".NaN"sv, "  k: \".NaN\"\n"sv},
        {"pdot", "+.5"sv, "  k: \"+.5\"\n"sv},
        {"ver", "1.2.3"sv, "  k: 1.2.3\n"sv},
        {"date", "2024-05-01"sv, "  k: \"2024-05-01\"\n"sv},
        {"dshort", "2024-5-1"sv, "  k: \"2024-5-1\"\n"sv},
        {"dtz", "2024-05-01T10:00:00Z"sv, "  k: \"2024-05-01T10:00:00Z\"\n"sv},
        {"dspace", "2024-05-01 10:00:00"sv, "  k: \"2024-05-01 10:00:00\"\n"sv},
        {"dbad", "2024-13-45"sv, "  k: 2024-13-45\n"sv},
        {"dlower", "2024-05-01t10:00:00Z"sv, "  k: \"2024-05-01t10:00:00Z\"\n"sv},
        {"dfrac", "2024-05-01T10:00:00.123456+02:00"sv,
         "  k: \"2024-05-01T10:00:00.123456+02:00\"\n"sv},
        {"b60a", "12:30"sv, "  k: \"12:30\"\n"sv},
        {"b60b", "1:20"sv, "  k: \"1:20\"\n"sv},
        {"b60c", "190:20:30"sv, "  k: \"190:20:30\"\n"sv},
        {"b60d", "-1:20"sv, "  k: \"-1:20\"\n"sv},
        {"b60e", "1:60"sv, "  k: 1:60\n"sv},
        {"b60f", "1:20.5"sv, "  k: \"1:20.5\"\n"sv},
        {"dashx", "-x"sv, "  k: -x\n"sv},
        {"dashsp", "- x"sv, "  k: '- x'\n"sv},
        {"dash", "-"sv, "  k: '-'\n"sv},
        {"dd", "--"sv, "  k: --\n"sv},
        {"ddd", "---"sv, "  k: '---'\n"sv},
        {"dddx", "--- x"sv, "  k: '--- x'\n"sv},
        {"dots", "..."sv, "  k: '...'\n"sv},
        {"dotsx", "...x"sv, "  k: '...x'\n"sv},
        {"colsp", "a: b"sv, "  k: 'a: b'\n"sv},
        {"colns", "a:b"sv, "  k: a:b\n"sv},
        {"coltr", "a:"sv, "  k: 'a:'\n"sv},
        {"colld", ":a"sv, "  k: :a\n"sv},
        {"qsp", "? x"sv, "  k: '? x'\n"sv},
        {"qx", "?x"sv, "  k: ?x\n"sv},
        {"hashsp", "a #b"sv, "  k: 'a #b'\n"sv},
        {"hashns", "a#b"sv, "  k: a#b\n"sv},
        {"hash", "#x"sv, "  k: '#x'\n"sv},
        {"at", "@x"sv, "  k: '@x'\n"sv},
        {"bt", "`x"sv, "  k: '`x'\n"sv},
        {"pct", "%x"sv, "  k: '%x'\n"sv},
        {"amp", "&x"sv, "  k: '&x'\n"sv},
        {"star", "*x"sv, "  k: '*x'\n"sv},
        {"bang", "!x"sv, "  k: '!x'\n"sv},
        {"pipe", "|x"sv, "  k: '|x'\n"sv},
        {"gt", ">x"sv, "  k: '>x'\n"sv},
        {"sq", "'q'"sv, "  k: '''q'''\n"sv},
        {"dq", "\"dq\""sv, "  k: '\"dq\"'\n"sv},
        {"brk", "[x]"sv, "  k: '[x]'\n"sv},
        {"brc", "{x}"sv, "  k: '{x}'\n"sv},
        {"comma", "a,b"sv, "  k: a,b\n"sv},
        {"midbrk", "a[b]"sv, "  k: a[b]\n"sv},
        {"lead", " lead"sv, "  k: ' lead'\n"sv},
        {"trail", "trail "sv, "  k: 'trail '\n"sv},
        {"nl",
         "x\n"
         "y"sv,
         "  k: |-\n"
         "    x\n"
         "    y\n"sv},
        {"nlend", "x\n"sv,
         "  k: |\n"
         "    x\n"sv},
        {"nlend2",
         "x\n"
         "\n"sv,
         "  k: |+\n"
         "    x\n"
         "\n"sv},
        {"nlstart",
         "\n"
         "x"sv,
         "  k: |2-\n"
         "\n"
         "    x\n"sv},
        {"spnl",
         " x\n"
         "y"sv,
         "  k: |2-\n"
         "     x\n"
         "    y\n"sv},
        {"spbeforenl",
         "x \n"
         "y"sv,
         "  k: \"x \\ny\"\n"sv},
        {"nlsp",
         "x\n"
         " y"sv,
         "  k: |-\n"
         "    x\n"
         "     y\n"sv},
        {"multi",
         "multi\n"
         "line\n"sv,
         "  k: |\n"
         "    multi\n"
         "    line\n"sv},
        {"uni", "é unicode"sv, "  k: é unicode\n"sv},
        {"tab", "tab\there"sv, "  k: \"tab\\there\"\n"sv},
        {"bell", "\007bell"sv, "  k: \"\\abell\"\n"sv},
        {"nul", "a\000b"sv, "  k: \"a\\0b\"\n"sv},
        {"esc", "\033x"sv, "  k: \"\\ex\"\n"sv},
        {"nel", "\302\205x"sv, "  k: ' x'\n"sv},
        {"nelmid", "a\302\205b"sv, "  k: a b\n"sv},
        {"nel2", "a \302\205 \302\205 b"sv,
         "  k: |-\n"
         "    a\n"
         "    b\n"sv},
        {"nbsp", "\302\240nbsp"sv, "  k: \302\240nbsp\n"sv},
        {"ls", "a\342\200\250b"sv, "  k: 'a\342\200\250    b'\n"sv},
        {"bom", "\357\273\277x"sv, "  k: \"\\uFEFF\\x78\"\n"sv},
        {"bommid", "x\357\273\277y"sv, "  k: \"x\\uFEFFy\"\n"sv},
        {"emoji", "smile 😀"sv, "  k: \"smile \\U0001F600\"\n"sv},
        {"zwsp", "a\342\200\213b"sv, "  k: a\342\200\213b\n"sv},
        {"html", "<a>&b"sv, "  k: <a>&b\n"sv},
        {"apos", "it's"sv, "  k: it's\n"sv},
        {"aposonly", "'"sv, "  k: ''''\n"sv},
        {"dqonly", "\""sv, "  k: '\"'\n"sv},
        {"bs", "back\\slash"sv, "  k: back\\slash\n"sv},
        {"crlf",
         "line1\015\n"
         "line2"sv,
         "  k: \"line1\\r\\nline2\"\n"sv},
        {"tabnl", "x\ty\n"sv, "  k: \"x\\ty\\n\"\n"sv},
        {"s200",
         "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th"sv,
         "  k: The quick brown fox jumps over the lazy dog and keeps running through the forest\n"
         "    until it reaches the river where it stops to drink some water before going home\n"
         "    again The quick brown fox jumps over th\n"sv},
        {"nosp",
         "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"sv,
         "  k: abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij\n"sv},
        {"s200dq",
         "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th "sv,
         "  k: 'The quick brown fox jumps over the lazy dog and keeps running through the forest\n"
         "    until it reaches the river where it stops to drink some water before going home\n"
         "    again The quick brown fox jumps over th '\n"sv},
        {"s200sq",
         "@The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th"sv,
         "  k: '@The quick brown fox jumps over the lazy dog and keeps running through the forest\n"
         "    until it reaches the river where it stops to drink some water before going home\n"
         "    again The quick brown fox jumps over th'\n"sv},
        {"s200tab",
         "\tThe quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th"sv,
         "  k: \"\\tThe quick brown fox jumps over the lazy dog and keeps running through the\n"
         "    forest until it reaches the river where it stops to drink some water before going\n"
         "    home again The quick brown fox jumps over th\"\n"sv},
        {"s200nl",
         "The quick brown fox jumps over the lazy dog and keeps running through the forest until "
         "it reaches the river where it stops to drink some water before going home again The "
         "quick brown fox jumps over th\n"
         "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\n"sv,
         "  k: |\n"
         "    The quick brown fox jumps over the lazy dog and keeps running through the forest "
         "until it reaches the river where it stops to drink some water before going home again "
         "The quick brown fox jumps over th\n"
         "    The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\n"sv},
        {"dblsp",
         "word word word word word word word word word word  two  spaces word word word word word word word word word word word word word word word end"sv,
         "  k: word word word word word word word word word word  two  spaces word word word\n"
         "    word word word word word word word word word word word word end\n"sv},
        {"longlit",
         "  indented\n"
         "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\n"sv,
         "  k: |2\n"
         "      indented\n"
         "    The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\n"sv},
        {"crlit", "a\015b"sv, "  k: \"a\\rb\"\n"sv},
        {"ff", "a\014b"sv, "  k: \"a\\fb\"\n"sv},
        {"fffe", "a\357\277\275b"sv, "  k: a\357\277\275b\n"sv},
        {"space", " "sv, "  k: ' '\n"sv},
        {"tabonly", "\t"sv, "  k: \"\\t\"\n"sv},
        {"nlonly", "\n"sv,
         "  k: |2+\n"
         "\n"sv},
        {"nlnl",
         "\n"
         "\n"sv,
         "  k: |2+\n"
         "\n"
         "\n"sv},
        {"spsp", "a  b"sv, "  k: a  b\n"sv},
        {"trailnl2",
         "a\n"
         "\n"
         "\n"sv,
         "  k: |+\n"
         "    a\n"
         "\n"
         "\n"sv},
        {"e1", "1e5x"sv, "  k: 1e5x\n"sv},
        {"plus", "+"sv, "  k: +\n"sv},
        {"dot", "."sv, "  k: .\n"sv},
        {"dotdot", ".."sv, "  k: ..\n"sv},
        {"true_like", "tRUE"sv, "  k: tRUE\n"sv},
        {"inf2", ".Inf"sv, "  k: \".Inf\"\n"sv},
        {"inf3", "+.inf"sv, "  k: \"+.inf\"\n"sv},
        {"ox", "0x"sv, "  k: 0x\n"sv},
        {"hexbig", "0xFFFFFFFFFFFFFFFF"sv, "  k: \"0xFFFFFFFFFFFFFFFF\"\n"sv},
        {"hexbig2", "0x1FFFFFFFFFFFFFFFF"sv, "  k: 0x1FFFFFFFFFFFFFFFF\n"sv},
        {"bigint", "99999999999999999999"sv, "  k: \"99999999999999999999\"\n"sv},
        {"negfloat", "-1.5e-3"sv, "  k: \"-1.5e-3\"\n"sv},
        {"floatdot", "1."sv, "  k: \"1.\"\n"sv},
        {"under2", "1_0.5"sv, "  k: \"1_0.5\"\n"sv},
        {"ee", "1e"sv, "  k: 1e\n"sv},
        {"merge", "<<"sv, "  k: <<\n"sv},
        {"question", "?"sv, "  k: '?'\n"sv},
        {"colon", ":"sv, "  k: ':'\n"sv},
        {"hashonly", "#"sv, "  k: '#'\n"sv},
        {"dollar", "$x"sv, "  k: $x\n"sv},
        {"eq", "=x"sv, "  k: =x\n"sv},
        {"tilde2", "~x"sv, "  k: ~x\n"sv},
        {"brkonly", "]"sv, "  k: ']'\n"sv},
        {"v0_1e999", "1e999"sv, "  k: 1e999\n"sv},
        {"v1_5e999", ".5e999"sv, "  k: .5e999\n"sv},
        {"v2_5_0", ".5_0"sv, "  k: \".5_0\"\n"sv},
        {"v3_0b_101", "0b-101"sv, "  k: \"0b-101\"\n"sv},
        {"v4_0b_101", "0b+101"sv, "  k: \"0b+101\"\n"sv},
        {"v5_0b_101", "-0b-101"sv, "  k: -0b-101\n"sv},
        {"v6_08", "08"sv, "  k: \"08\"\n"sv},
        {"v7_09", "09"sv, "  k: \"09\"\n"sv},
        {"v8_2024_05_01T10_00_00z", "2024-05-01T10:00:00z"sv, "  k: 2024-05-01T10:00:00z\n"sv},
        {"v9_2024_02_30", "2024-02-30"sv, "  k: 2024-02-30\n"sv},
        {"v10_2024_02_29", "2024-02-29"sv, "  k: \"2024-02-29\"\n"sv},
        {"v11_2023_02_29", "2023-02-29"sv, "  k: 2023-02-29\n"sv},
        {"v12_2024_05_01_10_00_00", "2024-05-01   10:00:00"sv,
         "  k: \"2024-05-01   10:00:00\"\n"sv},
        {"v13_2024_05_01T24_00_00Z", "2024-05-01T24:00:00Z"sv, "  k: 2024-05-01T24:00:00Z\n"sv},
        {"v14_2024_05_01T10_00_00_25_0", "2024-05-01T10:00:00+25:00"sv,
         "  k: 2024-05-01T10:00:00+25:00\n"sv},
        {"v15_2024_05_01T10_00_00_24_0", "2024-05-01T10:00:00+24:00"sv,
         "  k: \"2024-05-01T10:00:00+24:00\"\n"sv},
        {"v16_2024_05_01T10_00_00_5", "2024-05-01T10:00:00.5"sv, "  k: 2024-05-01T10:00:00.5\n"sv},
        {"v17_2024_05_01_10_00_00_5", "2024-05-01 10:00:00.5"sv,
         "  k: \"2024-05-01 10:00:00.5\"\n"sv},
        {"v18_2024_05_01T1_2_3Z", "2024-05-01T1:2:3Z"sv, "  k: \"2024-05-01T1:2:3Z\"\n"sv},
        {"v19_2024_05_01T10_00_00_5Z", "2024-05-01T10:00:00,5Z"sv,
         "  k: \"2024-05-01T10:00:00,5Z\"\n"sv},
        {"v20_2024_05_01T10_00_60Z", "2024-05-01T10:00:60Z"sv, "  k: 2024-05-01T10:00:60Z\n"sv},
        {"v21_2024_05_01T10_00_00_0200", "2024-05-01T10:00:00+0200"sv,
         "  k: 2024-05-01T10:00:00+0200\n"sv},
        {"v22_2024_05_01T10_00_00_02_0", "2024-05-01T10:00:00+02:0"sv,
         "  k: 2024-05-01T10:00:00+02:0\n"sv},
        {"v23_2024_05_01_10_00_00Z", "2024-05-01 10:00:00Z"sv, "  k: 2024-05-01 10:00:00Z\n"sv},
        {"v24_2024_05_01", "2024-05-01 "sv, "  k: '2024-05-01 '\n"sv},
        {"v25_2024_5_001", "2024-5-001"sv, "  k: 2024-5-001\n"sv},
        {"v26_20240_05_01", "20240-05-01"sv, "  k: 20240-05-01\n"sv},
        {"v27_2024_05", "2024-05"sv, "  k: 2024-05\n"sv},
        {"v28_2024_05_01T10_00_00_Z", "2024-05-01T10:00:00.Z"sv, "  k: 2024-05-01T10:00:00.Z\n"sv},
        {"v29_2024_05_01T10_00_00_1234", "2024-05-01T10:00:00.123456789123Z"sv,
         "  k: \"2024-05-01T10:00:00.123456789123Z\"\n"sv},
        {"v30_1_0", "1__0"sv, "  k: \"1__0\"\n"sv},
        {"v31_1", "_1"sv, "  k: _1\n"sv},
        {"v32_1", "1_"sv, "  k: \"1_\"\n"sv},
        {"v33_0x1F", "+0x1F"sv, "  k: \"+0x1F\"\n"sv},
        {"v34_0x1F", "-0x1F"sv, "  k: \"-0x1F\"\n"sv},
        {"v35_0X1F", "0X1F"sv, "  k: \"0X1F\"\n"sv},
        {"v36_0B1", "0B1"sv, "  k: \"0B1\"\n"sv},
        {"v37_0O7", "0O7"sv, "  k: \"0O7\"\n"sv},
        {"v38_0o8", "0o8"sv, "  k: 0o8\n"sv},
        {"v39_1e5", "1e5"sv, "  k: \"1e5\"\n"sv},
        {"v40_1E5", "1E5"sv, "  k: \"1E5\"\n"sv},
        {"v41_1e5", "+1e5"sv, "  k: \"+1e5\"\n"sv},
        {"v42_1_5E_3", "1.5E+3"sv, "  k: \"1.5E+3\"\n"sv},
        {"v43_5", "-.5"sv, "  k: \"-.5\"\n"sv},
        {"v44_5e3", "+.5e3"sv, "  k: \"+.5e3\"\n"sv},
        {"v45_5e3", ".5e3"sv, "  k: \".5e3\"\n"sv},
        {"v46_5", "._5"sv, "  k: ._5\n"sv},
        {"v47_5", ".5_"sv, "  k: .5_\n"sv},
        {"v48_e5", ".e5"sv, "  k: .e5\n"sv},
        {"v49_1_e5", "1.e5"sv, "  k: \"1.e5\"\n"sv},
        {"v50_0", "0."sv, "  k: \"0.\"\n"sv},
        {"v51_00", "00"sv, "  k: \"00\"\n"sv},
        {"v52_0_0", "0_0"sv, "  k: \"0_0\"\n"sv},
        {"v53_1_2_3_5", "1:2:3.5_"sv, "  k: \"1:2:3.5_\"\n"sv},
        {"v54_1_2_3_5", "1:2:3.5"sv, "  k: \"1:2:3.5\"\n"sv},
        {"v55_1_0_20", "1_0:20"sv, "  k: \"1_0:20\"\n"sv},
        {"v56_1_2_0", "1:2_0"sv, "  k: 1:2_0\n"sv},
        {"v57_1_20", "+1:20"sv, "  k: \"+1:20\"\n"sv},
        {"v58_1_5", "1:5:"sv, "  k: '1:5:'\n"sv},
        {"v59_9223372036854775807", "9223372036854775807"sv, "  k: \"9223372036854775807\"\n"sv},
        {"v60_9223372036854775808", "9223372036854775808"sv, "  k: \"9223372036854775808\"\n"sv},
        {"v61_9223372036854775808", "-9223372036854775808"sv, "  k: \"-9223372036854775808\"\n"sv},
        {"v62_9223372036854775809", "-9223372036854775809"sv, "  k: \"-9223372036854775809\"\n"sv},
        {"v63_18446744073709551615", "18446744073709551615"sv, "  k: \"18446744073709551615\"\n"sv},
        {"v64_18446744073709551616", "18446744073709551616"sv, "  k: \"18446744073709551616\"\n"sv},
        {"v65_0x8000000000000000", "0x8000000000000000"sv, "  k: \"0x8000000000000000\"\n"sv},
        {"v66_0x8000000000000000", "-0x8000000000000000"sv, "  k: \"-0x8000000000000000\"\n"sv},
        {"v67_0b1111111111111111111111",
         "0b1111111111111111111111111111111111111111111111111111111111111111"sv,
         "  k: \"0b1111111111111111111111111111111111111111111111111111111111111111\"\n"sv},
        {"v68_0b100000000000000000000",
         "-0b1000000000000000000000000000000000000000000000000000000000000000"sv,
         "  k: \"-0b1000000000000000000000000000000000000000000000000000000000000000\"\n"sv},
        {"v69_1e_999", "1e-999"sv, "  k: \"1e-999\"\n"sv},
        {"v70_0e99999999999", ".0e99999999999"sv, "  k: \".0e99999999999\"\n"sv},
        {"v71_Inf", "Inf"sv, "  k: Inf\n"sv},
        {"v72_infinity", "infinity"sv, "  k: infinity\n"sv},
        {"v73_NaN", "NaN"sv, "  k: NaN\n"sv},
        {"v74_inf", "+inf"sv, "  k: +inf\n"sv},
        {"v75_0x1p_2", "0x1p-2"sv, "  k: 0x1p-2\n"sv},
        {"v76_5_5", ".5.5"sv, "  k: .5.5\n"sv},
        {"v77_1_5", "1.5."sv, "  k: 1.5.\n"sv},
        {"v79_x", "x\302\205---"sv, "  k: x ---\n"sv},
        {"v80_x_y", "x\302\205 --- y"sv, "  k: x --- y\n"sv},
        {"v82",
         "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"sv,
         "  k: éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\n"sv},
        {"v83",
         "日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト "sv,
         "  k: '日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト "
         "日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト\n"
         "    日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト "
         "日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト\n"
         "    日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト "
         "日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト\n"
         "    日本語のテキスト 日本語のテキスト 日本語のテキスト '\n"sv},
        {"v84_a_b", "a\342\200\251b"sv, "  k: 'a\342\200\251    b'\n"sv},
        {"v85_a", "a\342\200\250\n"sv,
         "  k: |+\n"
         "    a\342\200\250\n"sv},
        {"v86_tail", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 tail"sv,
         "  k: "
         "\"\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F60"
         "0\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600"
         "\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600"
         "\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600"
         "\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600"
         "\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600"
         "\\U0001F600\\U0001F600\n"
         "    tail\"\n"sv},
        {"v87_xxxxxxxxxxxxxxxxxxxxxxx",
         " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"sv,
         "  k: ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n"sv},
        {"v88_a_a_a_a_a_a_a_a_a_a_a_a",
         "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a "sv,
         "  k: 'a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a\n"
         "    a a a a a a a a a a a a a a a a a a a a a a '\n"sv},
        {"v89_a_b_c",
         "a b                                                                                                    c"sv,
         "  k: a b                                                                                                    c\n"sv},
        {"dq_dblspace_fold",
         "\tword word word word word word word word word word word word word word word a  b  c   d word word word word word word word word word word end"sv,
         "  k: \"\\tword word word word word word word word word word word word word word word\n"
         "    a  b  c   d word word word word word word word word word word end\"\n"sv},
        {"dq_space_at_fold",
         "\txxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx  y z z z z z z z z z z z z z z z z z z z z"sv,
         "  k: "
         "\"\\txxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
         "    \\ y z z z z z z z z z z z z z z z z z z z z\"\n"sv},
        {"dq_escape_long",
         "\téééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé tail \007\007\007 more words here"sv,
         "  k: "
         "\"\\téééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
         "éééééé\n"
         "    tail \\a\\a\\a more words here\"\n"sv},
        {"sq_fold_quote",
         "'it's a quote it's a quote it's a quote it's a quote it's a quote it's a quote it's a quote it's a quote it's a quote it's a quote "sv,
         "  k: '''it''s a quote it''s a quote it''s a quote it''s a quote it''s a quote it''s\n"
         "    a quote it''s a quote it''s a quote it''s a quote it''s a quote '\n"sv},
        {"sq_fold_nl_trail",
         "line one with words line one with words line one with words line one with words line one "
         "with words \n"
         "second line x x x x x x x x x x  "sv,
         "  k: \"line one with words line one with words line one with words line one with words\n"
         "    line one with words \\nsecond line x x x x x x x x x x  \"\n"sv},
        {"lit_ls",
         "a\342\200\250  b\n"
         "c\n"sv,
         "  k: |\n"
         "    a\342\200\250      b\n"
         "    c\n"sv},
        {"lit_leading_sp_lines",
         "first\n"
         "  second\n"
         "\n"
         "   third\n"sv,
         "  k: |\n"
         "    first\n"
         "      second\n"
         "\n"
         "       third\n"sv},
        {"lit_trailing_spaces_mid",
         "a  \n"
         "b"sv,
         "  k: \"a  \\nb\"\n"sv},
        {"plain_unicode_fold",
         "日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語"sv,
         "  k: 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 "
         "日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語\n"
         "    日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語 日本語\n"sv},
        {"plain_exact80",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c"sv,
         "  k: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
         "    b c\n"sv},
        {"plain_exact81",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c"sv,
         "  k: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
         "    b c\n"sv},
        {"tab_in_plain", "a\tb"sv, "  k: \"a\\tb\"\n"sv},
        {"nbsp_fold",
         "word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240 end word word word word word word word word word word "sv,
         "  k: "
         "'word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word"
         "\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302"
         "\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240w"
         "ord\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word\302\240word"
         "\302\240\n"
         "    end word word word word word word word word word word '\n"sv},
        {"sp_nl_sp",
         "a \n"
         " b"sv,
         "  k: \"a \\n b\"\n"sv},
        {"nl_sp_only",
         "\n"
         " "sv,
         "  k: \"\\n \"\n"sv},
        {"cr_only", "\015"sv, "  k: \"\\r\"\n"sv},
        {"lone_ls", "\342\200\250"sv, "  k: '\342\200\250'\n"sv},
        {"nel_spaces", "  \302\205  x  \302\205\302\205  y  "sv, "  k: \" x\\ny  \"\n"sv},
        {"bom_long",
         "\357\273\277word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word "sv,
         "  k: \"\\uFEFF\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\\x77\\x6F\\x72\\x64\\x20\"\n"sv},
};

const ErrorCase kAnnotationErrors[] = {
    {"c1", "a\302\200b"sv, "yaml: control characters are not allowed"sv},
    {"v78_x_y", "x\302\205--- y"sv, "yaml: line 2: found unexpected document indicator"sv},
    {"v81_x_y", "x\302\205...\302\205y"sv, "yaml: line 2: found unexpected document indicator"sv},
};

const AnnotationCase kKeyCases[] = {
    {"qkey0_yes", "yes"sv, "  \"yes\": v\n"sv},
    {"qkey1", ""sv, "  \"\": v\n"sv},
    {"qkey2_1_0", "1.0"sv, "  \"1.0\": v\n"sv},
    {"qkey3_a_b", "a: b"sv, "  'a: b': v\n"sv},
    {"qkey4_x_y",
     "x\n"
     "y"sv,
     "  ? |-\n"
     "    x\n"
     "    y\n"
     "  : v\n"sv},
    {"qkey6_x", "-x"sv, "  -x: v\n"sv},
    {"qkey7_k", "@k"sv, "  '@k': v\n"sv},
    {"qkey8_null", "null"sv, "  \"null\": v\n"sv},
    {"qkey9_2024_05_01", "2024-05-01"sv, "  \"2024-05-01\": v\n"sv},
    {"qkey10_sp", " sp"sv, "  ' sp': v\n"sv},
    {"qkey11_k", "k:"sv, "  'k:': v\n"sv},
};

class AnnotationValue : public testing::TestWithParam<AnnotationCase> {};

TEST_P(AnnotationValue, MatchesHelm) {
  const AnnotationCase& c = GetParam();
  EXPECT_EQ(json_to_yaml(chart_with_annotation("k", c.value)), expected_annotations(c.lines));
}

INSTANTIATE_TEST_SUITE_P(Helm3173, AnnotationValue, testing::ValuesIn(kAnnotationCases),
                         [](const auto& info) { return std::string(info.param.name); });

class AnnotationKey : public testing::TestWithParam<AnnotationCase> {};

TEST_P(AnnotationKey, MatchesHelm) {
  const AnnotationCase& c = GetParam();
  EXPECT_EQ(json_to_yaml(chart_with_annotation(c.value, "v")), expected_annotations(c.lines));
}

INSTANTIATE_TEST_SUITE_P(Helm3173, AnnotationKey, testing::ValuesIn(kKeyCases),
                         [](const auto& info) { return std::string(info.param.name); });

// Helm fails these with the same message (`helm show chart` prints "Error: <message>").
TEST(JsonToYaml, RejectsWhatYamlV2CannotReadBack) {
  for (const auto& c : kAnnotationErrors) {
    EXPECT_EQ(error_of(chart_with_annotation("k", c.value)), c.message) << c.name;
  }
  EXPECT_EQ(error_of(chart_with_annotation("a\302\205b", "v")),
            "yaml: line 1: did not find expected ',' or '}'");
  EXPECT_EQ(error_of(chart_with_annotation("k", "\177")),
            "yaml: control characters are not allowed");
  EXPECT_EQ(error_of(chart_with_annotation("k", "\357\277\276")),
            "yaml: control characters are not allowed");
}

// A mapping key in the JSON text must end (at its ':') within 1024 runes of its opening quote,
// counting the JSON escapes: 1022 runes pass, 1023 fail; "<" counts 6 (\u003c), "é" counts 1.
TEST(JsonToYaml, LongKeys) {
  for (const std::string& key : {std::string(1022, 'k'), "<" + std::string(1016, 'k')}) {
    EXPECT_EQ(json_to_yaml(chart_with_annotation(key, "v")),
              expected_annotations("  ? " + key + "\n  : v\n"));
  }
  std::string uni;
  for (int i = 0; i < 1021; ++i) uni += "\303\251";
  EXPECT_EQ(json_to_yaml(chart_with_annotation(uni + "a", "v")),
            expected_annotations("  ? " + uni + "a\n  : v\n"));
  for (const std::string& key :
       {std::string(1023, 'k'), "<" + std::string(1017, 'k'), uni + "\303\251\303\251"}) {
    EXPECT_EQ(error_of(chart_with_annotation(key, "v")), "yaml: did not find expected ',' or '}'");
  }
  // Over 128 bytes a key is no longer a simple key and gets "? " / ": " lines.
  const std::string k130(130, 'k');
  EXPECT_EQ(json_to_yaml(chart_with_annotation(k130, "v")),
            expected_annotations("  ? " + k130 + "\n  : v\n"));
  const std::string k128(128, 'k');
  EXPECT_EQ(json_to_yaml(chart_with_annotation(k128, "v")),  // derived from the emitter rules
            expected_annotations("  " + k128 + ": v\n"));
}

TEST(JsonToYaml, SortsKeysLikeYamlV2) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","annotations":{"-":"v",".":"v","0":"v","00":"v","001":"v","01":"v","1":"v","10":"v","2":"v","9z":"v","A":"v","B1":"v","Z":"v","_x":"v","a-b":"v","a.b":"v","a0":"v","a00":"v","a001":"v","a01":"v","a10":"v","a19":"v","a2":"v","a9":"v","aB":"v","a_b":"v","ab":"v","a²":"v","a٣":"v","b":"v","b1":"v","key with space":"v","x010":"v","x10":"v","x10y":"v","x9y":"v","z":"v","~":"v","©":"v","ª":"v","µ":"v","Ä":"v","ß":"v","é":"v","٣":"v","→":"v","日本":"v"}})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "annotations:\n"
            "  '-': v\n"
            "  .: v\n"
            "  _x: v\n"
            "  \"~\": v\n"
            "  ©: v\n"
            "  →: v\n"
            "  \"0\": v\n"
            "  \"00\": v\n"
            "  \"1\": v\n"
            "  \"01\": v\n"
            "  \"001\": v\n"
            "  \"2\": v\n"
            "  9z: v\n"
            "  \"10\": v\n"
            "  ٣: v\n"
            "  A: v\n"
            "  B1: v\n"
            "  Z: v\n"
            "  a-b: v\n"
            "  a.b: v\n"
            "  a_b: v\n"
            "  a²: v\n"
            "  a0: v\n"
            "  a00: v\n"
            "  a01: v\n"
            "  a001: v\n"
            "  a2: v\n"
            "  a9: v\n"
            "  a10: v\n"
            "  a19: v\n"
            "  a٣: v\n"
            "  aB: v\n"
            "  ab: v\n"
            "  b: v\n"
            "  b1: v\n"
            "  key with space: v\n"
            "  x9y: v\n"
            "  x10: v\n"
            "  x10y: v\n"
            "  x010: v\n"
            "  z: v\n"
            "  ª: v\n"
            "  µ: v\n"
            "  Ä: v\n"
            "  ß: v\n"
            "  é: v\n"
            "  日本: v\n"
            "apiVersion: v2\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, FoldsLongPlainScalarAt80) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"A Helm chart for deploying the very important application with many configurable components and sensible defaults for production clusters","apiVersion":"v2"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "description: A Helm chart for deploying the very important application with many "
            "configurable\n"
            "  components and sensible defaults for production clusters\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, KeepsOverlongWordOnOneLine) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"short xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx tail words here","apiVersion":"v2"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "description: short "
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            "xxxxxxxxxxxxxx\n"
            "  tail words here\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, FoldsOnlyAfterColumn80) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b b b b b b b b b b b b b b b b b b b b","apiVersion":"v2"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "description: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
            "  b b b b b b b b b b b b b b b b b b b b\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, SanitisedDescription) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"line1 line2 with tab","apiVersion":"v2"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "description: line1 line2 with tab\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, FoldsLongSingleQuotedScalar) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"1.0 lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ","apiVersion":"v2"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "description: '1.0 lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum\n"
            "  dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum\n"
            "  dolor sit amet '\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, FoldsSingleQuotedIndicatorScalar) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"@lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet end","apiVersion":"v2"})json";
  EXPECT_EQ(
      json_to_yaml(Json::parse(input)),
      "apiVersion: v2\n"
      "description: '@lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor\n"
      "  sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor\n"
      "  sit amet end'\n"
      "name: t\n"
      "version: 1.0.0\n");
}

TEST(JsonToYaml, NeverFoldsAtDoubleSpaces) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","description":"lorem  ipsum  dolor  sit  amet  lorem  ipsum  dolor  sit  amet  lorem  ipsum  dolor  sit  amet  lorem  ipsum  dolor  sit  amet  lorem  ipsum  dolor  sit  amet  end","apiVersion":"v2"})json";
  EXPECT_EQ(
      json_to_yaml(Json::parse(input)),
      "apiVersion: v2\n"
      "description: lorem  ipsum  dolor  sit  amet  lorem  ipsum  dolor  sit  amet  lorem  ipsum  "
      "dolor  sit  amet  lorem  ipsum  dolor  sit  amet  lorem  ipsum  dolor  sit  amet  end\n"
      "name: t\n"
      "version: 1.0.0\n");
}

TEST(JsonToYaml, FullChart) {
  const char* input =
      R"json({"name":"t","home":"https://example.com/home","sources":["https://github.com/x/y","git@github.com:x/y.git"],"version":"1.0.0","description":"Demo chart","keywords":["web","yes","1.0",""],"maintainers":[{"name":"Jane Doe","email":"jane@example.com","url":"https://jane.example.com"},{"name":"Bob"},{}],"icon":"https://example.com/icon.png","apiVersion":"v2","condition":"a.enabled","tags":"a,b","appVersion":"1.16.0","deprecated":true,"annotations":{"category":"Database","licenses":"Apache-2.0"},"kubeVersion":"\u003e=1.20.0-0","dependencies":[{"name":"redis","version":"~17.0.0","repository":"oci://registry-1.docker.io/bitnamicharts","condition":"redis.enabled","tags":["cache","db"],"import-values":["data",{"child":"a.b","parent":"c"}],"alias":"cache"},{"name":"local","repository":""}],"type":"application"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "annotations:\n"
            "  category: Database\n"
            "  licenses: Apache-2.0\n"
            "apiVersion: v2\n"
            "appVersion: 1.16.0\n"
            "condition: a.enabled\n"
            "dependencies:\n"
            "- alias: cache\n"
            "  condition: redis.enabled\n"
            "  import-values:\n"
            "  - data\n"
            "  - child: a.b\n"
            "    parent: c\n"
            "  name: redis\n"
            "  repository: oci://registry-1.docker.io/bitnamicharts\n"
            "  tags:\n"
            "  - cache\n"
            "  - db\n"
            "  version: ~17.0.0\n"
            "- name: local\n"
            "  repository: \"\"\n"
            "deprecated: true\n"
            "description: Demo chart\n"
            "home: https://example.com/home\n"
            "icon: https://example.com/icon.png\n"
            "keywords:\n"
            "- web\n"
            "- \"yes\"\n"
            "- \"1.0\"\n"
            "- \"\"\n"
            "kubeVersion: '>=1.20.0-0'\n"
            "maintainers:\n"
            "- email: jane@example.com\n"
            "  name: Jane Doe\n"
            "  url: https://jane.example.com\n"
            "- name: Bob\n"
            "- {}\n"
            "name: t\n"
            "sources:\n"
            "- https://github.com/x/y\n"
            "- git@github.com:x/y.git\n"
            "tags: a,b\n"
            "type: application\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, NumbersTakeYamlV2Types) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"nums","repository":"file://../nums","import-values":[1.0,1.5,1e+21,1e-07,-0.0,true,null,"s",[],{},1.2345678901234567e+19,1e-06,1e+20,123456.789,0.1,1e+100,-3.0,1234567.5,1e-05,2.5e-05]}]})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "dependencies:\n"
            "- import-values:\n"
            "  - 1\n"
            "  - 1.5\n"
            "  - 1e+21\n"
            "  - 1e-07\n"
            "  - 0\n"
            "  - true\n"
            "  - null\n"
            "  - s\n"
            "  - []\n"
            "  - {}\n"
            "  - 12345678901234567000\n"
            "  - 1e-06\n"
            "  - 1e+20\n"
            "  - 123456.789\n"
            "  - 0.1\n"
            "  - 1e+100\n"
            "  - -3\n"
            "  - 1.2345675e+06\n"
            "  - 1e-05\n"
            "  - 2.5e-05\n"
            "  name: nums\n"
            "  repository: file://../nums\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, FoldsInsideSequenceItemMapping) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","maintainers":[{"name":"A very long maintainer name A very long maintainer name A very long maintainer name A very long maintainer name end","email":"x@y.z"}],"apiVersion":"v2"})json";
  EXPECT_EQ(
      json_to_yaml(Json::parse(input)),
      "apiVersion: v2\n"
      "maintainers:\n"
      "- email: x@y.z\n"
      "  name: A very long maintainer name A very long maintainer name A very long maintainer\n"
      "    name A very long maintainer name end\n"
      "name: t\n"
      "version: 1.0.0\n");
}

TEST(JsonToYaml, NestedImportValues) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"d","repository":"","import-values":[{"child":"lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet ","parent":"x\ny\n"}]}]})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "dependencies:\n"
            "- import-values:\n"
            "  - child: 'lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor\n"
            "      sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit amet '\n"
            "    parent: |\n"
            "      x\n"
            "      y\n"
            "  name: d\n"
            "  repository: \"\"\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, QuotesVersionLikeStrings) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","appVersion":"1.0","kubeVersion":"1.2"})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "appVersion: \"1.0\"\n"
            "kubeVersion: \"1.2\"\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, TwoAnnotations) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","annotations":{"a":"w","b":"v"}})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "annotations:\n"
            "  a: w\n"
            "  b: v\n"
            "apiVersion: v2\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, NestedSequencesAndEmptyContainers) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"d","repository":"","import-values":[{"parent":"p","child":"c","zz":[[1.0,[2.0,[]]],{"a":{"b":{}}}]}]}]})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "dependencies:\n"
            "- import-values:\n"
            "  - child: c\n"
            "    parent: p\n"
            "    zz:\n"
            "    - - 1\n"
            "      - - 2\n"
            "        - []\n"
            "    - a:\n"
            "        b: {}\n"
            "  name: d\n"
            "  repository: \"\"\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, SequencesInSequences) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"d","repository":"","import-values":[[["a","b"],[]],"x\ny","long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long "]}]})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "dependencies:\n"
            "- import-values:\n"
            "  - - - a\n"
            "      - b\n"
            "    - []\n"
            "  - |-\n"
            "    x\n"
            "    y\n"
            "  - 'long long long long long long long long long long long long long long long long\n"
            "    long long long long long long long long long long long long long long '\n"
            "  name: d\n"
            "  repository: \"\"\n"
            "name: t\n"
            "version: 1.0.0\n");
}

TEST(JsonToYaml, ComplexKeysWithContainerValues) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"d","repository":"","import-values":[{"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk":{"a":"b"},"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll":["x","y"],"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm":"v w","nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\nz":{}}]}]})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "dependencies:\n"
            "- import-values:\n"
            "  - ? "
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n"
            "    : a: b\n"
            "    ? "
            "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
            "llllllllllllllllllllllllllllllllllllllllllll\n"
            "    : - x\n"
            "      - \"y\"\n"
            "    ? "
            "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
            "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\n"
            "    : v w\n"
            "    ? |-\n"
            "      "
            "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
            "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\n"
            "      z\n"
            "    : {}\n"
            "  name: d\n"
            "  repository: \"\"\n"
            "name: t\n"
            "version: 1.0.0\n");
}

// Keys needing "? " (over 128 bytes or multi-line) and quoting, next to a second key.
struct KeyCase {
  const char* name;
  std::string_view key;
  std::string_view lines;
};

const KeyCase kComplexKeys[] = {
    {"k_long_spaces",
     "long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words"sv,
     "  ? long key words long key words long key words long key words long key words long\n"
     "    key words long key words long key words long key words long key words long key\n"
     "    words long key words\n"
     "  : val\n"
     "  z: zz\n"sv},
    {"k_long_at",
     "@long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words"sv,
     "  ? '@long key words long key words long key words long key words long key words long\n"
     "    key words long key words long key words long key words long key words long key\n"
     "    words long key words'\n"
     "  : val\n"
     "  z: zz\n"sv},
    {"k_long_dq",
     "\tlong key words long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words long key words"sv,
     "  ? \"\\tlong key words long key words long key words long key words long key words\n"
     "    long key words long key words long key words long key words long key words long\n"
     "    key words long key words\"\n"
     "  : val\n"
     "  z: zz\n"sv},
    {"k_multiline_trail",
     "line one\n"
     "line two \n"sv,
     "  ? \"line one\\nline two \\n\"\n"
     "  : val\n"
     "  z: zz\n"sv},
    {"k_tab", "a\tb"sv,
     "  \"a\\tb\": val\n"
     "  z: zz\n"sv},
};

TEST(JsonToYaml, ComplexKeysNextToSimpleOnes) {
  for (const KeyCase& c : kComplexKeys) {
    Json annotations = Json::object();
    annotations[std::string(c.key)] = "val";
    annotations["z"] = "zz";
    const Json doc = {
        {"name", "t"}, {"version", "1.0.0"}, {"apiVersion", "v2"}, {"annotations", annotations}};
    EXPECT_EQ(json_to_yaml(doc), expected_annotations(c.lines)) << c.name;
  }
}

TEST(JsonToYaml, MappingsInSequencesInSequences) {
  const char* input =
      R"json({"name":"t","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"d","repository":"","import-values":[[{"a":"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word ","b":["x\ny",{}]}],{"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk":[[],[1.0]]}]}]})json";
  EXPECT_EQ(json_to_yaml(Json::parse(input)),
            "apiVersion: v2\n"
            "dependencies:\n"
            "- import-values:\n"
            "  - - a: 'word word word word word word word word word word word word word word word\n"
            "        word word word word word word word word word word word word word word word '\n"
            "      b:\n"
            "      - |-\n"
            "        x\n"
            "        y\n"
            "      - {}\n"
            "  - ? "
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n"
            "    : - []\n"
            "      - - 1\n"
            "  name: d\n"
            "  repository: \"\"\n"
            "name: t\n"
            "version: 1.0.0\n");
}

// `helm template` with `{{ X | toYaml }}` (toYaml trims the final "\n"; restored here).
TEST(JsonToYaml, RootValues) {
  EXPECT_EQ(json_to_yaml(Json("x")), "x\n");
  EXPECT_EQ(json_to_yaml(Json(nullptr)), "null\n");
  EXPECT_EQ(json_to_yaml(Json(true)), "true\n");
  EXPECT_EQ(json_to_yaml(Json(1.5)), "1.5\n");
  EXPECT_EQ(json_to_yaml(Json::array()), "[]\n");
  EXPECT_EQ(json_to_yaml(Json::object()), "{}\n");
  EXPECT_EQ(json_to_yaml(Json("yes")), "\"yes\"\n");
  EXPECT_EQ(json_to_yaml(Json("a\nb\n")), "|\n  a\n  b\n");
  EXPECT_EQ(json_to_yaml(Json::parse(R"(["a",{"b":1},["c",[]]])")), "- a\n- b: 1\n- - c\n  - []\n");
  EXPECT_EQ(json_to_yaml(Json::parse(R"(["- x","","@y"])")), "- '- x'\n- \"\"\n- '@y'\n");
  EXPECT_EQ(json_to_yaml(Json("The quick brown fox jumps over the lazy dog and keeps running "
                              "through the forest until it reaches the river")),
            "The quick brown fox jumps over the lazy dog and keeps running through the forest "
            "until\n  it reaches the river\n");
}

// `helm template` with `{{ .Values | toYaml }}`: YAML floats come back as float64, go through
// json.Marshal, and are re-typed by yaml.v2 (ints stay ints, floats use FormatFloat 'g').
TEST(JsonToYaml, ValuesWithFloats) {
  Json values = Json::parse(
      R"json({"b":true,"f1":0.1,"f10":-0,"f11":1e-7,"f12":100,"f13":0.00003,"f14":0.000123,"f15":-2.5e-10,"f16":123456789012345680,"f17":2.2250738585072014e-308,"f18":1000000000000000,"f19":1e+21,"f2":100000000000000000000,"f20":0.00001,"f3":1e+21,"f4":1.5e+300,"f5":5e-324,"f6":1.7976931348623157e+308,"f7":0.000001,"f8":9.99e-7,"f9":123456.789,"false":null,"i1":42,"i2":-7,"nested":{"a":[1,{"b":[[],{}]}],"c":{}},"s1":"\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e","s3":"quote\" back\\ slash/","s4":"é ß 日本","sarr":[],"sobj":{}})json");
  values["f10"] = -0.0;
  EXPECT_EQ(json_to_yaml(values),
            "b: true\n"
            "f1: 0.1\n"
            "f2: 1e+20\n"
            "f3: 1e+21\n"
            "f4: 1.5e+300\n"
            "f5: 5e-324\n"
            "f6: 1.7976931348623157e+308\n"
            "f7: 1e-06\n"
            "f8: 9.99e-07\n"
            "f9: 123456.789\n"
            "f10: 0\n"
            "f11: 1e-07\n"
            "f12: 100\n"
            "f13: 3e-05\n"
            "f14: 0.000123\n"
            "f15: -2.5e-10\n"
            "f16: 123456789012345680\n"
            "f17: 2.2250738585072014e-308\n"
            "f18: 1000000000000000\n"
            "f19: 1e+21\n"
            "f20: 1e-05\n"
            "\"false\": null\n"
            "i1: 42\n"
            "i2: -7\n"
            "nested:\n"
            "  a:\n"
            "  - 1\n"
            "  - b:\n"
            "    - []\n"
            "    - {}\n"
            "  c: {}\n"
            "s1: <a href=\"x\">&amp;</a>\n"
            "s3: quote\" back\\ slash/\n"
            "s4: é ß 日本\n"
            "sarr: []\n"
            "sobj: {}\n");
}

// Floats built directly (json.Marshal text, then yaml.v2's type for that text).
TEST(JsonToYaml, FloatsFollowJsonThenYamlTyping) {
  const std::pair<double, std::string_view> cases[] = {
      {1.0, "1"},
      {-0.0, "0"},
      {1.5, "1.5"},
      {1e21, "1e+21"},
      {1e-7, "1e-07"},
      {1e20, "1e+20"},
      {1e-6, "1e-06"},
      {123456.789, "123456.789"},
      {1234567.5, "1.2345675e+06"},
      {1e-5, "1e-05"},
      {0.0001, "0.0001"},
      {-3.0, "-3"},
      {1e100, "1e+100"},
      {12345678901234567890.0, "12345678901234567000"},
      {-1e19, "-1e+19"},
      {9223372036854775807.0, "9223372036854776000"},
  };
  for (const auto& [f, text] : cases) {
    EXPECT_EQ(json_to_yaml(Json::array({f})), "- " + std::string(text) + "\n") << f;
  }
  EXPECT_EQ(json_to_yaml(Json::array({std::int64_t{-9223372036854775807LL - 1},
                                      std::uint64_t{18446744073709551615ULL}})),
            "- -9223372036854775808\n- 18446744073709551615\n");
}

// Not captured: what json.Marshal refuses, and yaml.v2's scanner depth limit.
TEST(JsonToYaml, Errors) {
  EXPECT_EQ(error_of(Json(std::nan(""))), "json: unsupported value: NaN");
  EXPECT_EQ(error_of(Json::array({std::numeric_limits<double>::infinity()})),
            "json: unsupported value: +Inf");
  // yaml.v2 allows 10000 nested flow collections: the JSON root is level 1.
  auto nested = [](int levels) {
    Json doc = Json::array();
    for (int i = 1; i < levels; ++i) {
      Json outer = Json::array();
      outer.push_back(std::move(doc));
      doc = std::move(outer);
    }
    return doc;
  };
  EXPECT_EQ(error_of(nested(10001)), "yaml: exceeded max depth of 10000");
  EXPECT_NO_THROW(json_to_yaml(nested(10000)));
}

// Not captured (Go semantics): invalid UTF-8 becomes U+FFFD in json.Marshal; two keys that
// become equal collapse, the later value winning, as yaml.v2 decodes duplicate keys.
TEST(JsonToYaml, InvalidUtf8) {
  EXPECT_EQ(json_to_yaml(Json("a\377b")), "a\357\277\275b\n");
  Json doc = Json::object();
  doc["a\377"] = "1";
  doc["a\376"] = "2";
  EXPECT_EQ(json_to_yaml(doc), "a\357\277\275: \"2\"\n");
}

}  // namespace
}  // namespace ch::goyaml
