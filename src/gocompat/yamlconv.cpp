#include "gocompat/yamlconv.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <istream>
#include <limits>
#include <memory>
#include <optional>
#include <streambuf>
#include <unordered_map>
#include <vector>

#include "base/error.hpp"
#include "gocompat/goyaml.hpp"

namespace ch::yamlconv {

namespace {

using json = nlohmann::ordered_json;

bool parse_go_int(std::string_view s, long long* out) {
  // strconv.ParseInt(s, 0, 64) after removing '_' (yaml.v2 resolve).
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

// `plain`: the scalar had yaml-cpp's non-specific tag "?" (unquoted, untagged).
json scalar_value(const std::string& s, bool plain) {
  if (!plain) return json(s);  // quoted or explicitly tagged: a string
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
      if (parse_go_int(s, &v)) return json(v);
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
    default:  // strings, timestamps (yaml.v2 keeps them as strings in generic values), "<<"
      return json(s);
  }
}

// ---- The document as yaml.v2's parser sees it ----------------------------------------------
//
// yaml-cpp's YAML::Load shares one node between an anchor and its aliases, so walking it
// expands every alias again: nine aliases of nine aliases of ... is a billion nodes from a few
// hundred bytes, and `&a [*a]` is a cycle. Instead the parser's events build this tree, in which
// an alias stays a node of its own pointing at its anchor, exactly as yaml.v2's parser builds
// it; converting it then applies yaml.v2's decoder budget to the same node counts.

enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMap, kAlias };

struct Node {
  Kind kind = Kind::kNull;
  bool plain = false;       // scalar: tag "?" (plain, untagged)
  std::uint32_t first = 0;  // collection: first child in Tree::children; alias: target node
  std::uint32_t count = 0;  // collection: number of children (a map: key, value, key, ...);
                            // alias: the anchor's id (for its name)
  std::string value;        // scalar
};

struct Tree {
  std::vector<Node> nodes;
  std::vector<std::uint32_t> children;
  std::vector<std::string> anchor_names;  // by yaml-cpp anchor id
  std::optional<std::uint32_t> root;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(Tree& tree) : tree_(tree) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnAnchor(const YAML::Mark&, const std::string& name) override { pending_name_ = name; }

  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { add(Node{Kind::kNull}, anchor); }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor == YAML::NullAnchor || anchor >= anchors_.size() || !anchors_[anchor])
      throw YAML::ParserException(mark, "the referenced anchor is not defined");
    add(Node{Kind::kAlias, false, *anchors_[anchor], static_cast<std::uint32_t>(anchor)},
        YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    add(Node{Kind::kScalar, tag == "?", 0, 0, value}, anchor);
  }

  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open_.push_back({add(Node{Kind::kSequence}, anchor), {}});
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open_.push_back({add(Node{Kind::kMap}, anchor), {}});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    std::uint32_t node;
    std::vector<std::uint32_t> children;
  };

  std::uint32_t add(Node n, YAML::anchor_t anchor) {
    if (tree_.nodes.size() >= std::numeric_limits<std::uint32_t>::max())
      throw Error(ErrorCode::kInvalidArgument, "document has too many nodes");
    auto index = static_cast<std::uint32_t>(tree_.nodes.size());
    tree_.nodes.push_back(std::move(n));
    if (anchor != YAML::NullAnchor) {
      if (anchor >= anchors_.size()) {
        anchors_.resize(anchor + 1);
        tree_.anchor_names.resize(anchor + 1);
      }
      anchors_[anchor] = index;
      tree_.anchor_names[anchor] = std::move(pending_name_);
      pending_name_.clear();
    }
    if (open_.empty()) {
      if (!tree_.root) tree_.root = index;
    } else {
      open_.back().children.push_back(index);
    }
    return index;
  }

  void close() {
    Open o = std::move(open_.back());
    open_.pop_back();
    Node& n = tree_.nodes[o.node];
    n.first = static_cast<std::uint32_t>(tree_.children.size());
    n.count = static_cast<std::uint32_t>(o.children.size());
    tree_.children.insert(tree_.children.end(), o.children.begin(), o.children.end());
  }

  Tree& tree_;
  std::vector<Open> open_;
  std::vector<std::optional<std::uint32_t>> anchors_;
  std::string pending_name_;
};

// ---- Conversion with yaml.v2's decoder budget -------------------------------------------------

// yaml.v2 decode.go: the share of decoded nodes that may come from alias expansion, 99% for
// small documents down to 10% for large ones.
double allowed_alias_ratio(std::int64_t decode_count) {
  constexpr std::int64_t kLow = 400000;
  constexpr std::int64_t kHigh = 4000000;
  if (decode_count <= kLow) return 0.99;
  if (decode_count >= kHigh) return 0.10;
  return 0.99 -
         0.89 * (static_cast<double>(decode_count - kLow) / static_cast<double>(kHigh - kLow));
}

