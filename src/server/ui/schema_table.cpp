#include "server/ui/schema_table.hpp"

#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/json_limits.hpp"
#include "server/ui/html.hpp"

namespace ch::server::ui {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxRefHops = 32;
constexpr std::size_t kMaxMembers = 64;        // of allOf/anyOf/oneOf, of a "type" array
constexpr std::size_t kMaxSegmentBytes = 256;  // of one path segment
constexpr std::size_t kMaxJsonNesting = 4 * kMaxSchemaDepth;
constexpr std::size_t kMaxAncestors = 256;  // $ref targets remembered on one path

std::string capped(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(utf8_prefix(s, max)) + "\xE2\x80\xA6";  // …
}

const Json* member(const Json& node, const char* key) {
  if (!node.is_object()) return nullptr;
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

// Appends `s` to `out` once.
void add_unique(std::vector<std::string>& out, std::string s) {
  if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
}

const char* json_type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "integer";
    case Json::value_t::number_float:
      return "number";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "";
  }
}

class Walker {
 public:
  explicit Walker(const Json& root) : root_(root) {}

  std::vector<SchemaRow> run(bool* truncated);

 private:
  struct Item {
    const Json* node;  // as written (may be a $ref)
    std::string path;
    std::size_t level;  // 0: the root, which has no row
    bool required;
    std::vector<const Json*> ancestors;  // $ref targets on the way here, for cycles
  };

  const Json* pointer(std::string_view ref) const;
  const Json* deref(const Json* node) const;
  std::vector<std::string> types_of(const Json& node) const;
  std::string type_string(const Json& node) const;
  const std::string& dump(const Json& value);
  const std::vector<std::string_view>& required_of(const Json& node);
  void expand(const Item& item, const Json& target, std::vector<const Json*> ancestors,
              std::vector<Item>& stack, std::size_t budget);

  const Json& root_;
  bool truncated_ = false;
  std::unordered_map<const Json*, std::string> dumps_;
  std::unordered_map<const Json*, std::vector<std::string_view>> required_;
};

// A local JSON pointer ("#", "#/definitions/a~1b", percent-encoded or not), or null.
const Json* Walker::pointer(std::string_view ref) const {
  if (ref.empty() || ref[0] != '#') return nullptr;
  std::string decoded;
  for (std::size_t i = 1; i < ref.size(); ++i) {
    auto hex = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
    };
    if (ref[i] == '%' && i + 2 < ref.size() && hex(ref[i + 1]) >= 0 && hex(ref[i + 2]) >= 0) {
      decoded += static_cast<char>(hex(ref[i + 1]) * 16 + hex(ref[i + 2]));
      i += 2;
    } else {
      decoded += ref[i];
    }
  }
  const Json* node = &root_;
  if (decoded.empty()) return node;
  if (decoded[0] != '/') return nullptr;
  std::size_t start = 1;
  while (true) {
    std::size_t slash = decoded.find('/', start);
    std::string_view raw = std::string_view(decoded).substr(
        start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string seg;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        seg += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        seg += raw[i];
      }
    }
    if (node->is_object()) {
      auto it = node->find(seg);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (seg.empty() || seg.size() > 9 ||
          !std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return nullptr;
      }
      std::size_t index = std::stoul(seg);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (slash == std::string::npos) return node;
    start = slash + 1;
  }
}

// Follows local $refs (a bounded number of hops); the node itself when it has none or the
// reference does not resolve.
const Json* Walker::deref(const Json* node) const {
  for (std::size_t hops = 0; hops < kMaxRefHops; ++hops) {
    const Json* ref = member(*node, "$ref");
    if (ref == nullptr || !ref->is_string()) return node;
    const Json* target = pointer(ref->get_ref<const std::string&>());
    if (target == nullptr || target == node) return node;
    node = target;
  }
  return node;
}

