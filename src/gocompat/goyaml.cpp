// How this reproduces sigs.k8s.io/yaml JSONToYAML(json.Marshal(x)) without Go:
//  1. "Decode": walk the document in json.Marshal order and turn it into what yaml.v2's
//     Unmarshal makes of that JSON text: strings keep their (U+FFFD-repaired) runes except that
//     a raw U+0085 folds like a line break in a double-quoted scalar; numbers take the type the
//     resolver gives their JSON spelling; maps are sorted with sorter.go's key order.
//  2. "Encode": the styles encode.go asks for (stringv), then the libyaml emitter (emitterc.go)
//     state for the subset of events yaml.v2 produces: block mappings and sequences, flow style
//     only for empty ones, scalars in plain, single-quoted, double-quoted or literal style.
#include "gocompat/goyaml.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/error.hpp"
#include "gocompat/gojson.hpp"

namespace ch::goyaml {
namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void fail(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message);
}

// yaml.v2 prefixes parser errors with "line N: " when the (0-based) mark line is not 0;
// scanner errors report the line one higher.
[[noreturn]] void fail_at(int line, const std::string& problem) {
  fail(line != 0 ? "yaml: line " + std::to_string(line) + ": " + problem : "yaml: " + problem);
}

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
char lower(char c) {
  return static_cast<char>(c | 0x20);
}

// ---------------------------------------------------------------------------------------------
// Go's unicode.IsLetter (categories Lu Ll Lt Lm Lo) and unicode.IsDigit (Nd), Unicode 15.0 as in
// Go 1.23, for runes >= 0x80. Generated from UnicodeData.txt 15.0.0.

struct Range {
  char32_t lo, hi;
};