class Converter {
 public:
  Converter(const Tree& tree, const ParseLimits& limits)
      : tree_(tree), limits_(limits), active_(tree.nodes.size(), false) {}

  json run() {
    json out;
    if (!tree_.root) return out;
    count();  // yaml.v2 decodes the document node, then its one child
    visit(*tree_.root, out, true);
    while (!stack_.empty()) step();
    return out;
  }

 private:
  // One collection being filled, top of stack_ is the innermost.
  struct Frame {
    std::uint32_t node;
    json* out;
    std::uint32_t next = 0;              // next child (a map: next key)
    std::optional<std::uint32_t> alias;  // the alias this collection was reached through
    std::unique_ptr<std::unordered_map<std::string, std::size_t>> keys;  // big maps
  };

  // yaml.v2's decoder.unmarshal prologue, once per node decoded.
  void count() {
    ++decode_count_;
    if (alias_depth_ > 0) ++alias_count_;
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        static_cast<double>(alias_count_) / static_cast<double>(decode_count_) >
            allowed_alias_ratio(decode_count_))
      throw Error(ErrorCode::kInvalidArgument, "document contains excessive aliasing");
  }

  const Node& node(std::uint32_t i) const { return tree_.nodes[i]; }
  std::uint32_t child(const Node& n, std::uint32_t k) const { return tree_.children[n.first + k]; }

  // Enters an alias (yaml.v2's decoder.alias): the target decodes with aliasDepth raised.
  std::uint32_t enter_alias(std::uint32_t a) {
    if (active_[a])
      throw Error(ErrorCode::kInvalidArgument,
                  "anchor '" + tree_.anchor_names[node(a).count] + "' value contains itself");
    active_[a] = true;
    ++alias_depth_;
    return node(a).first;
  }
  void leave_alias(std::uint32_t a) {
    active_[a] = false;
    --alias_depth_;
  }

  // Decodes node i into `out`; a collection becomes a frame that step() fills. `counted` is
  // false where yaml.v2 does not call unmarshal for the node itself (a merge key's sequence).
  void visit(std::uint32_t i, json& out, bool counted) {
    if (counted) count();
    std::optional<std::uint32_t> alias;
    if (node(i).kind == Kind::kAlias) {
      alias = i;
      i = enter_alias(i);
      count();
    }
    const Node& n = node(i);
    switch (n.kind) {
      case Kind::kNull:
      case Kind::kAlias:
        out = json(nullptr);
        break;
      case Kind::kScalar:
        out = scalar_value(n.value, n.plain);
        break;
      case Kind::kSequence:
      case Kind::kMap:
        if (static_cast<int>(stack_.size()) >= limits_.max_depth)
          throw Error(ErrorCode::kInvalidArgument,
                      "exceeded max depth of " + std::to_string(limits_.max_depth));
        // Sized once: growing ordered_json's object vector copies its values (the pair's key
        // is const), deep copies of deep values being recursive.
        if (n.kind == Kind::kSequence) {
          out = json::array();
          out.get_ref<json::array_t&>().reserve(n.count);
        } else {
          out = json::object();
          out.get_ref<json::object_t&>().reserve(n.count / 2);
        }
        stack_.push_back(Frame{i, &out, 0, alias, nullptr});
        return;  // the frame leaves the alias when it is done
    }
    if (alias) leave_alias(*alias);
  }

  void step() {
    Frame& f = stack_.back();
    const Node& n = node(f.node);
    if (f.next >= n.count || (n.kind == Kind::kMap && f.next + 1 >= n.count)) {
      if (f.alias) leave_alias(*f.alias);
      stack_.pop_back();
      return;
    }
    if (n.kind == Kind::kSequence) {
      auto& arr = f.out->get_ref<json::array_t&>();
      arr.emplace_back();
      std::uint32_t c = child(n, f.next++);
      visit(c, arr.back(), true);  // may push a frame; f is not used after this
      return;
    }
    std::uint32_t k = child(n, f.next);
    std::uint32_t v = child(n, f.next + 1);
    f.next += 2;
    bool merge = node(k).kind == Kind::kScalar && node(k).plain && node(k).value == "<<";
    std::string key = key_of(k, !merge);
    json* slot = insert(f, std::move(key));
    // yaml.v2 decodes a merge key's sequence value item by item, not the sequence itself.
    visit(v, *slot, !(merge && node(v).kind == Kind::kSequence));
  }

  // The map key string; the key counts as a decoded node (and an alias as two) in yaml.v2.
  std::string key_of(std::uint32_t k, bool counted) {
    if (counted) count();
    std::optional<std::uint32_t> alias;
    if (node(k).kind == Kind::kAlias) {
      alias = k;
      k = enter_alias(k);
      count();
    }
    const Node& n = node(k);
    if (n.kind != Kind::kScalar)
      throw Error(ErrorCode::kInvalidArgument, "unsupported map key type");
    std::string out = key_string(n);
    if (alias) leave_alias(*alias);
    return out;
  }

  // obj[key] with ordered_json's semantics (a repeated key keeps its first place, the last
  // value wins) without its linear search: maps of many keys stay linear.
  json* insert(Frame& f, std::string key) {
    auto& obj = f.out->get_ref<json::object_t&>();
    auto& vec = static_cast<std::vector<json::object_t::value_type>&>(obj);
    constexpr std::size_t kIndexFrom = 16;
    if (!f.keys && vec.size() >= kIndexFrom) {
      f.keys = std::make_unique<std::unordered_map<std::string, std::size_t>>();
      for (std::size_t i = 0; i < vec.size(); ++i) f.keys->emplace(vec[i].first, i);
    }
    std::optional<std::size_t> at;
    if (f.keys) {
      auto it = f.keys->find(key);
      if (it != f.keys->end()) at = it->second;
    } else {
      for (std::size_t i = 0; i < vec.size(); ++i)
        if (vec[i].first == key) {
          at = i;
          break;
        }
    }
    if (at) {
      vec[*at].second = json();
      return &vec[*at].second;
    }
    if (f.keys) f.keys->emplace(key, vec.size());
    vec.emplace_back(std::move(key), json());
    return &vec.back().second;
  }

  static std::string key_string(const Node& k) {
    json v = scalar_value(k.value, k.plain);
    std::string out;
    if (v.is_null()) return "null";
    if (scalar_to_go_string(v, &out)) return out;
    return k.value;
  }

  const Tree& tree_;
  const ParseLimits& limits_;
  std::vector<bool> active_;  // alias nodes being expanded
  std::vector<Frame> stack_;
  std::int64_t decode_count_ = 0;
  std::int64_t alias_count_ = 0;
  int alias_depth_ = 0;
};