// The types `node` (dereferenced) declares, or what its members and keywords imply.
std::vector<std::string> Walker::types_of(const Json& node) const {
  std::vector<std::string> types;
  auto declared = [&](const Json& n) {
    const Json* t = member(n, "type");
    if (t == nullptr) return;
    if (t->is_string()) add_unique(types, t->get<std::string>());
    if (t->is_array()) {
      std::size_t k = 0;
      for (const Json& v : *t) {
        if (k++ == kMaxMembers) break;
        if (v.is_string()) add_unique(types, v.get<std::string>());
      }
    }
  };
  declared(node);
  if (types.empty()) {
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
      const Json* list = member(node, key);
      if (list == nullptr || !list->is_array()) continue;
      std::size_t k = 0;
      for (const Json& m : *list) {
        if (k++ == kMaxMembers) break;
        declared(*deref(&m));
      }
    }
  }
  if (types.empty()) {
    if (member(node, "properties") || member(node, "additionalProperties") ||
        member(node, "patternProperties")) {
      types.push_back("object");
    } else if (member(node, "items")) {
      types.push_back("array");
    }
  }
  if (types.empty()) {
    if (const Json* c = member(node, "const")) add_unique(types, json_type_name(*c));
    if (const Json* e = member(node, "enum"); e && e->is_array()) {
      std::size_t k = 0;
      for (const Json& v : *e) {
        if (k++ == kMaxMembers) break;
        add_unique(types, json_type_name(v));
      }
    }
  }
  return types;
}

std::string Walker::type_string(const Json& node) const {
  std::vector<std::string> types = types_of(node);
  std::string out;
  for (const std::string& t : types) {
    if (!out.empty()) out += " | ";
    out += capped(t, kMaxSegmentBytes);
    const Json* items = member(node, "items");
    if (t == "array" && items != nullptr && items->is_object()) {
      std::vector<std::string> of = types_of(*deref(items));
      if (of.empty()) continue;
      out += " of ";
      if (of.size() > 1) out += '(';
      for (std::size_t i = 0; i < of.size(); ++i) {
        if (i > 0) out += " | ";
        out += capped(of[i], kMaxSegmentBytes);
      }
      if (of.size() > 1) out += ')';
    }
  }
  return out;
}

const std::string& Walker::dump(const Json& value) {
  auto it = dumps_.find(&value);
  if (it != dumps_.end()) return it->second;
  // The depth of a parsed document is bounded (parse_untrusted_ordered_json), so dump's
  // recursion is too. The cut happens after the dump, once per value (cached).
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return dumps_.emplace(&value, capped(text, kMaxSchemaValueBytes)).first->second;
}

const std::vector<std::string_view>& Walker::required_of(const Json& node) {
  auto it = required_.find(&node);
  if (it != required_.end()) return it->second;
  std::vector<std::string_view> names;
  if (const Json* r = member(node, "required"); r && r->is_array()) {
    for (const Json& v : *r) {
      if (v.is_string()) names.push_back(v.get_ref<const std::string&>());
    }
  }
  std::sort(names.begin(), names.end());
  return required_.emplace(&node, std::move(names)).first->second;
}

