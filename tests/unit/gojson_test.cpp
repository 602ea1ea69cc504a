// Tests for ch::gojson. Unless a test says otherwise, every expected output below was captured
// from helm 3.17.3 on throwaway charts: `helm template` with templates printing
// `{{ .Chart | toJson | b64enc }}` (json.Marshal of the chart metadata), `{{ .Values | toJson }}`
// and `{{ .Values | toPrettyJson }}` (json.MarshalIndent(v, "", "  ")).
#include "gocompat/gojson.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "base/error.hpp"

namespace ch::gojson {
namespace {

using Json = nlohmann::ordered_json;
using namespace std::literals;

Json chart_with_annotation(std::string_view value) {
  Json annotations = Json::object();
  annotations["k"] = std::string(value);
  return Json{
      {"name", "t"}, {"version", "1.0.0"}, {"apiVersion", "v2"}, {"annotations", annotations}};
}

// Metadata of a chart whose only annotation `k` has a tricky value: Go string escaping.
struct MetadataCase {
  const char* name;
  std::string_view value;
  std::string_view json;
};

const MetadataCase
    kMetadataCases[] =
        {
            {"yes", "yes"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"yes\"}}"sv},
            {"no", "no"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"no\"}}"sv},
            {"on", "on"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"on\"}}"sv},
            {"off", "off"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"off\"}}"sv},
            {"y", "y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"y\"}}"sv},
            {"n", "n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"n\"}}"sv},
            {"True", "True"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"True\"}}"sv},
            {"false", "false"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"false\"}}"sv},
            {"null", "null"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"null\"}}"sv},
            {"Null", "Null"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"Null\"}}"sv},
            {"tilde", "~"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"~\"}}"sv},
            {"empty", ""sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\"}}"sv},
            {"f10", "1.0"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1.0\"}}"sv},
            {"i1", "1"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1\"}}"sv},
            {"neg1", "-1"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-1\"}}"sv},
            {"pos1", "+1"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+1\"}}"sv},
            {"hex", "0x1F"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0x1F\"}}"sv},
            {"hexlow", "0x1f"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0x1f\"}}"sv},
            {"oct", "0o17"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0o17\"}}"sv},
            {"oct0", "017"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"017\"}}"sv},
            {"bin", "0b101"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0b101\"}}"sv},
            {"negbin", "-0b101"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-0b101\"}}"sv},
            {"under", "1_000"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1_000\"}}"sv},
            {"exp", "1e3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e3\"}}"sv},
            {"expp", "1e+3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e+3\"}}"sv},
            {"dot5", ".5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".5\"}}"sv},
            {"inf", ".inf"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".inf\"}}"sv},
            {"ninf", "-.inf"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-.inf\"}}"sv},
            {"nan", ".nan"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".nan\"}}"sv},
            {"NaN", ".NaN"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".NaN\"}}"sv},
            {"pdot", "+.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+.5\"}}"sv},
            {"ver", "1.2.3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1.2.3\"}}"sv},
            {"date", "2024-05-01"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01\"}}"sv},
            {"dshort", "2024-5-1"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-5-1\"}}"sv},
            {"dtz", "2024-05-01T10:00:00Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00Z\"}}"sv},
            {"dspace", "2024-05-01 10:00:00"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01 10:00:00\"}}"sv},
            {"dbad", "2024-13-45"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-13-45\"}}"sv},
            {"dlower", "2024-05-01t10:00:00Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01t10:00:00Z\"}}"sv},
            {"dfrac", "2024-05-01T10:00:00.123456+02:00"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00.123456+02:00\"}}"sv},
            {"b60a", "12:30"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"12:30\"}}"sv},
            {"b60b", "1:20"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:20\"}}"sv},
            {"b60c", "190:20:30"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"190:20:30\"}}"sv},
            {"b60d", "-1:20"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-1:20\"}}"sv},
            {"b60e", "1:60"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:60\"}}"sv},
            {"b60f", "1:20.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:20.5\"}}"sv},
            {"dashx", "-x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-x\"}}"sv},
            {"dashsp", "- x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"- x\"}}"sv},
            {"dash", "-"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-\"}}"sv},
            {"dd", "--"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"--\"}}"sv},
            {"ddd", "---"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"---\"}}"sv},
            {"dddx", "--- x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"--- x\"}}"sv},
            {"dots", "..."sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"...\"}}"sv},
            {"dotsx", "...x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"...x\"}}"sv},
            {"colsp", "a: b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a: b\"}}"sv},
            {"colns", "a:b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a:b\"}}"sv},
            {"coltr", "a:"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a:\"}}"sv},
            {"colld", ":a"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\":a\"}}"sv},
            {"qsp", "? x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"? x\"}}"sv},
            {"qx", "?x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"?x\"}}"sv},
            {"hashsp", "a #b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a #b\"}}"sv},
            {"hashns", "a#b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a#b\"}}"sv},
            {"hash", "#x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"#x\"}}"sv},
            {"at", "@x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"@x\"}}"sv},
            {"bt", "`x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"`x\"}}"sv},
            {"pct", "%x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"%x\"}}"sv},
            {"amp", "&x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\u0026x\"}}"sv},
            {"star", "*x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"*x\"}}"sv},
            {"bang", "!x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"!x\"}}"sv},
            {"pipe", "|x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"|x\"}}"sv},
            {"gt", ">x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\u003ex\"}}"sv},
            {"sq", "'q'"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"'q'\"}}"sv},
            {"dq", "\"dq\""sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\\"dq\\\"\"}}"sv},
            {"brk", "[x]"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"[x]\"}}"sv},
            {"brc", "{x}"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"{x}\"}}"sv},
            {"comma", "a,b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a,b\"}}"sv},
            {"midbrk", "a[b]"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a[b]\"}}"sv},
            {"lead", " lead"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\" lead\"}}"sv},
            {"trail", "trail "sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"trail \"}}"sv},
            {"nl",
             "x\n"
             "y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\\ny\"}}"sv},
            {"nlend", "x\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\\n\"}}"sv},
            {"nlend2",
             "x\n"
             "\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\\n\\n\"}}"sv},
            {"nlstart",
             "\n"
             "x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\nx\"}}"sv},
            {"spnl",
             " x\n"
             "y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\" x\\ny\"}}"sv},
            {"spbeforenl",
             "x \n"
             "y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x \\ny\"}}"sv},
            {"nlsp",
             "x\n"
             " y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\\n y\"}}"sv},
            {"multi",
             "multi\n"
             "line\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"multi\\nline\\n\"}}"sv},
            {"uni", "é unicode"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"é unicode\"}}"sv},
            {"tab", "tab\there"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"tab\\there\"}}"sv},
            {"bell", "\007bell"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\u0007bell\"}}"sv},
            {"nul", "a\000b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\u0000b\"}}"sv},
            {"esc", "\033x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\u001bx\"}}"sv},
            {"nel", "\302\205x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\302\205x\"}}"sv},
            {"nelmid", "a\302\205b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\302\205b\"}}"sv},
            {"nel2", "a \302\205 \302\205 b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a \302\205 \302\205 b\"}}"sv},
            {"nbsp", "\302\240nbsp"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\302\240nbsp\"}}"sv},
            {"ls", "a\342\200\250b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\u2028b\"}}"sv},
            {"bom", "\357\273\277x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\357\273\277x\"}}"sv},
            {"bommid", "x\357\273\277y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\357\273\277y\"}}"sv},
            {"emoji", "smile 😀"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"smile 😀\"}}"sv},
            {"zwsp", "a\342\200\213b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\342\200\213b\"}}"sv},
            {"c1", "a\302\200b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\302\200b\"}}"sv},
            {"html", "<a>&b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\u003ca\\u003e\\u0026b\"}}"sv},
            {"apos", "it's"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"it's\"}}"sv},
            {"aposonly", "'"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"'\"}}"sv},
            {"dqonly", "\""sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\\"\"}}"sv},
            {"bs", "back\\slash"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"back\\\\slash\"}}"sv},
            {"crlf",
             "line1\015\n"
             "line2"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"line1\\r\\nline2\"}}"sv},
            {"tabnl", "x\ty\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\\ty\\n\"}}"sv},
            {"s200",
             "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\"}}"sv},
            {"nosp",
             "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij\"}}"sv},
            {"s200dq",
             "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th "sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th \"}}"sv},
            {"s200sq",
             "@The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"@The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\"}}"sv},
            {"s200tab",
             "\tThe quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\tThe quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\"}}"sv},
            {"s200nl",
             "The quick brown fox jumps over the lazy dog and keeps running through the forest "
             "until it reaches the river where it stops to drink some water before going home "
             "again The quick brown fox jumps over th\n"
             "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\\nThe quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\\n\"}}"sv},
            {"dblsp",
             "word word word word word word word word word word  two  spaces word word word word word word word word word word word word word word word end"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"word word word word word word word word word word  two  spaces word word word word word word word word word word word word word word word end\"}}"sv},
            {"longlit",
             "  indented\n"
             "The quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"  indented\\nThe quick brown fox jumps over the lazy dog and keeps running through the forest until it reaches the river where it stops to drink some water before going home again The quick brown fox jumps over th\\n\"}}"sv},
            {"crlit", "a\015b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\rb\"}}"sv},
            {"ff", "a\014b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\fb\"}}"sv},
            {"fffe", "a\357\277\275b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\357\277\275b\"}}"sv},
            {"space", " "sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\" \"}}"sv},
            {"tabonly", "\t"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\t\"}}"sv},
            {"nlonly", "\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\n\"}}"sv},
            {"nlnl",
             "\n"
             "\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\n\\n\"}}"sv},
            {"spsp", "a  b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a  b\"}}"sv},
            {"trailnl2",
             "a\n"
             "\n"
             "\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\n\\n\\n\"}}"sv},
            {"e1", "1e5x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e5x\"}}"sv},
            {"plus", "+"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+\"}}"sv},
            {"dot", "."sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".\"}}"sv},
            {"dotdot", ".."sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"..\"}}"sv},
            {"true_like", "tRUE"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"tRUE\"}}"sv},
            {"inf2", ".Inf"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".Inf\"}}"sv},
            {"inf3", "+.inf"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+.inf\"}}"sv},
            {"ox", "0x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0x\"}}"sv},
            {"hexbig", "0xFFFFFFFFFFFFFFFF"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0xFFFFFFFFFFFFFFFF\"}}"sv},
            {"hexbig2", "0x1FFFFFFFFFFFFFFFF"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0x1FFFFFFFFFFFFFFFF\"}}"sv},
            {"bigint", "99999999999999999999"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"99999999999999999999\"}}"sv},
            {"negfloat", "-1.5e-3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-1.5e-3\"}}"sv},
            {"floatdot", "1."sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1.\"}}"sv},
            {"under2", "1_0.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1_0.5\"}}"sv},
            {"ee", "1e"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e\"}}"sv},
            {"merge", "<<"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"\\u003c\\u003c\"}}"sv},
            {"question", "?"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"?\"}}"sv},
            {"colon", ":"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\":\"}}"sv},
            {"hashonly", "#"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"#\"}}"sv},
            {"dollar", "$x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"$x\"}}"sv},
            {"eq", "=x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"=x\"}}"sv},
            {"tilde2", "~x"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"~x\"}}"sv},
            {"brkonly", "]"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"]\"}}"sv},
            {"v0_1e999", "1e999"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e999\"}}"sv},
            {"v1_5e999", ".5e999"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".5e999\"}}"sv},
            {"v2_5_0", ".5_0"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".5_0\"}}"sv},
            {"v3_0b_101", "0b-101"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0b-101\"}}"sv},
            {"v4_0b_101", "0b+101"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0b+101\"}}"sv},
            {"v5_0b_101", "-0b-101"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-0b-101\"}}"sv},
            {"v6_08", "08"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"08\"}}"sv},
            {"v7_09", "09"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"09\"}}"sv},
            {"v8_2024_05_01T10_00_00z", "2024-05-01T10:00:00z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00z\"}}"sv},
            {"v9_2024_02_30", "2024-02-30"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-02-30\"}}"sv},
            {"v10_2024_02_29", "2024-02-29"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-02-29\"}}"sv},
            {"v11_2023_02_29", "2023-02-29"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2023-02-29\"}}"sv},
            {"v12_2024_05_01_10_00_00", "2024-05-01   10:00:00"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01   10:00:00\"}}"sv},
            {"v13_2024_05_01T24_00_00Z", "2024-05-01T24:00:00Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T24:00:00Z\"}}"sv},
            {"v14_2024_05_01T10_00_00_25_0", "2024-05-01T10:00:00+25:00"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00+25:00\"}}"sv},
            {"v15_2024_05_01T10_00_00_24_0", "2024-05-01T10:00:00+24:00"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00+24:00\"}}"sv},
            {"v16_2024_05_01T10_00_00_5", "2024-05-01T10:00:00.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00.5\"}}"sv},
            {"v17_2024_05_01_10_00_00_5", "2024-05-01 10:00:00.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01 10:00:00.5\"}}"sv},
            {"v18_2024_05_01T1_2_3Z", "2024-05-01T1:2:3Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T1:2:3Z\"}}"sv},
            {"v19_2024_05_01T10_00_00_5Z", "2024-05-01T10:00:00,5Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00,5Z\"}}"sv},
            {"v20_2024_05_01T10_00_60Z", "2024-05-01T10:00:60Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:60Z\"}}"sv},
            {"v21_2024_05_01T10_00_00_0200", "2024-05-01T10:00:00+0200"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00+0200\"}}"sv},
            {"v22_2024_05_01T10_00_00_02_0", "2024-05-01T10:00:00+02:0"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00+02:0\"}}"sv},
            {"v23_2024_05_01_10_00_00Z", "2024-05-01 10:00:00Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01 10:00:00Z\"}}"sv},
            {"v24_2024_05_01", "2024-05-01 "sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01 \"}}"sv},
            {"v25_2024_5_001", "2024-5-001"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-5-001\"}}"sv},
            {"v26_20240_05_01", "20240-05-01"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"20240-05-01\"}}"sv},
            {"v27_2024_05", "2024-05"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05\"}}"sv},
            {"v28_2024_05_01T10_00_00_Z", "2024-05-01T10:00:00.Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00.Z\"}}"sv},
            {"v29_2024_05_01T10_00_00_1234", "2024-05-01T10:00:00.123456789123Z"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"2024-05-01T10:00:00.123456789123Z\"}}"sv},
            {"v30_1_0", "1__0"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1__0\"}}"sv},
            {"v31_1", "_1"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"_1\"}}"sv},
            {"v32_1", "1_"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1_\"}}"sv},
            {"v33_0x1F", "+0x1F"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+0x1F\"}}"sv},
            {"v34_0x1F", "-0x1F"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-0x1F\"}}"sv},
            {"v35_0X1F", "0X1F"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0X1F\"}}"sv},
            {"v36_0B1", "0B1"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0B1\"}}"sv},
            {"v37_0O7", "0O7"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0O7\"}}"sv},
            {"v38_0o8", "0o8"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0o8\"}}"sv},
            {"v39_1e5", "1e5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e5\"}}"sv},
            {"v40_1E5", "1E5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1E5\"}}"sv},
            {"v41_1e5", "+1e5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+1e5\"}}"sv},
            {"v42_1_5E_3", "1.5E+3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1.5E+3\"}}"sv},
            {"v43_5", "-.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-.5\"}}"sv},
            {"v44_5e3", "+.5e3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+.5e3\"}}"sv},
            {"v45_5e3", ".5e3"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".5e3\"}}"sv},
            {"v46_5", "._5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"._5\"}}"sv},
            {"v47_5", ".5_"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".5_\"}}"sv},
            {"v48_e5", ".e5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".e5\"}}"sv},
            {"v49_1_e5", "1.e5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1.e5\"}}"sv},
            {"v50_0", "0."sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0.\"}}"sv},
            {"v51_00", "00"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"00\"}}"sv},
            {"v52_0_0", "0_0"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0_0\"}}"sv},
            {"v53_1_2_3_5", "1:2:3.5_"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:2:3.5_\"}}"sv},
            {"v54_1_2_3_5", "1:2:3.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:2:3.5\"}}"sv},
            {"v55_1_0_20", "1_0:20"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1_0:20\"}}"sv},
            {"v56_1_2_0", "1:2_0"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:2_0\"}}"sv},
            {"v57_1_20", "+1:20"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+1:20\"}}"sv},
            {"v58_1_5", "1:5:"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1:5:\"}}"sv},
            {"v59_9223372036854775807", "9223372036854775807"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"9223372036854775807\"}}"sv},
            {"v60_9223372036854775808", "9223372036854775808"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"9223372036854775808\"}}"sv},
            {"v61_9223372036854775808", "-9223372036854775808"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-9223372036854775808\"}}"sv},
            {"v62_9223372036854775809", "-9223372036854775809"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-9223372036854775809\"}}"sv},
            {"v63_18446744073709551615", "18446744073709551615"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"18446744073709551615\"}}"sv},
            {"v64_18446744073709551616", "18446744073709551616"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"18446744073709551616\"}}"sv},
            {"v65_0x8000000000000000", "0x8000000000000000"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0x8000000000000000\"}}"sv},
            {"v66_0x8000000000000000", "-0x8000000000000000"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-0x8000000000000000\"}}"sv},
            {"v67_0b1111111111111111111111",
             "0b1111111111111111111111111111111111111111111111111111111111111111"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0b1111111111111111111111111111111111111111111111111111111111111111\"}}"sv},
            {"v68_0b100000000000000000000",
             "-0b1000000000000000000000000000000000000000000000000000000000000000"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"-0b1000000000000000000000000000000000000000000000000000000000000000\"}}"sv},
            {"v69_1e_999", "1e-999"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1e-999\"}}"sv},
            {"v70_0e99999999999", ".0e99999999999"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".0e99999999999\"}}"sv},
            {"v71_Inf", "Inf"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"Inf\"}}"sv},
            {"v72_infinity", "infinity"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"infinity\"}}"sv},
            {"v73_NaN", "NaN"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"NaN\"}}"sv},
            {"v74_inf", "+inf"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"+inf\"}}"sv},
            {"v75_0x1p_2", "0x1p-2"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"0x1p-2\"}}"sv},
            {"v76_5_5", ".5.5"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\".5.5\"}}"sv},
            {"v77_1_5", "1.5."sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"1.5.\"}}"sv},
            {"v78_x_y", "x\302\205--- y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\302\205--- y\"}}"sv},
            {"v79_x", "x\302\205---"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\302\205---\"}}"sv},
            {"v80_x_y", "x\302\205 --- y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\302\205 --- y\"}}"sv},
            {"v81_x_y", "x\302\205...\302\205y"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"x\302\205...\302\205y\"}}"sv},
            {"v82",
             "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\"}}"sv},
            {"v83",
             "日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト "sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト 日本語のテキスト \"}}"sv},
            {"v84_a_b", "a\342\200\251b"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\u2029b\"}}"sv},
            {"v85_a", "a\342\200\250\n"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a\\u2028\\n\"}}"sv},
            {"v86_tail", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 tail"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 tail\"}}"sv},
            {"v87_xxxxxxxxxxxxxxxxxxxxxxx",
             " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\" xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}"sv},
            {"v88_a_a_a_a_a_a_a_a_a_a_a_a",
             "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a "sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a \"}}"sv},
            {"v89_a_b_c",
             "a b                                                                                                    c"sv,
             "{\"name\":\"t\",\"version\":\"1.0.0\",\"apiVersion\":\"v2\",\"annotations\":{\"k\":\"a b                                                                                                    c\"}}"sv},
};

class MetadataJson : public testing::TestWithParam<MetadataCase> {};

TEST_P(MetadataJson, MatchesHelm) {
  const MetadataCase& c = GetParam();
  EXPECT_EQ(marshal(chart_with_annotation(c.value)), c.json);
}

INSTANTIATE_TEST_SUITE_P(Helm3173, MetadataJson, testing::ValuesIn(kMetadataCases),
                         [](const auto& info) { return std::string(info.param.name); });

// `helm create mychart`: the default chart's metadata (spec §1.3 example) and its toPrettyJson.
TEST(Marshal, DefaultChartMetadata) {
  const Json doc = {{"name", "mychart"},
                    {"version", "0.1.0"},
                    {"description", "A Helm chart for Kubernetes"},
                    {"apiVersion", "v2"},
                    {"appVersion", "1.16.0"},
                    {"type", "application"}};
  EXPECT_EQ(marshal(doc),
            R"({"name":"mychart","version":"0.1.0","description":"A Helm chart for Kubernetes",)"
            R"("apiVersion":"v2","appVersion":"1.16.0","type":"application"})");
  EXPECT_EQ(marshal_indent(doc, "  "),
            "{\n"
            "  \"name\": \"mychart\",\n"
            "  \"version\": \"0.1.0\",\n"
            "  \"description\": \"A Helm chart for Kubernetes\",\n"
            "  \"apiVersion\": \"v2\",\n"
            "  \"appVersion\": \"1.16.0\",\n"
            "  \"type\": \"application\"\n"
            "}");
}

// A chart with maintainers and dependencies, as `.Chart` (after Helm's dependency processing,
// hence "enabled" and the rewritten import-values): nested arrays and objects, \u003e.
TEST(Marshal, ChartWithDependencies) {
  const std::string captured =
      "{\"name\":\"t\",\"home\":\"https://example.com/home\",\"sources\":[\"https://github.com/x/"
      "y\",\"git@github.com:x/y.git\"],\"version\":\"1.0.0\",\"description\":\"Demo "
      "chart\",\"keywords\":[\"web\",\"yes\",\"1.0\",\"\"],\"maintainers\":[{\"name\":\"Jane "
      "Doe\",\"email\":\"jane@example.com\",\"url\":\"https://"
      "jane.example.com\"},{\"name\":\"Bob\"},{}],\"icon\":\"https://example.com/"
      "icon.png\",\"apiVersion\":\"v2\",\"condition\":\"a.enabled\",\"tags\":\"a,b\","
      "\"appVersion\":\"1.16.0\",\"deprecated\":true,\"annotations\":{\"category\":\"Database\","
      "\"licenses\":\"Apache-2.0\"},\"kubeVersion\":\"\\u003e=1.20.0-0\",\"dependencies\":[{"
      "\"name\":\"cache\",\"version\":\"~17.0.0\",\"repository\":\"oci://registry-1.docker.io/"
      "bitnamicharts\",\"condition\":\"redis.enabled\",\"tags\":[\"cache\",\"db\"],\"enabled\":"
      "true,\"import-values\":[{\"child\":\"exports.data\",\"parent\":\".\"},{\"child\":\"a.b\","
      "\"parent\":\"c\"}],\"alias\":\"cache\"},{\"name\":\"local\",\"repository\":\"\",\"enabled\":"
      "true}],\"type\":\"application\"}";
  EXPECT_EQ(marshal(Json::parse(captured)), captured);
}

// `.Values` of a values.yaml with floats, control characters, HTML characters, U+2028/9,
// U+FEFF, DEL and C1 controls (written raw), emoji; json.Marshal and json.MarshalIndent.
TEST(Marshal, ValuesFloatsAndEscapes) {
  const std::string captured =
      "{\"b\":true,\"f1\":0.1,\"f10\":-0,\"f11\":1e-7,\"f12\":100,\"f13\":0.00003,\"f14\":0.000123,"
      "\"f15\":-2.5e-10,\"f16\":123456789012345680,\"f17\":2.2250738585072014e-308,\"f18\":"
      "1000000000000000,\"f19\":1e+21,\"f2\":100000000000000000000,\"f20\":0.00001,\"f3\":1e+21,"
      "\"f4\":1.5e+300,\"f5\":5e-324,\"f6\":1.7976931348623157e+308,\"f7\":0.000001,\"f8\":9.99e-7,"
      "\"f9\":123456.789,\"false\":null,\"i1\":42,\"i2\":-7,\"nested\":{\"a\":[1,{\"b\":[[],{}]}],"
      "\"c\":{}},\"s1\":\"\\u003ca "
      "href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/"
      "a\\u003e\",\"s2\":"
      "\"\\u0000\\u0001\\u0007\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\177\302\200\302\205\302\240\\u20"
      "28\\u2029\357\273\277😀\",\"s3\":\"quote\\\" back\\\\ slash/\",\"s4\":\"é ß "
      "日本\",\"sarr\":[],\"sobj\":{}}";
  const std::string pretty =
      "{\n"
      "  \"b\": true,\n"
      "  \"f1\": 0.1,\n"
      "  \"f10\": -0,\n"
      "  \"f11\": 1e-7,\n"
      "  \"f12\": 100,\n"
      "  \"f13\": 0.00003,\n"
      "  \"f14\": 0.000123,\n"
      "  \"f15\": -2.5e-10,\n"
      "  \"f16\": 123456789012345680,\n"
      "  \"f17\": 2.2250738585072014e-308,\n"
      "  \"f18\": 1000000000000000,\n"
      "  \"f19\": 1e+21,\n"
      "  \"f2\": 100000000000000000000,\n"
      "  \"f20\": 0.00001,\n"
      "  \"f3\": 1e+21,\n"
      "  \"f4\": 1.5e+300,\n"
      "  \"f5\": 5e-324,\n"
      "  \"f6\": 1.7976931348623157e+308,\n"
      "  \"f7\": 0.000001,\n"
      "  \"f8\": 9.99e-7,\n"
      "  \"f9\": 123456.789,\n"
      "  \"false\": null,\n"
      "  \"i1\": 42,\n"
      "  \"i2\": -7,\n"
      "  \"nested\": {\n"
      "    \"a\": [\n"
      "      1,\n"
      "      {\n"
      "        \"b\": [\n"
      "          [],\n"
      "          {}\n"
      "        ]\n"
      "      }\n"
      "    ],\n"
      "    \"c\": {}\n"
      "  },\n"
      "  \"s1\": \"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\",\n"
      "  \"s2\": "
      "\"\\u0000\\u0001\\u0007\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\177\302\200\302\205\302\240\\u20"
      "28\\u2029\357\273\277😀\",\n"
      "  \"s3\": \"quote\\\" back\\\\ slash/\",\n"
      "  \"s4\": \"é ß 日本\",\n"
      "  \"sarr\": [],\n"
      "  \"sobj\": {}\n"
      "}";
  Json values = Json::parse(captured);
  values["f10"] = -0.0;  // Json::parse reads "-0" as the integer 0; Helm has the float -0
  EXPECT_EQ(marshal(values), captured);
  EXPECT_EQ(marshal_indent(values, "  "), pretty);
}

// `{{ .Files.Get "bin.dat" | toJson }}`: each byte of invalid UTF-8 becomes the escape \ufffd;
// truncated sequences, surrogates, overlong forms and code points past U+10FFFF included.
TEST(Marshal, InvalidUtf8) {
  const std::string bytes =
      "ok \xff \xc3\x28 \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf \xe0\x80\xaf "
      "\xf0\x9f\x98\x80 \xe2\x82\xac end\x80";
  EXPECT_EQ(marshal(Json(bytes)),
            "\"ok \\ufffd \\ufffd( \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd "
            "\\ufffd\\ufffd\\ufffd\\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd 😀 € end\\ufffd\"");
}

// Floats as Go writes them (shortest digits; 'e' below 1e-6 and from 1e21 on, "e-7" not
// "e-07"). Captured through `.Values | toJson` in ValuesFloatsAndEscapes; repeated here directly.
TEST(FormatFloat, GoSpelling) {
  const std::pair<double, std::string_view> cases[] = {
      {0.1, "0.1"},
      {1e20, "100000000000000000000"},
      {1e21, "1e+21"},
      {1.5e300, "1.5e+300"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {1e-6, "0.000001"},
      {9.99e-7, "9.99e-7"},
      {123456.789, "123456.789"},
      {-0.0, "-0"},
      {0.0, "0"},
      {1e-7, "1e-7"},
      {100.0, "100"},
      {3.0e-5, "0.00003"},
      {0.000123, "0.000123"},
      {-2.5e-10, "-2.5e-10"},
      {123456789012345678.0, "123456789012345680"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {1e15, "1000000000000000"},
      {999999999999999999999.0, "1e+21"},
      {1e-5, "0.00001"},
      {0.1 + 0.2, "0.30000000000000004"},  // not captured: shortest round-trip digits
  };
  for (const auto& [f, text] : cases) {
    EXPECT_EQ(format_float(f), text);
    EXPECT_EQ(marshal(Json(f)), text);
  }
}

// Not captured (Go semantics): what json.Marshal refuses.
TEST(Marshal, UnsupportedValues) {
  for (double f : {std::nan(""), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(marshal(Json::array({f})), Error);
  }
  try {
    marshal(Json(-std::numeric_limits<double>::infinity()));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_STREQ(e.what(), "json: unsupported value: -Inf");
  }
}

// Not captured (Go semantics): the remaining value kinds.
TEST(Marshal, Scalars) {
  EXPECT_EQ(marshal(Json(nullptr)), "null");
  EXPECT_EQ(marshal(Json(true)), "true");
  EXPECT_EQ(marshal(Json(false)), "false");
  EXPECT_EQ(marshal(Json(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(marshal(Json(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(marshal(Json("")), "\"\"");
  EXPECT_EQ(marshal(Json("\xe2\x80\xa8\xe2\x80\xa9")), R"("\u2028\u2029")");
  EXPECT_EQ(marshal(Json::object()), "{}");
  EXPECT_EQ(marshal(Json::array()), "[]");
  // []byte is base64 in Go; nlohmann's binary plays that part.
  EXPECT_EQ(marshal(Json::binary({'h', 'i', '!', '?'})), "\"aGkhPw==\"");
  EXPECT_EQ(marshal(Json::binary({})), "\"\"");
  EXPECT_EQ(marshal(Json::binary({'a', 'b'})), "\"YWI=\"");
}

// Docker's config.json is json.MarshalIndent(cfg, "", "\t"); Go keeps empty containers
// compact and breaks lines even for an empty indent. Derived from json.Indent's rules.
TEST(MarshalIndent, TabsAndEmptyIndent) {
  const Json config = Json::parse(R"({"auths":{"r.example.com":{"auth":"dTpw"}},"x":[],"y":{}})");
  EXPECT_EQ(marshal_indent(config, "\t"),
            "{\n"
            "\t\"auths\": {\n"
            "\t\t\"r.example.com\": {\n"
            "\t\t\t\"auth\": \"dTpw\"\n"
            "\t\t}\n"
            "\t},\n"
            "\t\"x\": [],\n"
            "\t\"y\": {}\n"
            "}");
  EXPECT_EQ(marshal_indent(Json::parse("[1,[2]]"), ""), "[\n1,\n[\n2\n]\n]");
  EXPECT_EQ(marshal_indent(Json("<"), "\t"), "\"\\u003c\"");
  EXPECT_EQ(marshal_indent(Json::object(), "\t"), "{}");
}

// Deep documents: Go has no depth limit, neither do we (no recursion).
TEST(Marshal, DeepNesting) {
  Json doc = Json::array();
  for (int i = 0; i < 100000; ++i) {
    Json outer = Json::object();
    outer["a"] = std::move(doc);
    doc = std::move(outer);
  }
  const std::string out = marshal(doc);
  EXPECT_EQ(out.size(), 100000 * 6 + 2);
  EXPECT_EQ(out.substr(0, 12), R"({"a":{"a":{")");
}

TEST(ValidUtf8, ReplacesEachInvalidByte) {
  EXPECT_EQ(valid_utf8("a\xff"
                       "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(valid_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(valid_utf8("\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9"),
            "\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9");
  EXPECT_EQ(valid_utf8(""), "");
}

}  // namespace
}  // namespace ch::gojson