// A read-only streambuf over the caller's bytes (yaml-cpp reads an istream).
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

}  // namespace

json parse(std::string_view yaml) {
  return parse(yaml, ParseLimits{});
}

json parse(std::string_view yaml, const ParseLimits& limits) {
  if (yaml.size() > limits.max_bytes)
    throw Error(ErrorCode::kInvalidArgument, "document of " + std::to_string(yaml.size()) +
                                                 " bytes is larger than the maximum size " +
                                                 std::to_string(limits.max_bytes));
  try {
    ViewBuf buf(yaml);
    std::istream in(&buf);
    YAML::Parser parser(in);
    Tree tree;
    TreeBuilder builder(tree);
    if (!parser.HandleNextDocument(builder)) return json(nullptr);
    return Converter(tree, limits).run();
  } catch (const YAML::DeepRecursion& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "yaml-cpp: error at line " + std::to_string(e.mark.line + 1) + ", column " +
                    std::to_string(e.mark.column + 1) + ": exceeded max depth of " +
                    std::to_string(e.depth() - 1));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::kInvalidArgument, e.what());
  }
}

std::string go_format_float(double f, int bits) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  // float32(f) of a value past float32's range is ±Inf in Go too (found by the yaml fuzzer).
  if (bits == 32 && std::isinf(static_cast<float>(f))) return f > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r;
  if (bits == 32) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(f), std::chars_format::scientific);
  } else {
    r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  }
  std::string sci(buf, r.ptr);
  bool neg = false;
  if (sci[0] == '-') {
    neg = true;
    sci.erase(0, 1);
  }
  auto e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (digits == "0") exp = 0;
  std::string out = neg ? "-" : "";
  const int eprec = 6;  // Go: shortest 'g' switches to %e from exponent 6 on
  if (exp < -4 || exp >= eprec) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    int a = std::abs(exp);
    if (a < 10) out += "0";
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) {
    out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<int>(digits.size()) <= exp + 1) {
    out += digits + std::string(static_cast<size_t>(exp + 1) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(exp + 1)) + "." +
           digits.substr(static_cast<size_t>(exp + 1));
  }
  return out;
}

bool scalar_to_go_string(const json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
    return true;
  }
  if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
    return true;
  }
  if (v.is_number_integer()) {
    *out = v.is_number_unsigned() ? std::to_string(v.get<unsigned long long>())
                                  : std::to_string(v.get<long long>());
    return true;
  }
  if (v.is_number_float()) {
    *out = go_format_float(v.get<double>(), 32);
    return true;
  }
  return false;
}

std::string go_type_name(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number_integer()) return "int";
  if (v.is_number_float()) return "float64";
  if (v.is_null()) return "<nil>";
  if (v.is_array()) return "[]interface {}";
  return "map[string]interface {}";
}

}  // namespace ch::yamlconv