// clang-format off
constexpr Range kLetters[] = {
    {0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1},
    {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE}, {0x370, 0x374}, {0x376, 0x377},
    {0x37A, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1},
    {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588},
    {0x5D0, 0x5EA}, {0x5EF, 0x5F2}, {0x620, 0x64A}, {0x66E, 0x66F}, {0x671, 0x6D3}, {0x6D5, 0x6D5},
    {0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x710}, {0x712, 0x72F},
    {0x74D, 0x7A5}, {0x7B1, 0x7B1}, {0x7CA, 0x7EA}, {0x7F4, 0x7F5}, {0x7FA, 0x7FA}, {0x800, 0x815},
    {0x81A, 0x81A}, {0x824, 0x824}, {0x828, 0x828}, {0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887},
    {0x889, 0x88E}, {0x8A0, 0x8C9}, {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950}, {0x958, 0x961},
    {0x971, 0x980}, {0x985, 0x98C}, {0x98F, 0x990}, {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2},
    {0x9B6, 0x9B9}, {0x9BD, 0x9BD}, {0x9CE, 0x9CE}, {0x9DC, 0x9DD}, {0x9DF, 0x9E1}, {0x9F0, 0x9F1},
    {0x9FC, 0x9FC}, {0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33},
    {0xA35, 0xA36}, {0xA38, 0xA39}, {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA72, 0xA74}, {0xA85, 0xA8D},
    {0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABD, 0xABD},
    {0xAD0, 0xAD0}, {0xAE0, 0xAE1}, {0xAF9, 0xAF9}, {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28},
    {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3D, 0xB3D}, {0xB5C, 0xB5D}, {0xB5F, 0xB61},
    {0xB71, 0xB71}, {0xB83, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A},
    {0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBD0, 0xBD0},
    {0xC05, 0xC0C}, {0xC0E, 0xC10}, {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC3D}, {0xC58, 0xC5A},
    {0xC5D, 0xC5D}, {0xC60, 0xC61}, {0xC80, 0xC80}, {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8},
    {0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBD, 0xCBD}, {0xCDD, 0xCDE}, {0xCE0, 0xCE1}, {0xCF1, 0xCF2},
    {0xD04, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A}, {0xD3D, 0xD3D}, {0xD4E, 0xD4E}, {0xD54, 0xD56},
    {0xD5F, 0xD61}, {0xD7A, 0xD7F}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD},
    {0xDC0, 0xDC6}, {0xE01, 0xE30}, {0xE32, 0xE33}, {0xE40, 0xE46}, {0xE81, 0xE82}, {0xE84, 0xE84},
    {0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB0}, {0xEB2, 0xEB3}, {0xEBD, 0xEBD},
    {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF40, 0xF47}, {0xF49, 0xF6C},
    {0xF88, 0xF8C}, {0x1000, 0x102A}, {0x103F, 0x103F}, {0x1050, 0x1055}, {0x105A, 0x105D},
    {0x1061, 0x1061}, {0x1065, 0x1066}, {0x106E, 0x1070}, {0x1075, 0x1081}, {0x108E, 0x108E},
    {0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD}, {0x10D0, 0x10FA}, {0x10FC, 0x1248},
    {0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D}, {0x1260, 0x1288},
    {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE}, {0x12C0, 0x12C0},
    {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315}, {0x1318, 0x135A},
    {0x1380, 0x138F}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F},
    {0x1681, 0x169A}, {0x16A0, 0x16EA}, {0x16F1, 0x16F8}, {0x1700, 0x1711}, {0x171F, 0x1731},
    {0x1740, 0x1751}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1780, 0x17B3}, {0x17D7, 0x17D7},
    {0x17DC, 0x17DC}, {0x1820, 0x1878}, {0x1880, 0x1884}, {0x1887, 0x18A8}, {0x18AA, 0x18AA},
    {0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1950, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB},
    {0x19B0, 0x19C9}, {0x1A00, 0x1A16}, {0x1A20, 0x1A54}, {0x1AA7, 0x1AA7}, {0x1B05, 0x1B33},
    {0x1B45, 0x1B4C}, {0x1B83, 0x1BA0}, {0x1BAE, 0x1BAF}, {0x1BBA, 0x1BE5}, {0x1C00, 0x1C23},
    {0x1C4D, 0x1C4F}, {0x1C5A, 0x1C7D}, {0x1C80, 0x1C88}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF},
    {0x1CE9, 0x1CEC}, {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6}, {0x1CFA, 0x1CFA}, {0x1D00, 0x1DBF},
    {0x1E00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57},
    {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4},
    {0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3},
    {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2071, 0x2071},
    {0x207F, 0x207F}, {0x2090, 0x209C}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113},
    {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128},
    {0x212A, 0x212D}, {0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149}, {0x214E, 0x214E},
    {0x2183, 0x2184}, {0x2C00, 0x2CE4}, {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0x2D00, 0x2D25},
    {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F}, {0x2D80, 0x2D96},
    {0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6},
    {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE}, {0x2E2F, 0x2E2F}, {0x3005, 0x3006},
    {0x3031, 0x3035}, {0x303B, 0x303C}, {0x3041, 0x3096}, {0x309D, 0x309F}, {0x30A1, 0x30FA},
    {0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF}, {0x31F0, 0x31FF},
    {0x3400, 0x4DBF}, {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA61F},
    {0xA62A, 0xA62B}, {0xA640, 0xA66E}, {0xA67F, 0xA69D}, {0xA6A0, 0xA6E5}, {0xA717, 0xA71F},
    {0xA722, 0xA788}, {0xA78B, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9},
    {0xA7F2, 0xA801}, {0xA803, 0xA805}, {0xA807, 0xA80A}, {0xA80C, 0xA822}, {0xA840, 0xA873},
    {0xA882, 0xA8B3}, {0xA8F2, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA8FE}, {0xA90A, 0xA925},
    {0xA930, 0xA946}, {0xA960, 0xA97C}, {0xA984, 0xA9B2}, {0xA9CF, 0xA9CF}, {0xA9E0, 0xA9E4},
    {0xA9E6, 0xA9EF}, {0xA9FA, 0xA9FE}, {0xAA00, 0xAA28}, {0xAA40, 0xAA42}, {0xAA44, 0xAA4B},
    {0xAA60, 0xAA76}, {0xAA7A, 0xAA7A}, {0xAA7E, 0xAAAF}, {0xAAB1, 0xAAB1}, {0xAAB5, 0xAAB6},
    {0xAAB9, 0xAABD}, {0xAAC0, 0xAAC0}, {0xAAC2, 0xAAC2}, {0xAADB, 0xAADD}, {0xAAE0, 0xAAEA},
    {0xAAF2, 0xAAF4}, {0xAB01, 0xAB06}, {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26},
    {0xAB28, 0xAB2E}, {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABE2}, {0xAC00, 0xD7A3},
    {0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06},
    {0xFB13, 0xFB17}, {0xFB1D, 0xFB1D}, {0xFB1F, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C},
    {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44}, {0xFB46, 0xFBB1}, {0xFBD3, 0xFD3D},
    {0xFD50, 0xFD8F}, {0xFD92, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE70, 0xFE74}, {0xFE76, 0xFEFC},
    {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF},
    {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC}, {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
    {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
    {0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F}, {0x1032D, 0x10340},
    {0x10342, 0x10349}, {0x10350, 0x10375}, {0x10380, 0x1039D}, {0x103A0, 0x103C3},
    {0x103C8, 0x103CF}, {0x10400, 0x1049D}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
    {0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A}, {0x1057C, 0x1058A},
    {0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
    {0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
    {0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
    {0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
    {0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876}, {0x10880, 0x1089E},
    {0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915}, {0x10920, 0x10939},
    {0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A00}, {0x10A10, 0x10A13},
    {0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C}, {0x10A80, 0x10A9C},
    {0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35}, {0x10B40, 0x10B55},
    {0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48}, {0x10C80, 0x10CB2},
    {0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9}, {0x10EB0, 0x10EB1},
    {0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45}, {0x10F70, 0x10F81},
    {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11003, 0x11037}, {0x11071, 0x11072},
    {0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8}, {0x11103, 0x11126},
    {0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172}, {0x11176, 0x11176},
    {0x11183, 0x111B2}, {0x111C1, 0x111C4}, {0x111DA, 0x111DA}, {0x111DC, 0x111DC},
    {0x11200, 0x11211}, {0x11213, 0x1122B}, {0x1123F, 0x11240}, {0x11280, 0x11286},
    {0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8},
    {0x112B0, 0x112DE}, {0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328},
    {0x1132A, 0x11330}, {0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133D, 0x1133D},
    {0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434}, {0x11447, 0x1144A},
    {0x1145F, 0x11461}, {0x11480, 0x114AF}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7},
    {0x11580, 0x115AE}, {0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11644},
    {0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x11700, 0x1171A}, {0x11740, 0x11746},
    {0x11800, 0x1182B}, {0x118A0, 0x118DF}, {0x118FF, 0x11906}, {0x11909, 0x11909},
    {0x1190C, 0x11913}, {0x11915, 0x11916}, {0x11918, 0x1192F}, {0x1193F, 0x1193F},
    {0x11941, 0x11941}, {0x119A0, 0x119A7}, {0x119AA, 0x119D0}, {0x119E1, 0x119E1},
    {0x119E3, 0x119E3}, {0x11A00, 0x11A00}, {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A},
    {0x11A50, 0x11A50}, {0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8},
    {0x11C00, 0x11C08}, {0x11C0A, 0x11C2E}, {0x11C40, 0x11C40}, {0x11C72, 0x11C8F},
    {0x11D00, 0x11D06}, {0x11D08, 0x11D09}, {0x11D0B, 0x11D30}, {0x11D46, 0x11D46},
    {0x11D60, 0x11D65}, {0x11D67, 0x11D68}, {0x11D6A, 0x11D89}, {0x11D98, 0x11D98},
    {0x11EE0, 0x11EF2}, {0x11F02, 0x11F02}, {0x11F04, 0x11F10}, {0x11F12, 0x11F33},
    {0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12480, 0x12543}, {0x12F90, 0x12FF0},
    {0x13000, 0x1342F}, {0x13441, 0x13446}, {0x14400, 0x14646}, {0x16800, 0x16A38},
    {0x16A40, 0x16A5E}, {0x16A70, 0x16ABE}, {0x16AD0, 0x16AED}, {0x16B00, 0x16B2F},
    {0x16B40, 0x16B43}, {0x16B63, 0x16B77}, {0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F},
    {0x16F00, 0x16F4A}, {0x16F50, 0x16F50}, {0x16F93, 0x16F9F}, {0x16FE0, 0x16FE1},
    {0x16FE3, 0x16FE3}, {0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08},
    {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122},
    {0x1B132, 0x1B132}, {0x1B150, 0x1B152}, {0x1B155, 0x1B155}, {0x1B164, 0x1B167},
    {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88},
    {0x1BC90, 0x1BC99}, {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F},
    {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9},
    {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A},
    {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E},
    {0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5},
    {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA}, {0x1D6FC, 0x1D714},
    {0x1D716, 0x1D734}, {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E}, {0x1D770, 0x1D788},
    {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB}, {0x1DF00, 0x1DF1E},
    {0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E100, 0x1E12C}, {0x1E137, 0x1E13D},
    {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB}, {0x1E4D0, 0x1E4EB},
    {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE},
    {0x1E800, 0x1E8C4}, {0x1E900, 0x1E943}, {0x1E94B, 0x1E94B}, {0x1EE00, 0x1EE03},
    {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27},
    {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B},
    {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B},
    {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
    {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F},
    {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72},
    {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89},
    {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB},
    {0x20000, 0x2A6DF}, {0x2A700, 0x2B739}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1},
    {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D}, {0x30000, 0x3134A}, {0x31350, 0x323AF},
};
constexpr Range kDigits[] = {
    {0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9}, {0x966, 0x96F}, {0x9E6, 0x9EF}, {0xA66, 0xA6F},
    {0xAE6, 0xAEF}, {0xB66, 0xB6F}, {0xBE6, 0xBEF}, {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F},
    {0xDE6, 0xDEF}, {0xE50, 0xE59}, {0xED0, 0xED9}, {0xF20, 0xF29}, {0x1040, 0x1049},
    {0x1090, 0x1099}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19D9},
    {0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49},
    {0x1C50, 0x1C59}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9}, {0xA900, 0xA909}, {0xA9D0, 0xA9D9},
    {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9}, {0xFF10, 0xFF19}, {0x104A0, 0x104A9},
    {0x10D30, 0x10D39}, {0x11066, 0x1106F}, {0x110F0, 0x110F9}, {0x11136, 0x1113F},
    {0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459}, {0x114D0, 0x114D9},
    {0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9},
    {0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9},
    {0x11F50, 0x11F59}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59},
    {0x1D7CE, 0x1D7FF}, {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E4F0, 0x1E4F9},
    {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};
// clang-format on

template <size_t N>
bool in_table(const Range (&table)[N], char32_t r) {
  const auto* it = std::upper_bound(std::begin(table), std::end(table), r,
                                    [](char32_t v, const Range& x) { return v < x.lo; });
  return it != std::begin(table) && r <= (it - 1)->hi;
}

bool is_letter(char32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  return in_table(kLetters, r);
}

bool is_digit(char32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return in_table(kDigits, r);
}

// ---------------------------------------------------------------------------------------------
// UTF-8 helpers. Strings reaching them are valid UTF-8 (gojson::valid_utf8 repaired them).

size_t width(unsigned char b) {
  if ((b & 0x80) == 0x00) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 1;  // unreachable for valid UTF-8
}

char32_t decode_rune(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const size_t w = width(b0);
  char32_t r = w == 1 ? b0 : w == 2 ? (b0 & 0x1F) : w == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < w && i + k < s.size(); ++k) {
    r = (r << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  return r;
}

void append_rune(std::string& out, char32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

std::u32string to_runes(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size(); i += width(static_cast<unsigned char>(s[i]))) {
    out += decode_rune(s, i);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The subset of Go's strconv that yaml.v2's resolver relies on.

// strconv's underscoreOK: underscores only between digits or after a base prefix.
bool underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (is_ascii_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

int digit_value(char c) {
  if (is_ascii_digit(c)) return c - '0';
  const char l = lower(c);
  if (l >= 'a' && l <= 'z') return l - 'a' + 10;
  return 99;
}

// Whether strconv.ParseUint(s, base, 64) succeeds (base 0 or 2..36); the value in *value.
bool parse_uint(std::string_view s, int base, std::uint64_t* value = nullptr) {
  if (s.empty()) return false;
  const std::string_view s0 = s;
  const bool base0 = base == 0;
  if (base0) {
    base = 10;
    if (s[0] == '0') {
      const char l = s.size() >= 3 ? lower(s[1]) : '\0';
      base = l == 'b' ? 2 : l == 'o' ? 8 : l == 'x' ? 16 : 8;
      s.remove_prefix(base == 8 && l != 'o' ? 1 : 2);
    }
  }
  std::uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    if (c == '_' && base0) {
      underscores = true;
      continue;
    }
    const int d = digit_value(c);
    if (d >= base) return false;
    const auto b = static_cast<std::uint64_t>(base);
    const auto u = static_cast<std::uint64_t>(d);
    if (n > (std::numeric_limits<std::uint64_t>::max() - u) / b) return false;  // ErrRange
    n = n * b + u;
  }
  if (underscores && !underscore_ok(s0)) return false;
  if (value != nullptr) *value = n;
  return true;
}

// Whether strconv.ParseInt(s, base, 64) succeeds.
bool parse_int(std::string_view s, int base) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  std::uint64_t un = 0;
  if (!parse_uint(s, base, &un)) return false;
  const std::uint64_t cutoff = std::uint64_t{1} << 63;
  return neg ? un <= cutoff : un < cutoff;
}

// Whether a decimal float spelling (no underscores, optional sign) is beyond float64's range,
// which strconv.ParseFloat reports as ErrRange. Underflow to zero is not an error in Go.
bool float_overflows(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec == std::errc()) return std::isinf(v);
  if (res.ec != std::errc::result_out_of_range) return false;
  // Out of range either way: decide by the decimal magnitude of the first non-zero digit.
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  size_t i = 0;
  long long int_digits = 0, first_nonzero = -1, pos = 0;
  bool dot = false;
  for (; i < s.size() && (is_ascii_digit(s[i]) || s[i] == '.'); ++i) {
    if (s[i] == '.') {
      dot = true;
      continue;
    }
    if (!dot) ++int_digits;
    if (s[i] != '0' && first_nonzero < 0) first_nonzero = pos;
    ++pos;
  }
  if (first_nonzero < 0) return false;
  long long exp = 0;
  if (i < s.size() && lower(s[i]) == 'e') {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    for (; i < s.size() && is_ascii_digit(s[i]); ++i) {
      if (exp < 1000000000) exp = exp * 10 + (s[i] - '0');
    }
    if (neg) exp = -exp;
  }
  return int_digits - first_nonzero - 1 + exp > 0;
}

// Whether strconv.ParseFloat(s, 64) succeeds for a decimal spelling (what the resolver passes
// it: strings starting with '.').
bool parse_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool sawdot = false, sawdigits = false, underscores = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (sawdot) break;
      sawdot = true;
    } else if (is_ascii_digit(c)) {
      sawdigits = true;
    } else {
      break;
    }
  }
  if (!sawdigits) return false;
  if (i < s.size() && lower(s[i]) == 'e') {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !is_ascii_digit(s[i])) return false;
    for (; i < s.size() && (is_ascii_digit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  }
  if (i != s.size()) return false;
  if (underscores && !underscore_ok(s)) return false;
  std::string clean;
  for (char c : s) {
    if (c != '_') clean += c;
  }
  return !float_overflows(clean);
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool yaml_style_float(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && is_ascii_digit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// encode.go isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
bool is_base60_float(std::string_view s) {
  if (s.empty()) return false;
  if (!(s[0] == '+' || s[0] == '-' || is_ascii_digit(s[0])) || s.find(':') == s.npos) {
    return false;
  }
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  if (i >= s.size() || !is_ascii_digit(s[i])) return false;
  while (i < s.size() && (is_ascii_digit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    const size_t start = i;
    while (i < s.size() && is_ascii_digit(s[i])) ++i;
    const size_t n = i - start;
    if (!(n == 1 || (n == 2 && s[start] <= '5'))) return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_ascii_digit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

// ---------------------------------------------------------------------------------------------
// resolve.go parseTimestamp: time.Parse with the four layouts yaml.v2 allows.

enum class Layout { kUpperT, kLowerT, kSpace, kDateOnly };

// time.getnum: one or two digits (exactly two when fixed).
bool getnum(std::string_view& v, bool fixed, int& out) {
  if (v.empty() || !is_ascii_digit(v[0])) return false;
  if (v.size() < 2 || !is_ascii_digit(v[1])) {
    if (fixed) return false;
    out = v[0] - '0';
    v.remove_prefix(1);
    return true;
  }
  out = (v[0] - '0') * 10 + (v[1] - '0');
  v.remove_prefix(2);
  return true;
}

bool literal(std::string_view& v, char c) {
  if (v.empty() || v[0] != c) return false;
  v.remove_prefix(1);
  return true;
}

int days_in(int month, int year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool parse_layout(std::string_view v, Layout layout) {
  if (v.size() < 4) return false;
  const int year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
  v.remove_prefix(4);
  int month = 0, day = 0;
  if (!literal(v, '-') || !getnum(v, false, month) || month < 1 || month > 12) return false;
  if (!literal(v, '-') || !getnum(v, false, day)) return false;
  if (layout != Layout::kDateOnly) {
    if (layout == Layout::kSpace) {
      // A space in a Go layout matches any run of spaces (time.skip).
      if (!v.empty() && v[0] != ' ') return false;
      while (!v.empty() && v[0] == ' ') v.remove_prefix(1);
    } else if (!literal(v, layout == Layout::kUpperT ? 'T' : 't')) {
      return false;
    }
    int hour = 0, minute = 0, second = 0;
    if (!getnum(v, false, hour) || hour > 23) return false;
    if (!literal(v, ':') || !getnum(v, false, minute) || minute > 59) return false;
    if (!literal(v, ':') || !getnum(v, false, second) || second > 59) return false;
    // ".999999999": optional fraction, '.' or ',' then any number of digits.
    if (v.size() >= 2 && (v[0] == '.' || v[0] == ',') && is_ascii_digit(v[1])) {
      v.remove_prefix(1);
      while (!v.empty() && is_ascii_digit(v[0])) v.remove_prefix(1);
    }
    if (layout != Layout::kSpace) {  // "Z07:00"
      if (!v.empty() && v[0] == 'Z') {
        v.remove_prefix(1);
      } else {
        if (v.size() < 6 || v[3] != ':') return false;
        std::string_view hh = v.substr(1, 2), mm = v.substr(4, 2);
        int zh = 0, zm = 0;
        if (!getnum(hh, true, zh) || !getnum(mm, true, zm)) return false;
        if (zh > 24 || zm > 60 || (v[0] != '+' && v[0] != '-')) return false;
        v.remove_prefix(6);
      }
    }
  }
  if (!v.empty()) return false;
  return day >= 1 && day <= days_in(month, year);
}

bool parse_timestamp(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_ascii_digit(s[i])) ++i;
  if (i != 4 || i == s.size() || s[i] != '-') return false;
  for (Layout l : {Layout::kUpperT, Layout::kLowerT, Layout::kSpace, Layout::kDateOnly}) {
    if (parse_layout(s, l)) return true;
  }
  return false;
}

// resolve.go resolve("", s): the tag yaml.v2 gives an untagged plain scalar.
Tag resolve(std::string_view s) {
  char hint = 'N';
  if (!s.empty()) {
    const char c = s[0];
    if (c == '+' || c == '-') {
      hint = 'S';
    } else if (is_ascii_digit(c)) {
      hint = 'D';
    } else if (std::string_view("yYnNtTfFoO~").find(c) != std::string_view::npos) {
      hint = 'M';
    } else if (c == '.') {
      hint = '.';
    } else {
      return Tag::kStr;
    }
  }
  static constexpr std::string_view kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                               "True", "TRUE", "on",  "On",  "ON"};
  static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                "False", "FALSE", "off", "Off", "OFF"};
  static constexpr std::string_view kNull[] = {"", "~", "null", "Null", "NULL"};
  static constexpr std::string_view kFloat[] = {".nan",  ".NaN",  ".NAN",  ".inf",
                                                ".Inf",  ".INF",  "+.inf", "+.Inf",
                                                "+.INF", "-.inf", "-.Inf", "-.INF"};
  auto in = [&](const auto& list) {
    return std::find(std::begin(list), std::end(list), s) != std::end(list);
  };
  if (in(kTrue) || in(kFalse)) return Tag::kBool;
  if (in(kNull)) return Tag::kNull;
  if (in(kFloat)) return Tag::kFloat;
  switch (hint) {
    case '.':
      return parse_float(s) ? Tag::kFloat : Tag::kStr;
    case 'D':
    case 'S': {
      if (parse_timestamp(s)) return Tag::kTimestamp;
      std::string plain;
      for (char c : s) {
        if (c != '_') plain += c;
      }
      if (parse_int(plain, 0) || parse_uint(plain, 0)) return Tag::kInt;
      if (yaml_style_float(plain) && !float_overflows(plain)) return Tag::kFloat;
      const std::string_view p = plain;
      if (p.substr(0, 2) == "0b") {
        if (parse_int(p.substr(2), 2) || parse_uint(p.substr(2), 2)) return Tag::kInt;
      } else if (p.substr(0, 3) == "-0b") {
        if (parse_int("-" + plain.substr(3), 2)) return Tag::kInt;
      }
      return Tag::kStr;
    }
    default:
      return Tag::kStr;
  }
}

// strconv.FormatFloat(f, 'g', -1, 64), as yaml.v2's floatv writes floats.
std::string format_float_g(double f) {
  char buf[64];
  const auto res =
      std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  const std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exp);
  std::string out = std::signbit(f) ? "-" : "";
  const int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {  // %e
    out += digits[0];
    if (nd > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    if (std::abs(exp) < 10) out += '0';
    out += std::to_string(std::abs(exp));
    return out;
  }
  const int dp = exp + 1;  // %f with the shortest digits
  if (dp > 0) {
    for (int i = 0; i < dp; ++i) out += i < nd ? digits[i] : '0';
  } else {
    out += '0';
  }
  if (nd > dp) {
    out += '.';
    for (int i = dp; i < nd; ++i) out += i >= 0 ? digits[i] : '0';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The value tree yaml.v2 marshals, with the scalar styles encode.go requests.

enum class Style { kPlain, kSingle, kDouble, kLiteral };

struct Node {
  enum class Kind { kScalar, kSeq, kMap };
  Kind kind = Kind::kScalar;
  std::string text;
  Style style = Style::kPlain;
  std::vector<Node> items;
  std::vector<std::pair<Node, Node>> entries;  // map keys are always scalars

  Node() = default;
  Node(Node&&) noexcept = default;
  Node& operator=(Node&&) noexcept = default;
  // Tears the tree down without recursion: documents may nest 10000 levels deep.
  ~Node() {
    if (items.empty() && entries.empty()) return;
    std::vector<Node> pending;
    take_children(pending);
    while (!pending.empty()) {
      Node last = std::move(pending.back());
      pending.pop_back();
      last.take_children(pending);
    }
  }

 private:
  void take_children(std::vector<Node>& out) {
    for (Node& item : items) out.push_back(std::move(item));
    for (auto& entry : entries) out.push_back(std::move(entry.second));
    items.clear();
    entries.clear();
  }
};

Node scalar(std::string text, Style style) {
  Node n;
  n.text = std::move(text);
  n.style = style;
  return n;
}

// encode.go stringv.
Node string_node(std::string s) {
  Style style = Style::kDouble;
  if (s.find('\n') != std::string::npos) {
    style = Style::kLiteral;
  } else if (resolve(s) == Tag::kStr && !is_base60_float(s)) {
    style = Style::kPlain;
  }
  return scalar(std::move(s), style);
}

// sorter.go keyList.Less for two string keys.
bool key_less(const std::u32string& a, const std::u32string& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] == b[i]) continue;
    const bool al = is_letter(a[i]);
    const bool bl = is_letter(b[i]);
    if (al && bl) return a[i] < b[i];
    if (al || bl) return bl;
    // Go's int64 arithmetic wraps; do the same in unsigned arithmetic.
    std::uint64_t an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
        if (a[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < a.size() && is_digit(a[ai]); ++ai) {
      an = an * 10 + static_cast<std::uint64_t>(static_cast<std::int64_t>(a[ai]) - '0');
    }
    for (; bi < b.size() && is_digit(b[bi]); ++bi) {
      bn = bn * 10 + static_cast<std::uint64_t>(static_cast<std::int64_t>(b[bi]) - '0');
    }
    if (an != bn) return static_cast<std::int64_t>(an) < static_cast<std::int64_t>(bn);
    if (ai != bi) return ai < bi;
    return a[i] < b[i];
  }
  return a.size() < b.size();
}

// Sorted order of `keys` by key_less, by merge sort: well defined even though key_less is not a
// strict weak order for every input (e.g. "a19" < "a1a" < "a2" < "a19"), where Go's result
// depends on map iteration order anyway.
std::vector<size_t> sorted_order(const std::vector<std::u32string>& keys) {
  std::vector<size_t> v(keys.size()), tmp(keys.size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = i;
  for (size_t width = 1; width < v.size(); width *= 2) {
    for (size_t lo = 0; lo < v.size(); lo += 2 * width) {
      const size_t mid = std::min(lo + width, v.size());
      const size_t hi = std::min(lo + 2 * width, v.size());
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = key_less(keys[v[j]], keys[v[i]]) ? v[j++] : v[i++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    v.swap(tmp);
  }
  return v;
}

// Turns the document into what yaml.v2 decodes from its json.Marshal text. Iterative, in
// json.Marshal order (which the scanner's line count for error messages depends on).
class Decoder {
 public:
  Node decode(const Json& doc) {
    Node root;
    begin(doc, root);
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.it == f.src->cend()) {
        if (f.dst->kind == Node::Kind::kMap) sort_entries(f);
        stack_.pop_back();
        continue;
      }
      Node* slot = nullptr;
      const Json* child = nullptr;
      if (f.dst->kind == Node::Kind::kSeq) {
        child = &*f.it;
        slot = &f.dst->items.emplace_back();
      } else {
        std::string key = reread(f.it.key(), true);
        child = &f.it.value();
        const auto [seen, added] = f.index.emplace(key, f.dst->entries.size());
        if (added) {
          f.keys.push_back(to_runes(key));
          slot = &f.dst->entries.emplace_back(string_node(std::move(key)), Node()).second;
        } else {  // keys equal after U+FFFD repair: yaml.v2 keeps the last value
          slot = &f.dst->entries[seen->second].second;
          *slot = Node();
        }
      }
      ++f.it;
      begin(*child, *slot);  // may push a frame: `f` is not used after this
    }
    return root;
  }

 private:
  int line_ = 0;  // the YAML scanner's line: raw U+0085 (NEL) seen so far in the JSON text

  struct Frame {
    const Json* src;
    Json::const_iterator it;
    Node* dst;
    std::vector<std::u32string> keys;     // maps: each entry's key as runes
    std::map<std::string, size_t> index;  // maps: entry position by key
  };
  std::vector<Frame> stack_;

  // Fills `out` with a scalar, or starts a container (its items come from the loop in decode).
  void begin(const Json& v, Node& out) {
    switch (v.type()) {
      case Json::value_t::null:
        out = scalar("null", Style::kPlain);
        return;
      case Json::value_t::boolean:
        out = scalar(v.get<bool>() ? "true" : "false", Style::kPlain);
        return;
      case Json::value_t::number_integer:
        out = scalar(std::to_string(v.get<std::int64_t>()), Style::kPlain);
        return;
      case Json::value_t::number_unsigned:
        out = scalar(std::to_string(v.get<std::uint64_t>()), Style::kPlain);
        return;
      case Json::value_t::number_float:
        out = scalar(float_text(v.get<double>()), Style::kPlain);
        return;
      case Json::value_t::string:
        out = string_node(reread(v.get_ref<const std::string&>(), false));
        return;
      case Json::value_t::binary: {
        const std::string quoted = gojson::marshal(v);  // a base64 string, like Go's []byte
        out = string_node(quoted.substr(1, quoted.size() - 2));
        return;
      }
      case Json::value_t::array:
      case Json::value_t::object:
        // The root container is flow level 1; yaml.v2's scanner stops past 10000.
        if (stack_.size() + 1 > 10000) {
          fail_at(line_ == 0 ? 0 : line_ + 1, "exceeded max depth of 10000");
        }
        out.kind = v.is_array() ? Node::Kind::kSeq : Node::Kind::kMap;
        stack_.push_back(Frame{&v, v.cbegin(), &out, {}, {}});
        return;
      case Json::value_t::discarded:
        break;
    }
    fail("json: cannot marshal a discarded value");
  }

  static void sort_entries(Frame& f) {
    std::vector<std::pair<Node, Node>> sorted;
    sorted.reserve(f.keys.size());
    for (size_t i : sorted_order(f.keys)) sorted.push_back(std::move(f.dst->entries[i]));
    f.dst->entries = std::move(sorted);
  }

  // json.Marshal's float text, then the type yaml.v2 resolves it to, then how yaml.v2 writes it.
  static std::string float_text(double f) {
    const std::string text = gojson::format_float(f);
    if (text.find_first_of(".e") == std::string::npos) {
      if (text == "-0") return "0";
      std::int64_t i = 0;
      std::uint64_t u = 0;
      const char* end = text.data() + text.size();
      if (std::from_chars(text.data(), end, i).ec == std::errc() ||
          std::from_chars(text.data(), end, u).ec == std::errc()) {
        return text;  // an !!int: FormatInt gives the same digits
      }
    }
    return format_float_g(f);
  }

  // A JSON string as yaml.v2's scanner reads it back from json.Marshal's output.
  std::string reread(std::string_view raw, bool key) {
    // Go replaces invalid bytes by the escape \ufffd; count how long each rune's JSON spelling is
    // and whether it is written raw (only raw runes are checked by the reader or fold).
    struct Unit {
      char32_t r;
      bool raw;
    };
    std::vector<Unit> units;
    size_t json_len = 2;  // the quotes
    const std::string repaired = gojson::valid_utf8(raw);
    for (size_t i = 0, j = 0; i < repaired.size();) {
      const size_t w = width(static_cast<unsigned char>(repaired[i]));
      const char32_t r = decode_rune(repaired, i);
      // An invalid byte in `raw` shows up as U+FFFD in `repaired` where `raw` has no U+FFFD.
      const bool replaced = r == 0xFFFD && raw.compare(j, 3, "\xEF\xBF\xBD") != 0;
      const bool escaped = replaced || r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' ||
                           r == '&' || r == 0x2028 || r == 0x2029;
      json_len +=
          !escaped ? 1
          : (r == '"' || r == '\\' || r == '\b' || r == '\f' || r == '\n' || r == '\r' || r == '\t')
              ? 2
              : 6;
      if (!escaped && !(r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0x7E) ||
                        r == 0x85 || (r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) ||
                        (r >= 0x10000 && r <= 0x10FFFF))) {
        fail("yaml: control characters are not allowed");
      }
      units.push_back({r, !escaped});
      i += w;
      j += replaced ? 1 : w;
    }
    std::string out;
    int nels_in_key = 0;
    for (size_t k = 0; k < units.size();) {
      const Unit u = units[k];
      if (!(u.raw && (u.r == ' ' || u.r == 0x85))) {
        append_rune(out, u.r);
        ++k;
        continue;
      }
      // A run of raw blanks and breaks, folded as in a double-quoted scalar.
      size_t j = k;
      int nels = 0;
      bool ends_with_nel = false;
      for (; j < units.size() && units[j].raw && (units[j].r == ' ' || units[j].r == 0x85); ++j) {
        ends_with_nel = units[j].r == 0x85;
        if (ends_with_nel) ++nels;
      }
      if (nels == 0) {
        out.append(j - k, ' ');
      } else {
        out += nels == 1 ? std::string(" ") : std::string(static_cast<size_t>(nels - 1), '\n');
        line_ += nels;
        nels_in_key += nels;
        // At column 0, "---" or "..." followed by a blank is a document marker.
        if (ends_with_nel && j + 3 < units.size()) {
          const char32_t c = units[j].r;
          const Unit& after = units[j + 3];
          if ((c == '-' || c == '.') && units[j + 1].r == c && units[j + 2].r == c && after.raw &&
              (after.r == ' ' || after.r == 0x85)) {
            fail_at(line_ + 1, "found unexpected document indicator");
          }
        }
      }
      k = j;
    }
    // A flow mapping key is a "simple key": one line, ':' at most 1024 runes after its start.
    if (key && (nels_in_key > 0 || json_len > 1024)) {
      fail_at(line_, "did not find expected ',' or '}'");
    }
    return out;
  }
};

// ---------------------------------------------------------------------------------------------
// The libyaml emitter (emitterc.go) for yaml.v2's events. Byte predicates take an index that
// may run past the end, where they read NUL, like libyaml's NUL-terminated buffers.

unsigned char at(std::string_view v, size_t i) {
  return i < v.size() ? static_cast<unsigned char>(v[i]) : 0;
}
bool is_space(std::string_view v, size_t i) {
  return at(v, i) == ' ';
}
bool is_blank(std::string_view v, size_t i) {
  return at(v, i) == ' ' || at(v, i) == '\t';
}
bool is_break(std::string_view v, size_t i) {
  const unsigned char b = at(v, i);
  return b == '\r' || b == '\n' || (b == 0xC2 && at(v, i + 1) == 0x85) ||
         (b == 0xE2 && at(v, i + 1) == 0x80 && (at(v, i + 2) == 0xA8 || at(v, i + 2) == 0xA9));
}
bool is_blankz(std::string_view v, size_t i) {
  return is_blank(v, i) || is_break(v, i) || at(v, i) == 0;
}
bool is_printable(std::string_view v, size_t i) {
  const unsigned char b = at(v, i), b1 = at(v, i + 1), b2 = at(v, i + 2);
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) ||
         (b > 0xC2 && b < 0xED) || (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}
// emitterc.go's is_bom ignores its index: it looks at the start of the value.
bool starts_with_bom(std::string_view v) {
  return at(v, 0) == 0xEF && at(v, 1) == 0xBB && at(v, 2) == 0xBF;
}

struct ScalarInfo {
  bool multiline = false;
  bool flow_plain_allowed = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = false;
};

// yaml_emitter_analyze_scalar.
ScalarInfo analyze(std::string_view v) {
  ScalarInfo info;
  if (v.empty()) return info;
  bool block_indicators = false, flow_indicators = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false, previous_space = false, previous_break = false;
  if (v.size() >= 3 && (v.substr(0, 3) == "---" || v.substr(0, 3) == "...")) {
    block_indicators = true;
    flow_indicators = true;
  }
  bool preceded_by_whitespace = true;
  for (size_t i = 0, w = 0; i < v.size(); i += w) {
    w = width(at(v, i));
    const bool followed_by_whitespace = i + w >= v.size() || is_blank(v, i + w);
    const char c = v[i];
    if (i == 0) {
      switch (c) {
        case '#':
        case ',':
        case '[':
        case ']':
        case '{':
        case '}':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case '\'':
        case '"':
        case '%':
        case '@':
        case '`':
          flow_indicators = true;
          block_indicators = true;
          break;
        case '?':
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default:
          break;
      }
    } else {
      switch (c) {
        case ',':
        case '?':
        case '[':
        case ']':
        case '{':
        case '}':
          flow_indicators = true;
          break;
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '#':
          if (preceded_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default:
          break;
      }
    }
    if (!is_printable(v, i)) special = true;  // the emitter is in unicode mode
    if (is_space(v, i)) {
      if (i == 0) leading_space = true;
      if (i + w == v.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(v, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == v.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(v, i);
  }
  info.multiline = line_breaks;
  info.flow_plain_allowed = true;
  info.block_plain_allowed = true;
  info.single_quoted_allowed = true;
  info.block_allowed = true;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    info.flow_plain_allowed = info.block_plain_allowed = false;
  }
  if (trailing_space) info.block_allowed = false;
  if (break_space) {
    info.flow_plain_allowed = info.block_plain_allowed = info.single_quoted_allowed = false;
  }
  if (space_break || special) {
    info.flow_plain_allowed = info.block_plain_allowed = info.single_quoted_allowed = false;
    info.block_allowed = false;
  }
  if (line_breaks) info.flow_plain_allowed = info.block_plain_allowed = false;
  if (flow_indicators) info.flow_plain_allowed = false;
  if (block_indicators) info.block_plain_allowed = false;
  return info;
}

class Emitter {
 public:
  // Iterative, one frame per open block collection: documents may nest 10000 levels deep.
  std::string run(const Node& root) {
    begin_node(root, false, false);
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      const Node& node = *f.node;
      const size_t n = node.kind == Node::Kind::kSeq ? node.items.size() : node.entries.size();
      if (f.next == n) {
        pop_indent();
        stack_.pop_back();
        continue;
      }
      const size_t i = f.next++;
      write_indent();
      if (node.kind == Node::Kind::kSeq) {
        write_indicator("-", true, false, true);
        begin_node(node.items[i], false, false);  // may push: `f` is not used after this
        continue;
      }
      const auto& [key, value] = node.entries[i];
      if (is_simple_key(key)) {
        begin_node(key, true, true);
        write_indicator(":", false, false, false);
      } else {
        write_indicator("?", true, false, true);
        begin_node(key, true, false);
        write_indent();
        write_indicator(":", true, false, true);
      }
      begin_node(value, true, false);
    }
    write_indent();  // document end (implicit: no "...")
    return std::move(out_);
  }

 private:
  static constexpr int kBestIndent = 2;
  static constexpr int kBestWidth = 80;

  std::string out_;
  int column_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  bool whitespace_ = true;
  bool indention_ = true;
  int flow_level_ = 0;
  bool mapping_context_ = false;
  bool simple_key_context_ = false;

  void put(char c) {
    out_ += c;
    ++column_;
  }
  void put_break() {
    out_ += '\n';
    column_ = 0;
  }
  // Copies one character; a character is one column whatever its width in bytes.
  void write(std::string_view v, size_t& i) {
    const size_t w = width(at(v, i));
    out_.append(v.substr(i, w));
    ++column_;
    i += w;
  }
  void write_break(std::string_view v, size_t& i) {
    if (v[i] == '\n') {
      put_break();
      ++i;
    } else {
      write(v, i);
      column_ = 0;
    }
  }

  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) {
      indent_ = flow ? kBestIndent : 0;
    } else if (!indentless) {
      indent_ += kBestIndent;
    }
  }
  void pop_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  void write_indent() {
    const int indent = std::max(indent_, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }

  void write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace,
                       bool is_indention) {
    if (need_whitespace && !whitespace_) put(' ');
    for (size_t i = 0; i < indicator.size();) write(indicator, i);
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
  }

  struct Frame {
    const Node* node;
    size_t next = 0;
  };
  std::vector<Frame> stack_;

  // yaml_emitter_emit_node without the root and sequence contexts, which only matter to libyaml
  // for "..." document end markers that yaml.v2 never writes. Scalars (all keys are scalars)
  // are written at once; a non-empty collection starts and pushes a frame.
  void begin_node(const Node& node, bool mapping, bool simple_key) {
    mapping_context_ = mapping;
    simple_key_context_ = simple_key;
    switch (node.kind) {
      case Node::Kind::kScalar:
        emit_scalar(node);
        return;
      case Node::Kind::kSeq:
        if (node.items.empty()) {
          emit_empty_flow("[", "]");
          return;
        }
        increase_indent(false, mapping_context_ && !indention_);
        stack_.push_back(Frame{&node});
        return;
      case Node::Kind::kMap:
        if (node.entries.empty()) {
          emit_empty_flow("{", "}");
          return;
        }
        increase_indent(false, false);
        stack_.push_back(Frame{&node});
        return;
    }
  }

  void emit_empty_flow(std::string_view open, std::string_view close) {
    write_indicator(open, true, true, false);
    increase_indent(true, false);
    ++flow_level_;
    --flow_level_;
    pop_indent();
    write_indicator(close, false, false, false);
  }

  // yaml_emitter_check_simple_key for the keys yaml.v2 writes (scalars, or empty containers).
  static bool is_simple_key(const Node& key) {
    if (key.kind == Node::Kind::kSeq) return key.items.empty();
    if (key.kind == Node::Kind::kMap) return key.entries.empty();
    return !analyze(key.text).multiline && key.text.size() <= 128;
  }

  void emit_scalar(const Node& node) {
    const ScalarInfo info = analyze(node.text);
    Style style = node.style;
    if (simple_key_context_ && info.multiline) style = Style::kDouble;
    if (style == Style::kPlain) {
      if ((flow_level_ > 0 && !info.flow_plain_allowed) ||
          (flow_level_ == 0 && !info.block_plain_allowed)) {
        style = Style::kSingle;
      }
      if (node.text.empty() && (flow_level_ > 0 || simple_key_context_)) style = Style::kSingle;
    }
    if (style == Style::kSingle && !info.single_quoted_allowed) style = Style::kDouble;
    if (style == Style::kLiteral &&
        (!info.block_allowed || flow_level_ > 0 || simple_key_context_)) {
      style = Style::kDouble;
    }
    increase_indent(true, false);
    switch (style) {
      case Style::kPlain:
        write_plain(node.text, !simple_key_context_);
        break;
      case Style::kSingle:
        write_single_quoted(node.text, !simple_key_context_);
        break;
      case Style::kDouble:
        write_double_quoted(node.text, !simple_key_context_);
        break;
      case Style::kLiteral:
        write_literal(node.text);
        break;
    }
    pop_indent();
  }

  void write_plain(std::string_view v, bool allow_breaks) {
    if (!whitespace_) put(' ');
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < v.size();) {
      if (is_space(v, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && !is_space(v, i + 1)) {
          write_indent();
          i += 1;
        } else {
          write(v, i);
        }
        spaces = true;
      } else if (is_break(v, i)) {
        if (!breaks && v[i] == '\n') put_break();
        write_break(v, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(v, i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    whitespace_ = false;
    indention_ = false;
  }

  void write_single_quoted(std::string_view v, bool allow_breaks) {
    write_indicator("'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < v.size();) {
      if (is_space(v, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < v.size() - 1 &&
            !is_space(v, i + 1)) {
          write_indent();
          i += 1;
        } else {
          write(v, i);
        }
        spaces = true;
      } else if (is_break(v, i)) {
        if (!breaks && v[i] == '\n') put_break();
        write_break(v, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        if (v[i] == '\'') put('\'');
        write(v, i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    write_indicator("'", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_double_quoted(std::string_view v, bool allow_breaks) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    write_indicator("\"", true, false, false);
    bool spaces = false;
    const bool bom = starts_with_bom(v);
    for (size_t i = 0; i < v.size();) {
      if (!is_printable(v, i) || bom || is_break(v, i) || v[i] == '"' || v[i] == '\\') {
        const size_t w = width(at(v, i));
        const char32_t r = decode_rune(v, i);
        i += w;
        put('\\');
        switch (r) {
          case 0x00:
            put('0');
            break;
          case 0x07:
            put('a');
            break;
          case 0x08:
            put('b');
            break;
          case 0x09:
            put('t');
            break;
          case 0x0A:
            put('n');
            break;
          case 0x0B:
            put('v');
            break;
          case 0x0C:
            put('f');
            break;
          case 0x0D:
            put('r');
            break;
          case 0x1B:
            put('e');
            break;
          case 0x22:
            put('"');
            break;
          case 0x5C:
            put('\\');
            break;
          case 0x85:
            put('N');
            break;
          case 0xA0:
            put('_');
            break;
          case 0x2028:
            put('L');
            break;
          case 0x2029:
            put('P');
            break;
          default: {
            int digits = 8;
            if (r <= 0xFF) {
              put('x');
              digits = 2;
            } else if (r <= 0xFFFF) {
              put('u');
              digits = 4;
            } else {
              put('U');
            }
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(kHex[(r >> k) & 0x0F]);
          }
        }
        spaces = false;
      } else if (is_space(v, i)) {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < v.size() - 1) {
          write_indent();
          if (is_space(v, i + 1)) put('\\');
          i += 1;
        } else {
          write(v, i);
        }
        spaces = true;
      } else {
        write(v, i);
        spaces = false;
      }
    }
    write_indicator("\"", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void write_block_scalar_hints(std::string_view v) {
    if (is_space(v, 0) || is_break(v, 0)) {
      write_indicator(std::string(1, static_cast<char>('0' + kBestIndent)), false, false, false);
    }
    const char* chomp = nullptr;
    if (v.empty()) {
      chomp = "-";
    } else {
      size_t i = v.size() - 1;
      while (i > 0 && (at(v, i) & 0xC0) == 0x80) --i;
      if (!is_break(v, i)) {
        chomp = "-";
      } else if (i == 0) {
        chomp = "+";
      } else {
        --i;
        while (i > 0 && (at(v, i) & 0xC0) == 0x80) --i;
        if (is_break(v, i)) chomp = "+";
      }
    }
    if (chomp != nullptr) write_indicator(chomp, false, false, false);
  }

  void write_literal(std::string_view v) {
    write_indicator("|", true, false, false);
    write_block_scalar_hints(v);
    put_break();
    indention_ = true;
    whitespace_ = true;
    bool breaks = true;
    for (size_t i = 0; i < v.size();) {
      if (is_break(v, i)) {
        write_break(v, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) write_indent();
        write(v, i);
        indention_ = false;
        breaks = false;
      }
    }
  }
};

}  // namespace

Tag resolve_plain(std::string_view s) {
  if (s == "<<") return Tag::kMerge;
  return resolve(s);
}

std::string json_to_yaml(const nlohmann::ordered_json& doc) {
  Decoder decoder;
  const Node root = decoder.decode(doc);
  return Emitter().run(root);
}

}  // namespace ch::goyaml
