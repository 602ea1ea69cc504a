// Tests of server/ui/schema_table.cpp: values.schema.json as rows, $ref, cycles and limits.
#include "server/ui/schema_table.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/error.hpp"

namespace ch::server::ui {
namespace {

const char* kSchema = R"({
  "$schema": "https://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["image"],
  "properties": {
    "replicaCount": {"type": "integer", "default": 1, "description": "Pods to run"},
    "image": {
      "type": "object",
      "required": ["repository"],
      "properties": {
        "repository": {"type": "string", "title": "Image repository"},
        "tag": {"type": ["string", "null"], "default": null},
        "pullPolicy": {"enum": ["Always", "IfNotPresent"], "default": "IfNotPresent"}
      }
    },
    "ingress": {
      "properties": {
        "hosts": {"type": "array", "items": {"$ref": "#/definitions/host"}}
      }
    },
    "env": {"type": "object", "additionalProperties": {"type": "string"}},
    "labels": {"patternProperties": {"^app/": {"type": "string"}}},
    "mode": {"const": "fast", "description": "<b>not escaped here</b>"},
    "port": {"anyOf": [{"type": "integer"}, {"$ref": "#/$defs/named~1port"}]}
  },
  "definitions": {
    "host": {
      "type": "object",
      "properties": {
        "host": {"type": "string", "default": "chart.local"},
        "paths": {"type": "array", "items": {"type": "string"}}
      }
    }
  },
  "$defs": {"named/port": {"type": "string", "description": "a port name"}}
})";

const SchemaRow* find(const std::vector<SchemaRow>& rows, const std::string& path) {
  for (const auto& r : rows) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

TEST(UiSchemaTable, RealisticSchema) {
  bool truncated = true;
  auto rows = schema_rows(kSchema, &truncated);
  EXPECT_FALSE(truncated);
  std::vector<std::string> paths;
  for (const auto& r : rows) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "replicaCount", "image", "image.repository", "image.tag", "image.pullPolicy",
                       "ingress", "ingress.hosts", "ingress.hosts[]", "ingress.hosts[].host",
                       "ingress.hosts[].paths", "ingress.hosts[].paths[]", "env", "env.*", "labels",
                       "labels./^app//", "mode", "port"}));
  const SchemaRow* r = find(rows, "replicaCount");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->type, "integer");
  EXPECT_EQ(r->default_json, "1");
  EXPECT_EQ(r->description, "Pods to run");
  EXPECT_FALSE(r->required);
  EXPECT_EQ(r->depth, 0u);
  EXPECT_TRUE(find(rows, "image")->required);
  EXPECT_TRUE(find(rows, "image.repository")->required);
  EXPECT_EQ(find(rows, "image.repository")->description, "Image repository");
  EXPECT_EQ(find(rows, "image.repository")->depth, 1u);
  EXPECT_FALSE(find(rows, "image.tag")->required);
  EXPECT_EQ(find(rows, "image.tag")->type, "string | null");
  EXPECT_EQ(find(rows, "image.tag")->default_json, "null");
  EXPECT_EQ(find(rows, "image.pullPolicy")->enum_json, R"(["Always","IfNotPresent"])");
  EXPECT_EQ(find(rows, "image.pullPolicy")->type, "string");
  EXPECT_EQ(find(rows, "image.pullPolicy")->default_json, R"("IfNotPresent")");
  EXPECT_EQ(find(rows, "ingress")->type, "object");
  EXPECT_EQ(find(rows, "ingress.hosts")->type, "array of object");
  EXPECT_EQ(find(rows, "ingress.hosts[]")->type, "object");
  EXPECT_EQ(find(rows, "ingress.hosts[].host")->default_json, R"("chart.local")");
  EXPECT_EQ(find(rows, "ingress.hosts[].host")->depth, 3u);
  EXPECT_EQ(find(rows, "ingress.hosts[].paths")->type, "array of string");
  EXPECT_EQ(find(rows, "env.*")->type, "string");
  EXPECT_EQ(find(rows, "mode")->enum_json, R"(["fast"])");
  EXPECT_EQ(find(rows, "mode")->description, "<b>not escaped here</b>");
  EXPECT_EQ(find(rows, "port")->type, "integer | string");
}

