// YAML syntax highlighting for the web UI (values.yaml, templates shown as YAML): a line-based
// lexer, not a parser, so any input (templates with {{ }}, broken YAML) still renders.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ch::server::ui {

inline constexpr std::size_t kMaxHighlightBytes = 2 * 1024 * 1024;

// Escaped HTML, no wrapping <pre>: every input line is kept (same line breaks), with spans
// <span class="yk"> keys, "yc" comments, "ys" quoted strings, "yn" numbers, "yb" booleans and
// null, "ya" anchors, aliases and tags (&x *x !tag), "yp" punctuation (list dash, ':', ',',
// flow brackets, the | and > of block scalars, document markers). The indented lines of a
// block scalar are plain text. A span never crosses a line break. Input over `max_bytes` is
// cut at a line boundary and a line <span class="ynote">...</span> is appended. Linear.
// highlight_yaml(yaml) is highlight_yaml(yaml, kMaxHighlightBytes).
std::string highlight_yaml(std::string_view yaml);
std::string highlight_yaml(std::string_view yaml, std::size_t max_bytes);

}  // namespace ch::server::ui