// Pushes the children of `target` (and of its allOf members) in reverse, at most `budget`.
void Walker::expand(const Item& item, const Json& target, std::vector<const Json*> ancestors,
                    std::vector<Item>& stack, std::size_t budget) {
  std::vector<const Json*> sources{&target};
  if (const Json* all = member(target, "allOf"); all && all->is_array()) {
    std::size_t k = 0;
    for (const Json& m : *all) {
      if (k++ == kMaxMembers) break;
      const Json* t = deref(&m);
      if (std::find(ancestors.begin(), ancestors.end(), t) != ancestors.end()) continue;
      if (t != &m) ancestors.push_back(t);
      sources.push_back(t);
    }
  }
  auto is_required = [&](const std::string& name) {
    for (const Json* s : sources) {
      const auto& names = required_of(*s);
      if (std::binary_search(names.begin(), names.end(), std::string_view(name))) return true;
    }
    return false;
  };
  std::string prefix = item.level == 0 ? "" : item.path;
  std::vector<Item> children;
  auto add = [&](const Json& node, std::string path, bool required) {
    if (children.size() == budget) {
      truncated_ = true;
      return false;
    }
    children.push_back({&node, std::move(path), item.level + 1, required, ancestors});
    return true;
  };
  auto dot = [&](std::string_view name) {
    return (prefix.empty() ? "" : prefix + ".") + capped(name, kMaxSegmentBytes);
  };
  for (const Json* s : sources) {
    if (const Json* props = member(*s, "properties"); props && props->is_object()) {
      for (auto it = props->begin(); it != props->end(); ++it) {
        if (!add(it.value(), dot(it.key()), is_required(it.key()))) break;
      }
    }
    if (const Json* pats = member(*s, "patternProperties"); pats && pats->is_object()) {
      for (auto it = pats->begin(); it != pats->end(); ++it) {
        if (!add(it.value(), dot("/" + it.key() + "/"), false)) break;
      }
    }
    if (const Json* extra = member(*s, "additionalProperties"); extra && extra->is_object()) {
      add(*extra, dot("*"), false);
    }
    if (const Json* items = member(*s, "items")) {
      if (items->is_object()) {
        add(*items, prefix + "[]", false);
      } else if (items->is_array()) {
        std::size_t i = 0;
        for (const Json& each : *items) {
          if (!add(each, prefix + "[" + std::to_string(i++) + "]", false)) break;
        }
      }
    }
  }
  if (!children.empty() && item.level > kMaxSchemaDepth - 1) {
    truncated_ = true;
    return;
  }
  for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(std::move(*it));
}

std::vector<SchemaRow> Walker::run(bool* truncated) {
  std::vector<SchemaRow> rows;
  std::vector<Item> stack{{&root_, "", 0, false, {}}};
  while (!stack.empty()) {
    if (rows.size() >= kMaxSchemaRows) {
      truncated_ = true;
      break;
    }
    Item item = std::move(stack.back());
    stack.pop_back();
    // Resolve $ref; a target that is already an ancestor is a cycle: shown, not expanded.
    std::vector<const Json*> ancestors = item.ancestors;
    const Json* target = item.node;
    bool cycle = false;
    for (std::size_t hops = 0; hops < kMaxRefHops; ++hops) {
      const Json* ref = member(*target, "$ref");
      if (ref == nullptr || !ref->is_string()) break;
      const Json* next = pointer(ref->get_ref<const std::string&>());
      if (next == nullptr || next == target) break;
      target = next;
      if (std::find(ancestors.begin(), ancestors.end(), next) != ancestors.end()) {
        cycle = true;
        break;
      }
      ancestors.push_back(next);
    }
    if (item.level > 0) {
      SchemaRow row;
      row.path = item.path;
      row.depth = item.level - 1;
      row.required = item.required;
      row.type = type_string(*target);
      auto field = [&](const char* key) {
        const Json* v = member(*item.node, key);
        return v != nullptr ? v : member(*target, key);
      };
      if (const Json* d = field("default")) row.default_json = dump(*d);
      const Json* desc = field("description");
      if (desc == nullptr || !desc->is_string()) desc = field("title");
      if (desc != nullptr && desc->is_string()) {
        row.description = capped(desc->get_ref<const std::string&>(), 4 * kMaxSchemaValueBytes);
      }
      if (const Json* e = field("enum"); e && e->is_array()) {
        row.enum_json = dump(*e);
      } else if (const Json* c = field("const")) {
        row.enum_json = capped("[" + dump(*c) + "]", kMaxSchemaValueBytes + 8);
      }
      rows.push_back(std::move(row));
    }
    if (cycle) continue;
    if (ancestors.size() > kMaxAncestors) {
      truncated_ = true;
      continue;
    }
    expand(item, *target, std::move(ancestors), stack, kMaxSchemaRows - rows.size());
  }
  if (truncated != nullptr) *truncated = truncated_;
  return rows;
}

}  // namespace

std::vector<SchemaRow> schema_rows(std::string_view schema_json) {
  return schema_rows(schema_json, nullptr);
}

std::vector<SchemaRow> schema_rows(std::string_view schema_json, bool* truncated) {
  // Each level of the table is two or three levels of JSON ("properties", "items", "allOf").
  Json root = parse_untrusted_ordered_json(schema_json, kMaxJsonNesting);
  return Walker(root).run(truncated);
}

}  // namespace ch::server::ui