TEST(UiSchemaTable, InvalidJsonThrows) {
  try {
    schema_rows("{\"properties\": ");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_THROW(schema_rows(std::string(200, '[') + std::string(200, ']')), Error);
  EXPECT_TRUE(schema_rows("true").empty());
  EXPECT_TRUE(schema_rows("{}").empty());
}

TEST(UiSchemaTable, RefCyclesStop) {
  // A tree type: node.children[] is a node again.
  auto rows = schema_rows(R"({
    "$ref": "#/definitions/node",
    "definitions": {"node": {"type": "object", "properties": {
      "name": {"type": "string"},
      "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}}})");
  std::vector<std::string> paths;
  for (const auto& r : rows) paths.push_back(r.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"name", "children", "children[]"}));
  EXPECT_EQ(rows[2].type, "object");
  // $refs that point at each other, and at themselves.
  rows = schema_rows(R"({"properties": {"a": {"$ref": "#/definitions/b"},
    "s": {"$ref": "#/properties/s"}},
    "definitions": {"b": {"$ref": "#/definitions/c"}, "c": {"$ref": "#/definitions/b"}}})");
  EXPECT_EQ(rows.size(), 2u);
  // Unresolvable and remote refs leave the node as written.
  rows = schema_rows(R"({"properties": {"x": {"$ref": "other.json#/a", "description": "d"},
    "y": {"$ref": "#/nope"}, "z": {"$ref": "#/properties/x/description"}}})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].description, "d");
}

TEST(UiSchemaTable, AllOfMergesProperties) {
  auto rows = schema_rows(R"({"properties": {"svc": {
    "allOf": [{"$ref": "#/$defs/base"}, {"properties": {"port": {"type": "integer"}},
              "required": ["port"]}]}},
    "$defs": {"base": {"type": "object", "properties": {"name": {"type": "string"}}}}})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].path, "svc");
  EXPECT_EQ(rows[0].type, "object");
  EXPECT_EQ(rows[1].path, "svc.name");
  EXPECT_EQ(rows[2].path, "svc.port");
  EXPECT_TRUE(rows[2].required);
  EXPECT_FALSE(rows[1].required);
}

TEST(UiSchemaTable, RowLimit) {
  std::string schema = R"({"properties": {)";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) schema += ",";
    schema += "\"p" + std::to_string(i) + "\": {\"type\": \"string\"}";
  }
  schema += "}}";
  bool truncated = false;
  auto rows = schema_rows(schema, &truncated);
  EXPECT_EQ(rows.size(), kMaxSchemaRows);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(rows.back().path, "p1999");
}

TEST(UiSchemaTable, DepthLimit) {
  std::string schema;
  for (int i = 0; i < 40; ++i) schema += R"({"properties": {"a": )";
  schema += "{}";
  for (int i = 0; i < 40; ++i) schema += "}}";
  bool truncated = false;
  auto rows = schema_rows(schema, &truncated);
  EXPECT_EQ(rows.size(), kMaxSchemaDepth);
  EXPECT_EQ(rows.back().depth, kMaxSchemaDepth - 1);
  EXPECT_TRUE(truncated);
}

TEST(UiSchemaTable, RefAmplificationIsBounded) {
  // Each level refers to the next twice: 2^20 paths, and a large default at the bottom.
  std::string schema = R"({"$ref": "#/definitions/l0", "definitions": {)";
  for (int i = 0; i < 20; ++i) {
    std::string next = "#/definitions/l" + std::to_string(i + 1);
    schema += "\"l" + std::to_string(i) + "\": {\"properties\": {\"a\": {\"$ref\": \"" + next +
              "\"}, \"b\": {\"$ref\": \"" + next + "\"}}},";
  }
  schema += "\"l20\": {\"type\": \"string\", \"default\": \"" + std::string(100000, 'x') + "\"}}}";
  auto start = std::chrono::steady_clock::now();
  bool truncated = false;
  auto rows = schema_rows(schema, &truncated);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
  EXPECT_EQ(rows.size(), kMaxSchemaRows);
  EXPECT_TRUE(truncated);
  std::size_t total = 0;
  for (const auto& r : rows) {
    total += r.default_json.size();
    EXPECT_LE(r.default_json.size(), kMaxSchemaValueBytes + 3);
  }
  EXPECT_GT(total, 0u);
}

TEST(UiSchemaTable, JsonPointerEscapes) {
  auto rows = schema_rows(R"({"properties": {
    "a": {"$ref": "#/$defs/x~0y~1z"}, "b": {"$ref": "#/$defs/sp%20ace"},
    "c": {"$ref": "#/$defs/list/1"}},
    "$defs": {"x~y/z": {"type": "boolean"}, "sp ace": {"type": "number"},
              "list": [{"type": "null"}, {"type": "integer"}]}})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].type, "boolean");
  EXPECT_EQ(rows[1].type, "number");
  EXPECT_EQ(rows[2].type, "integer");
}

}  // namespace
}  // namespace ch::server::ui
